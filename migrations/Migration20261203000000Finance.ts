import { Migration } from '@mikro-orm/migrations';

const values = (list: string[]) => list.map((v) => `'${v}'`).join(', ');

/**
 * Issue 4, the money side: partners' resold customers, order billing terms and credit holds,
 * contracts with instalments, receivables, payments and their allocations, credit assessments and
 * holds, collection tasks.
 */
export class Migration20261203000000Finance extends Migration {
  override async up(): Promise<void> {
    // Partners: the customers a partner resells to.
    this.addSql(`alter table customer add column resold_by_id text references customer (id);`);
    this.addSql(`alter table customer add constraint customer_resold_by_check check (resold_by_id is null or resold_by_id <> id);`);
    this.addSql(`create index customer_resold_by_idx on customer (resold_by_id) where resold_by_id is not null;`);
    // The currency of the credit limit (amounts in other currencies cannot be compared to it).
    this.addSql(`alter table customer add column credit_currency text check (credit_currency ~ '^[A-Z]{3}$');`);

    // Orders: who is billed (the partner for its resale orders), payment terms, the credit hold status.
    this.addSql(`alter table sales_order drop constraint if exists sales_order_status_check;`);
    this.addSql(`alter table sales_order add constraint sales_order_status_check check (status in (${values(['PENDING_CREDIT_APPROVAL', 'PENDING', 'CONFIRMED', 'FULFILLED', 'COMPLETED', 'CANCELLED', 'RETURNED'])}));`);
    this.addSql(`alter table sales_order add column payment_terms text not null default 'PREPAID' check (payment_terms in ('PREPAID', 'ON_ACCOUNT'));`);
    this.addSql(`alter table sales_order add column bill_to_id text references customer (id);`);
    this.addSql(`update sales_order set bill_to_id = customer_id;`);
    this.addSql(`alter table sales_order alter column bill_to_id set not null;`);
    this.addSql(`create index sales_order_bill_to_idx on sales_order (bill_to_id, status);`);

    this.addSql(`create sequence contract_number_seq;`);
    this.addSql(`create table contract (
      id text primary key,
      number text not null unique,
      customer_id text not null references customer (id),
      title text not null check (length(title) between 1 and 200),
      value numeric(18, 2) not null check (value > 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      start_date date not null,
      end_date date,
      renewal_date date,
      status text not null default 'DRAFT' check (status in (${values(['DRAFT', 'PENDING_CREDIT_APPROVAL', 'SIGNED', 'ACTIVE', 'EXPIRED', 'TERMINATED'])})),
      instalments jsonb not null check (jsonb_typeof(instalments) = 'array' and jsonb_array_length(instalments) between 1 and 120),
      owner_id text not null references app_user (id),
      signed_at timestamptz(3),
      signed_by text,
      terminated_at timestamptz(3),
      notes text,
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check (end_date is null or end_date >= start_date)
    );`);
    this.addSql(`create index contract_customer_idx on contract (customer_id, created_at, id);`);
    this.addSql(`create index contract_owner_idx on contract (owner_id);`);
    this.addSql(`create index contract_created_idx on contract (created_at, id);`);

    this.addSql(`create sequence receivable_number_seq;`);
    this.addSql(`create table receivable (
      id text primary key,
      number text not null unique,
      customer_id text not null references customer (id),
      contract_id text references contract (id),
      instalment integer check (instalment >= 1),
      order_id text references sales_order (id),
      description text not null,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      amount numeric(18, 2) not null check (amount > 0),
      paid_amount numeric(18, 2) not null default 0 check (paid_amount >= 0 and paid_amount <= amount),
      issued_on date not null,
      due_date date not null,
      status text not null default 'OPEN' check (status in ('OPEN', 'OVERDUE', 'SETTLED')),
      dunning_stage text check (dunning_stage in (${values(['REMINDER', 'NOTICE', 'ESCALATED', 'COLLECTION_AGENCY'])})),
      overdue_since date,
      settled_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check ((status = 'SETTLED') = (paid_amount = amount)),
      check ((status = 'SETTLED') = (settled_at is not null)),
      check (num_nonnulls(contract_id, order_id) = 1),
      check ((contract_id is null) = (instalment is null)),
      unique (contract_id, instalment),
      unique (order_id)
    );`);
    this.addSql(`create index receivable_customer_idx on receivable (customer_id, due_date, id);`);
    this.addSql(`create index receivable_open_idx on receivable (due_date, id) where status <> 'SETTLED';`);
    this.addSql(`create index receivable_created_idx on receivable (created_at, id);`);

    this.addSql(`create table payment (
      id text primary key,
      customer_id text not null references customer (id),
      amount numeric(18, 2) not null check (amount > 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      received_on date not null,
      method text not null check (method in (${values(['BANK_TRANSFER', 'CARD', 'CASH', 'CHEQUE', 'DIRECT_DEBIT', 'OTHER'])})),
      reference text check (length(reference) between 1 and 100),
      note text,
      recorded_by text not null,
      created_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index payment_customer_idx on payment (customer_id, received_on, id);`);
    this.addSql(`create index payment_created_idx on payment (created_at, id);`);
    this.addSql(`create index payment_customer_created_idx on payment (customer_id, created_at, id);`);
    this.addSql(`create table payment_allocation (
      id text primary key,
      payment_id text not null references payment (id),
      receivable_id text not null references receivable (id),
      amount numeric(18, 2) not null check (amount > 0),
      unique (payment_id, receivable_id)
    );`);
    this.addSql(`create index payment_allocation_receivable_idx on payment_allocation (receivable_id);`);

    this.addSql(`create table credit_assessment (
      id text primary key,
      customer_id text not null references customer (id),
      rating text not null check (rating in ('A', 'B', 'C', 'D')),
      credit_limit numeric(18, 2) not null check (credit_limit >= 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      note text,
      assessed_by text not null references app_user (id),
      assessed_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index credit_assessment_customer_idx on credit_assessment (customer_id, assessed_at, id);`);

    this.addSql(`create table credit_hold (
      id text primary key,
      customer_id text not null references customer (id),
      order_id text references sales_order (id),
      contract_id text references contract (id),
      amount numeric(18, 2) not null,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      exposure numeric(18, 2) not null,
      credit_limit numeric(18, 2),
      credit_currency text,
      reason text not null check (reason in ('OVER_LIMIT', 'NO_CREDIT_LIMIT', 'CURRENCY_MISMATCH')),
      status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED')),
      decided_by text references app_user (id),
      decided_at timestamptz(3),
      decision_note text,
      created_at timestamptz(3) not null default now(),
      version integer not null default 1,
      check (num_nonnulls(order_id, contract_id) = 1),
      check ((status = 'PENDING') = (decided_at is null))
    );`);
    this.addSql(`create unique index credit_hold_pending_order_key on credit_hold (order_id) where status = 'PENDING';`);
    this.addSql(`create unique index credit_hold_pending_contract_key on credit_hold (contract_id) where status = 'PENDING';`);
    this.addSql(`create index credit_hold_created_idx on credit_hold (created_at, id);`);
    this.addSql(`create index credit_hold_customer_idx on credit_hold (customer_id);`);

    // Collection tasks: one per overdue receivable, never duplicated.
    this.addSql(`alter table task add column receivable_id text references receivable (id);`);
    this.addSql(`create unique index task_collection_receivable_key on task (receivable_id) where type = 'COLLECTION';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists task_collection_receivable_key;`);
    this.addSql(`alter table task drop column if exists receivable_id;`);
    this.addSql(`drop table if exists credit_hold;`);
    this.addSql(`drop table if exists credit_assessment;`);
    this.addSql(`drop table if exists payment_allocation;`);
    this.addSql(`drop table if exists payment;`);
    this.addSql(`drop table if exists receivable;`);
    this.addSql(`drop sequence if exists receivable_number_seq;`);
    this.addSql(`drop table if exists contract;`);
    this.addSql(`drop sequence if exists contract_number_seq;`);
    this.addSql(`alter table sales_order drop column if exists bill_to_id;`);
    this.addSql(`alter table sales_order drop column if exists payment_terms;`);
    this.addSql(`alter table customer drop column if exists credit_currency;`);
    this.addSql(`alter table customer drop column if exists resold_by_id;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, definition 2: an instalment of a signed contract becomes a receivable on its invoice date,
 * not at signing. `billing_schedule` holds one row per instalment of a signed contract: SCHEDULED until
 * the billing step of the overdue job issues it (ISSUED, with its receivable), CANCELLED when the contract
 * is terminated first. AR queries keep reading `receivable` only. Instalments issued before this
 * migration (all at signing) are recorded as ISSUED on their issue day. `contract.billing_terms_days`: the
 * contract's billing terms — how many days before its due date an instalment without its own invoice date
 * is invoiced (0–365; 0 = on the due date); existing contracts get the former constant, 30.
 */
export class Migration20261220000000BillingSchedule extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table contract add column billing_terms_days integer not null default 30
      constraint contract_billing_terms_days_check check (billing_terms_days between 0 and 365);`);
    this.addSql(`create table billing_schedule (
      contract_id text not null references contract (id),
      instalment integer not null check (instalment >= 1),
      customer_id text not null references customer (id),
      description text not null,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      amount numeric(18, 2) not null check (amount > 0),
      due_date date not null,
      invoice_date date not null check (invoice_date <= due_date),
      status text not null default 'SCHEDULED' check (status in ('SCHEDULED', 'ISSUED', 'CANCELLED')),
      receivable_id text unique references receivable (id),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      primary key (contract_id, instalment),
      check ((status = 'ISSUED') = (receivable_id is not null))
    );`);
    this.addSql(`create index billing_schedule_due_idx on billing_schedule (invoice_date, contract_id, instalment) where status = 'SCHEDULED';`);
    this.addSql(`create index billing_schedule_customer_idx on billing_schedule (customer_id) where status = 'SCHEDULED';`);
    this.addSql(`insert into billing_schedule (contract_id, instalment, customer_id, description, currency, amount, due_date, invoice_date, status, receivable_id, created_at, updated_at)
      select r.contract_id, r.instalment, r.customer_id, r.description, r.currency, r.amount, r.due_date, least(r.issued_on, r.due_date), 'ISSUED', r.id, r.created_at, r.created_at
      from receivable r where r.contract_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists billing_schedule;`);
    this.addSql(`alter table contract drop column if exists billing_terms_days;`);
  }
}

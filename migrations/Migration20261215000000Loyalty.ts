import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 11, the loyalty programme: its settings (one row), memberships and their tier history, the
 * append-only points ledger, offers with their redemptions, and "notify me first" interests. Orders
 * gain what loyalty puts on them (points value, offer discount, completion time) and lines say where
 * their price came from.
 *
 * The ledger is never updated or deleted: a balance is the sum of a membership's entries, and each
 * entry also stores the balance after it (`balance_after`, written under the membership's row lock,
 * checked ≥ 0), which is the running balance of `Customer.pointsLedger`. `seq` orders the ledger. A
 * trigger refuses every update and delete of ledger entries and offer redemptions.
 * Positive entries are lots: what is left of them expires on `expires_on` (FIFO, see loyalty-ledger.ts).
 */
export class Migration20261215000000Loyalty extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table loyalty_programme (
      id integer primary key default 1 check (id = 1),
      currency text not null,
      silver_spend numeric(18, 2) not null, gold_spend numeric(18, 2) not null, platinum_spend numeric(18, 2) not null,
      standard_rate numeric(8, 4) not null, silver_rate numeric(8, 4) not null, gold_rate numeric(8, 4) not null, platinum_rate numeric(8, 4) not null,
      point_value numeric(12, 6) not null check (point_value > 0),
      max_redeem_percent numeric(5, 2) not null check (max_redeem_percent between 0 and 100),
      expiry_months integer not null check (expiry_months between 1 and 120),
      signup_bonus integer not null check (signup_bonus >= 0),
      version integer not null default 1,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
      check (0 <= silver_spend and silver_spend <= gold_spend and gold_spend <= platinum_spend),
      check (standard_rate >= 0 and silver_rate >= 0 and gold_rate >= 0 and platinum_rate >= 0)
    );`);
    this.addSql(`insert into loyalty_programme (currency, silver_spend, gold_spend, platinum_spend, standard_rate, silver_rate, gold_rate, platinum_rate,
      point_value, max_redeem_percent, expiry_months, signup_bonus)
      values ('EUR', 1000, 5000, 20000, 1, 1.25, 1.5, 2, 0.01, 50, 24, 100);`);

    this.addSql(`create sequence loyalty_member_number_seq start with 100001;`);
    this.addSql(`create table loyalty_membership (
      id text primary key,
      customer_id text not null unique references customer(id),
      number text not null unique,
      tier text not null default 'STANDARD' check (tier in ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM')),
      since timestamptz not null default now(),
      tier_since timestamptz not null default now(),
      created_by text not null,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
      version integer not null default 1
    );`);
    this.addSql(`create table loyalty_tier_change (
      id text primary key,
      membership_id text not null references loyalty_membership(id),
      customer_id text not null references customer(id),
      from_tier text null, to_tier text not null,
      spend12m numeric(18, 2) not null,
      reason text not null check (reason in ('ENROLMENT', 'ORDER', 'JOB')),
      order_id text null references sales_order(id),
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create index loyalty_tier_change_membership_idx on loyalty_tier_change (membership_id, created_at desc);`);
    this.addSql(`create index loyalty_tier_change_customer_idx on loyalty_tier_change (customer_id, created_at desc);`);

    this.addSql(`create table points_entry (
      seq bigserial not null unique,
      id text primary key,
      membership_id text not null references loyalty_membership(id),
      customer_id text not null references customer(id),
      kind text not null check (kind in ('BONUS', 'EARN', 'REDEEM', 'REVERSAL', 'EXPIRE', 'ADJUST')),
      points integer not null,
      balance_after integer not null check (balance_after >= 0),
      expires_on date null,
      order_id text null references sales_order(id),
      reverses_id text null unique references points_entry(id),
      unrecovered integer not null default 0 check (unrecovered >= 0),
      reason text null,
      created_by text not null,
      created_at timestamptz not null default now(),
      check ((points > 0) = (expires_on is not null)),
      check (points <> 0 or kind = 'REVERSAL')
    );`);
    this.addSql(`create unique index points_entry_earn_once on points_entry (order_id) where kind = 'EARN';`);
    this.addSql(`create unique index points_entry_redeem_once on points_entry (order_id) where kind = 'REDEEM';`);
    this.addSql(`create index points_entry_membership_idx on points_entry (membership_id, seq desc);`);
    this.addSql(`create index points_entry_customer_idx on points_entry (customer_id, seq desc);`);
    this.addSql(`create index points_entry_expiry_idx on points_entry (expires_on) where expires_on is not null;`);

    this.addSql(`alter table sales_order add column points_value numeric(18, 2) not null default 0;`);
    this.addSql(`alter table sales_order add column offer_discount numeric(18, 2) not null default 0;`);
    this.addSql(`alter table sales_order add column completed_at timestamptz null;`);
    this.addSql(`create index sales_order_completed_idx on sales_order (customer_id, completed_at) where completed_at is not null;`);
    this.addSql(`alter table sales_order_line add column price_source text not null default 'SHOP' check (price_source in ('SHOP', 'LIST', 'MEMBER'));`);

    this.addSql(`create table offer (
      id text primary key,
      code text not null unique,
      name text not null,
      description text null,
      discount_type text not null check (discount_type in ('PERCENT', 'AMOUNT', 'BUNDLE')),
      applies_to text not null check (applies_to in ('ORDER', 'PRODUCT', 'CATEGORY')),
      percent numeric(5, 2) null check (percent is null or (percent > 0 and percent <= 100)),
      amount numeric(18, 2) null check (amount is null or amount > 0),
      currency text null,
      product_id text null references product(id),
      category text null,
      bundle_skus jsonb null,
      bundle_price numeric(18, 2) null check (bundle_price is null or bundle_price >= 0),
      valid_from timestamptz not null,
      valid_until timestamptz not null,
      quantity_limit integer null check (quantity_limit is null or quantity_limit > 0),
      redeemed_count integer not null default 0,
      once_per_customer boolean not null default false,
      target text not null check (target in ('EVERYONE', 'CUSTOMER', 'TIER')),
      target_customer_id text null references customer(id),
      target_tier text null check (target_tier is null or target_tier in ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM')),
      early_access_until timestamptz null,
      created_by text not null,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
      version integer not null default 1,
      check (valid_from < valid_until),
      check (quantity_limit is null or redeemed_count <= quantity_limit)
    );`);
    this.addSql(`create table offer_redemption (
      id text primary key,
      offer_id text not null references offer(id),
      customer_id text not null references customer(id),
      order_id text not null references sales_order(id),
      discount numeric(18, 2) not null check (discount >= 0),
      currency text not null,
      created_at timestamptz not null default now(),
      unique (offer_id, order_id)
    );`);
    this.addSql(`create index offer_redemption_customer_idx on offer_redemption (offer_id, customer_id);`);
    this.addSql(`create index offer_redemption_order_idx on offer_redemption (order_id);`);
    this.addSql(`create table product_interest (
      id text primary key,
      customer_id text not null references customer(id),
      product_id text not null references product(id),
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (customer_id, product_id)
    );`);
    this.addSql(`create index product_interest_product_idx on product_interest (product_id);`);
    // The ledger and redemptions are history: the database refuses to change or delete them, whoever asks.
    this.addSql(`create function refuse_change_of_history() returns trigger language plpgsql as $$
      begin raise exception '% is append-only: its rows are never changed or deleted', tg_table_name; end $$;`);
    this.addSql(`create trigger points_entry_append_only before update or delete on points_entry for each row execute function refuse_change_of_history();`);
    this.addSql(`create trigger offer_redemption_append_only before update or delete on offer_redemption for each row execute function refuse_change_of_history();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists product_interest, offer_redemption, offer, points_entry, loyalty_tier_change, loyalty_membership, loyalty_programme;`);
    this.addSql(`drop function if exists refuse_change_of_history();`);
    this.addSql(`drop sequence if exists loyalty_member_number_seq;`);
    this.addSql(`alter table sales_order_line drop column if exists price_source;`);
    this.addSql(`alter table sales_order drop column if exists points_value, drop column if exists offer_discount, drop column if exists completed_at;`);
  }
}

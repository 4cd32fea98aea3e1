import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, money in one reporting currency: exchange rates by day, maintained by ADMIN and FINANCE
 * (`setExchangeRate`). A rate says how many units of `to_currency` one unit of `from_currency` buys from
 * `valid_on` until the next rate of the same pair. One rate per pair and day (upserted).
 */
export class Migration20261221000000ExchangeRates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table exchange_rate (
      from_currency text not null check (from_currency ~ '^[A-Z]{3}$'),
      to_currency text not null check (to_currency ~ '^[A-Z]{3}$'),
      valid_on date not null,
      rate numeric(20, 10) not null check (rate > 0),
      set_by text null,
      set_at timestamptz not null default now(),
      primary key (from_currency, to_currency, valid_on),
      constraint exchange_rate_pair_check check (from_currency <> to_currency)
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists exchange_rate;`);
  }
}

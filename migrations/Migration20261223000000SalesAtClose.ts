import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, definition 6: a deal remembers who owned it and what its customer was (tier, sector) when it
 * closed, so that reassigning the deal or re-tiering the customer later does not rewrite past win
 * rates and rep performance. The database records it (a trigger, so that every path that closes a
 * deal — `updateOpportunity`, `acceptQuote`, a deal created closed, the demo seed — agrees): when a
 * deal enters WON or LOST (inserted closed, or its stage changes to WON or LOST, also WON → LOST),
 * `closed_owner_id`, `closed_customer_tier` and `closed_customer_sector` take the deal's owner and its
 * customer's tier and sector at that moment; when it is reopened (its stage becomes an open one) they
 * are cleared. Existing closed deals are backfilled from the current values (the only ones known).
 * Also an index for the stage-history reports (changes by time).
 */
export class Migration20261223000000SalesAtClose extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table opportunity
      add column closed_owner_id text null references app_user (id),
      add column closed_customer_tier text null check (closed_customer_tier in ('POTENTIAL', 'TARGET', 'KEY')),
      add column closed_customer_sector text null
        check (closed_customer_sector in ('CONSUMER', 'SMALL_BUSINESS', 'ENTERPRISE', 'EDUCATION', 'GOVERNMENT', 'OTHER'));`);
    this.addSql(`update opportunity o set closed_owner_id = o.owner_id, closed_customer_tier = c.tier, closed_customer_sector = c.sector
      from customer c where c.id = o.customer_id and o.stage in ('WON', 'LOST');`);
    this.addSql(`create function record_opportunity_close() returns trigger language plpgsql as $$
      begin
        if new.stage not in ('WON', 'LOST') then
          new.closed_owner_id := null; new.closed_customer_tier := null; new.closed_customer_sector := null;
        elsif tg_op = 'INSERT' or old.stage is distinct from new.stage then
          new.closed_owner_id := new.owner_id;
          select c.tier, c.sector into new.closed_customer_tier, new.closed_customer_sector from customer c where c.id = new.customer_id;
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger opportunity_record_close before insert or update of stage on opportunity
      for each row execute function record_opportunity_close();`);
    this.addSql(`create index opportunity_closed_owner_idx on opportunity (closed_owner_id, closed_at) where deleted_at is null and closed_owner_id is not null;`);
    this.addSql(`create index stage_change_at_idx on opportunity_stage_change (at, opportunity_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists opportunity_record_close on opportunity;`);
    this.addSql(`drop function if exists record_opportunity_close();`);
    this.addSql(`drop index if exists stage_change_at_idx;`);
    this.addSql(`alter table opportunity drop column if exists closed_owner_id, drop column if exists closed_customer_tier,
      drop column if exists closed_customer_sector;`);
  }
}

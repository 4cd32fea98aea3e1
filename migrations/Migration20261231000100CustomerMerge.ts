import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, merging duplicate customers (services/customer-merge.service.ts):
 * - `customer.merged_into`: the survivor a soft-deleted duplicate was merged into (`Customer.mergedInto`);
 *   only a deleted customer has one, and never itself.
 * - the audit action MERGE, and the tier change reason MERGE (the combined spend may reach a higher tier).
 * - the append-only ledgers (points entries, offer redemptions) may be re-attributed to another customer:
 *   an update that changes nothing but `customer_id` passes, every other update and every delete is still
 *   refused. A merge moves history to the survivor, it never rewrites it.
 * - `duplicateCandidates`: the name's trigram index (customer_name_trgm) exists since the first migration;
 *   normalised e-mails and phones are computed in the query (a hash join, linear in live customers).
 */
export class Migration20261231000100CustomerMerge extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table customer add column merged_into text null references customer(id);`);
    this.addSql(`alter table customer add constraint customer_merged_into_check
      check (merged_into is null or (deleted_at is not null and merged_into <> id));`);
    this.addSql(`create index customer_merged_into_idx on customer (merged_into) where merged_into is not null;`);

    // A merge moves rows by these columns; they had no index (the other moved columns have one).
    this.addSql(`create index lead_converted_customer_idx on lead (converted_customer_id) where converted_customer_id is not null;`);
    this.addSql(`create index offer_target_customer_idx on offer (target_customer_id) where target_customer_id is not null;`);
    this.addSql(`create index offer_redemption_by_customer_idx on offer_redemption (customer_id);`);

    this.addSql(`alter table audit_event drop constraint audit_event_action_check;`);
    this.addSql(`alter table audit_event add constraint audit_event_action_check
      check (action in ('CREATE', 'UPDATE', 'DELETE', 'RESTORE', 'REASSIGN', 'IMPORT', 'MERGE'));`);

    this.addSql(`alter table loyalty_tier_change drop constraint loyalty_tier_change_reason_check;`);
    this.addSql(`alter table loyalty_tier_change add constraint loyalty_tier_change_reason_check check (reason in ('ENROLMENT', 'ORDER', 'JOB', 'MERGE'));`);

    this.addSql(`create or replace function refuse_change_of_history() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and (to_jsonb(new) - 'customer_id') = (to_jsonb(old) - 'customer_id') then return new; end if;
        raise exception '% is append-only: its rows are never changed or deleted', tg_table_name;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function refuse_change_of_history() returns trigger language plpgsql as $$
      begin raise exception '% is append-only: its rows are never changed or deleted', tg_table_name; end $$;`);
    this.addSql(`alter table audit_event drop constraint audit_event_action_check;`);
    this.addSql(`alter table audit_event add constraint audit_event_action_check
      check (action in ('CREATE', 'UPDATE', 'DELETE', 'RESTORE', 'REASSIGN', 'IMPORT'));`);
    this.addSql(`alter table loyalty_tier_change drop constraint loyalty_tier_change_reason_check;`);
    this.addSql(`alter table loyalty_tier_change add constraint loyalty_tier_change_reason_check check (reason in ('ENROLMENT', 'ORDER', 'JOB'));`);
    this.addSql(`drop index if exists offer_redemption_by_customer_idx, offer_target_customer_idx, lead_converted_customer_idx, customer_merged_into_idx;`);
    this.addSql(`alter table customer drop column if exists merged_into;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

const values = (items: string[]) => items.map((v) => `'${v}'`).join(', ');
const ROLES = ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER', 'INTEGRATION'];

/** Users, customers, contacts, external refs, API keys and the audit log. */
export class Migration20261129000000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`create table app_user (
      id text primary key,
      email text not null unique,
      name text not null,
      role text not null check (role in (${values(ROLES)})),
      manager_id text references app_user (id),
      team text,
      active boolean not null default true,
      partner_customer_id text,
      password_hash text not null,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      check (manager_id is null or manager_id <> id)
    );`);
    this.addSql(`create index app_user_manager_idx on app_user (manager_id);`);
    this.addSql(`create index app_user_created_idx on app_user (created_at, id);`);

    this.addSql(`create table customer (
      id text primary key,
      name text not null,
      kind text not null check (kind in ('INDIVIDUAL', 'BUSINESS')),
      sector text not null check (sector in (${values(['CONSUMER', 'SMALL_BUSINESS', 'ENTERPRISE', 'EDUCATION', 'GOVERNMENT', 'OTHER'])})),
      tier text not null default 'POTENTIAL' check (tier in ('POTENTIAL', 'TARGET', 'KEY')),
      vip boolean not null default false,
      industry text,
      employee_count integer check (employee_count >= 0),
      annual_revenue numeric(18, 2) check (annual_revenue >= 0),
      website text,
      phones jsonb not null default '[]',
      emails jsonb not null default '[]',
      addresses jsonb not null default '[]',
      owner_id text not null references app_user (id),
      source text check (source in (${values(['WEB', 'REFERRAL', 'CAMPAIGN', 'PARTNER', 'E_COMMERCE', 'CALL_CENTRE', 'TRADE_SHOW', 'DIRECT_SALES', 'OTHER'])})),
      referred_by_id text references customer (id),
      status text not null default 'ACTIVE' check (status in ('ACTIVE', 'AT_RISK', 'CHURNED')),
      churn_reason text check (churn_reason in (${values(['MOVED', 'CLOSED_DOWN', 'BETTER_PRODUCT', 'POOR_SERVICE', 'PRICE', 'OTHER'])})),
      churn_note text,
      is_partner boolean not null default false,
      channel_type text check (channel_type in (${values(['MULTINATIONAL_CHAIN', 'DOMESTIC_CHAIN', 'DEPARTMENT_STORE', 'FRANCHISE_STORE', 'SPECIALTY_STORE', 'ONLINE', 'OTHER'])})),
      tags text[] not null default '{}',
      custom_attributes jsonb not null default '{}',
      marketing_consent boolean not null default false,
      consent_at timestamptz(3),
      consent_source text,
      credit_rating text check (credit_rating in ('A', 'B', 'C', 'D')),
      credit_limit numeric(18, 2) check (credit_limit >= 0),
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3),
      version integer not null default 1,
      -- Values only (never the JSON keys or labels); phone digits also without punctuation, numbers comma-separated.
      search_text text generated always as (
        lower(name || ' ' || jsonb_path_query_array(emails, '$[*].address')::text || ' ' || jsonb_path_query_array(phones, '$[*].number')::text)
        || ' ' || regexp_replace(jsonb_path_query_array(phones, '$[*].number')::text, '[^0-9,]', '', 'g')
      ) stored,
      check ((status = 'CHURNED') = (churn_reason is not null)),
      check (vip = false or tier = 'KEY'),
      check (referred_by_id is null or referred_by_id <> id)
    );`);
    this.addSql(`alter table app_user add constraint app_user_partner_customer_fk foreign key (partner_customer_id) references customer (id);`);
    // Keyset orders (every sort ends with id) and the record scope of reps and managers.
    this.addSql(`create index customer_created_idx on customer (created_at, id) where deleted_at is null;`);
    this.addSql(`create index customer_updated_idx on customer (updated_at, id) where deleted_at is null;`);
    this.addSql(`create index customer_name_idx on customer (name, id) where deleted_at is null;`);
    this.addSql(`create index customer_owner_idx on customer (owner_id, created_at, id) where deleted_at is null;`);
    this.addSql(`create index customer_revenue_idx on customer (annual_revenue, id) where deleted_at is null;`);
    this.addSql(`create index customer_employees_idx on customer (employee_count, id) where deleted_at is null;`);
    this.addSql(`create index customer_referred_by_idx on customer (referred_by_id);`);
    // Search and "contains" filters: trigram indexes serve ILIKE '%term%' at a million rows.
    this.addSql(`create index customer_search_trgm on customer using gin (search_text gin_trgm_ops);`);
    this.addSql(`create index customer_name_trgm on customer using gin (name gin_trgm_ops);`);
    this.addSql(`create index customer_tags_idx on customer using gin (tags);`);

    this.addSql(`create table contact (
      id text primary key,
      customer_id text not null references customer (id),
      first_name text not null,
      last_name text not null,
      title text,
      department text,
      phones jsonb not null default '[]',
      emails jsonb not null default '[]',
      addresses jsonb not null default '[]',
      buying_role text check (buying_role in (${values(['DECISION_MAKER', 'INFLUENCER', 'PURCHASER', 'USER', 'GATEKEEPER', 'TECHNICAL_EVALUATOR'])})),
      preferred_channel text check (preferred_channel in (${values(['EMAIL', 'PHONE', 'SMS', 'MAIL', 'CHAT', 'IN_PERSON'])})),
      marketing_consent boolean not null default false,
      consent_at timestamptz(3),
      consent_source text,
      "primary" boolean not null default false,
      created_by text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3),
      version integer not null default 1,
      search_text text generated always as (
        lower(first_name || ' ' || last_name || ' ' || jsonb_path_query_array(emails, '$[*].address')::text || ' ' || jsonb_path_query_array(phones, '$[*].number')::text)
        || ' ' || regexp_replace(jsonb_path_query_array(phones, '$[*].number')::text, '[^0-9,]', '', 'g')
      ) stored
    );`);
    this.addSql(`create index contact_customer_idx on contact (customer_id, created_at, id) where deleted_at is null;`);
    this.addSql(`create index contact_created_idx on contact (created_at, id) where deleted_at is null;`);
    this.addSql(`create index contact_name_idx on contact (last_name, first_name, id) where deleted_at is null;`);
    this.addSql(`create index contact_search_trgm on contact using gin (search_text gin_trgm_ops);`);
    this.addSql(`create unique index contact_one_primary on contact (customer_id) where "primary" and deleted_at is null;`);

    this.addSql(`create table customer_external_ref (
      id text primary key,
      customer_id text not null references customer (id),
      system text not null,
      ref text not null,
      unique (system, ref)
    );`);
    this.addSql(`create index customer_external_ref_customer_idx on customer_external_ref (customer_id);`);

    this.addSql(`create table api_key (
      id text primary key,
      name text not null,
      prefix text not null unique,
      secret_hash text not null,
      role text not null check (role in ('INTEGRATION', 'PARTNER')),
      scopes text[] not null default '{}',
      partner_customer_id text references customer (id),
      created_by text not null,
      created_at timestamptz(3) not null default now(),
      expires_at timestamptz(3),
      revoked_at timestamptz(3),
      check ((role = 'PARTNER') = (partner_customer_id is not null))
    );`);

    this.addSql(`create table audit_event (
      id text primary key,
      entity_type text not null,
      entity_id text not null,
      customer_id text not null,
      action text not null check (action in ('CREATE', 'UPDATE', 'DELETE', 'RESTORE', 'REASSIGN')),
      actor_type text not null check (actor_type in ('USER', 'API_KEY', 'SYSTEM')),
      actor_id text,
      at timestamptz(3) not null default now(),
      changes jsonb not null default '[]'
    );`);
    this.addSql(`create index audit_event_customer_idx on audit_event (customer_id, at, id);`);
    this.addSql(`create index audit_event_entity_idx on audit_event (entity_id, at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists audit_event, api_key, customer_external_ref, contact cascade;`);
    this.addSql(`alter table app_user drop constraint if exists app_user_partner_customer_fk;`);
    this.addSql(`drop table if exists customer, app_user cascade;`);
  }
}

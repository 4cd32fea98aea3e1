import { Migration } from '@mikro-orm/migrations';

/** Orders pushed by e-commerce sites and partners, with idempotency keys (issue 4). */
export class Migration20261202000000Orders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table sales_order (
      id text primary key,
      customer_id text not null references customer (id),
      external_ref text check (length(external_ref) between 1 and 100),
      channel text not null check (length(channel) between 1 and 50),
      status text not null default 'PENDING' check (status in ('PENDING', 'CONFIRMED', 'FULFILLED', 'COMPLETED', 'CANCELLED', 'RETURNED')),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      subtotal numeric(18, 2) not null check (subtotal >= 0),
      discount_total numeric(18, 2) not null default 0 check (discount_total >= 0),
      points_redeemed integer not null default 0 check (points_redeemed >= 0),
      total numeric(18, 2) not null check (total >= 0),
      created_by text not null,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1
    );`);
    this.addSql(`create unique index sales_order_external_ref_key on sales_order (created_by, external_ref) where external_ref is not null;`);
    this.addSql(`create index sales_order_customer_idx on sales_order (customer_id, created_at, id);`);
    this.addSql(`create index sales_order_created_idx on sales_order (created_at, id);`);
    this.addSql(`create index sales_order_total_idx on sales_order (total, id);`);
    this.addSql(`create index sales_order_created_by_idx on sales_order (created_by, created_at, id);`);

    this.addSql(`create table sales_order_line (
      id text primary key,
      order_id text not null references sales_order (id) on delete cascade,
      position integer not null check (position >= 1),
      product_id text not null references product (id),
      sku text not null,
      quantity integer not null check (quantity > 0),
      unit_price numeric(18, 2) not null check (unit_price >= 0),
      discount numeric(18, 2) not null default 0 check (discount >= 0),
      configuration jsonb not null default '{}' check (jsonb_typeof(configuration) = 'object'),
      line_total numeric(18, 2) not null check (line_total >= 0),
      unique (order_id, position)
    );`);
    this.addSql(`create index sales_order_line_product_idx on sales_order_line (product_id);`);

    this.addSql(`create table idempotency_key (
      key text not null,
      owner text not null,
      request_hash text not null,
      response jsonb,
      order_id text references sales_order (id),
      created_at timestamptz(3) not null default now(),
      primary key (owner, key)
    );`);
    this.addSql(`create index idempotency_key_created_idx on idempotency_key (created_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists idempotency_key;`);
    this.addSql(`drop table if exists sales_order_line;`);
    this.addSql(`drop table if exists sales_order;`);
  }
}

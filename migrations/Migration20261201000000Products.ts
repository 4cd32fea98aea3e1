import { Migration } from '@mikro-orm/migrations';

/** The product catalogue (issue 4). */
export class Migration20261201000000Products extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table product (
      id text primary key,
      sku text not null check (sku ~ '^[A-Z0-9._-]{1,64}$'),
      name text not null check (length(name) between 1 and 200),
      category text not null check (length(category) between 1 and 100),
      list_price numeric(18, 2) not null check (list_price >= 0),
      member_price numeric(18, 2) check (member_price >= 0),
      cost numeric(18, 2) check (cost >= 0),
      currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
      active boolean not null default true,
      options_schema jsonb not null default '{}' check (jsonb_typeof(options_schema) = 'object'),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      version integer not null default 1,
      constraint product_sku_key unique (sku)
    );`);
    this.addSql(`create index product_name_idx on product (name, id);`);
    this.addSql(`create index product_list_price_idx on product (list_price, id);`);
    this.addSql(`create index product_created_idx on product (created_at, id);`);
    this.addSql(`create index product_category_idx on product (category);`);
    this.addSql(`create index product_name_trgm on product using gin (name gin_trgm_ops);`);
    this.addSql(`create index product_sku_trgm on product using gin (sku gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists product;`);
  }
}

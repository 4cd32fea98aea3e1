import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, JSONObjectScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import { Versioned } from './base.entity';

@IdPrefix('prd')
@Entity({ tableName: 'product' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An article of the catalogue: priced, optionally configurable (build-to-order).' })
export class Product extends Versioned<
  'maxDiscountPercent' | 'currency' | 'active' | 'optionsSchema' | 'serialised' | 'warrantyMonths'
> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`prd_…`).' })
  id: string = newId('Product');

  @Property({ type: 'text' })
  @Field({ description: 'Stock keeping unit: unique, upper-case, 1–64 characters of A–Z, 0–9, ".", "_" and "-", e.g. "LAP-14-PRO".' })
  sku!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Display name.' })
  name!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Category, e.g. "Laptops".' })
  category!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'List price in `currency`.' })
  listPrice!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Price for members of the loyalty programme (any tier); null when there is none. Pushed orders accept it only for members, and price lines without `unitPrice` with it for members.' })
  memberPrice?: string | null;

  @Property({ type: 'decimal', precision: 5, scale: 2 })
  @Field(() => DecimalScalar, {
    description: 'The largest discount off `listPrice`, in percent (0–100, e.g. "10.00"), at which orders may be pushed without the '
      + '`orders:price-override` scope: a line\'s unit price (after its `discount`) must then be at least listPrice × (100 − maxDiscountPercent) / 100. '
      + '"0.00" (the default): only the list price or the member price.',
  })
  maxDiscountPercent: string = '0.00';

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Purchase/production cost in `currency`; null when unknown. SALES_MANAGER, FINANCE and ADMIN only.' })
  cost?: string | null;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the prices, e.g. "EUR".' })
  currency: string = 'EUR';

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether the product can be sold (inactive products stay for history).' })
  active: boolean = true;

  @Property({ type: 'json' })
  @Field(() => JSONObjectScalar, {
    description: 'Configurable options for build-to-order, by option name: `{ "ram": { "type": "enum", "values": ["16GB","32GB"], "required": true }, '
      + '"engraving": { "type": "string", "maxLength": 30 } }`. Types: enum (values), string (maxLength), integer (min, max), boolean; `required` defaults to false. Empty object: not configurable.',
  })
  optionsSchema: Record<string, unknown> = {};

  @Property({ type: 'boolean' })
  @Field({ description: 'True when each unit carries a serial number / service tag: fulfilled orders of it create assets.' })
  serialised: boolean = false;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Warranty in months from purchase (0: none); sets an asset\'s warrantyEnd.' })
  warrantyMonths: number = 0;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateProduct`.' })
  version!: number;
}

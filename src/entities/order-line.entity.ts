import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar, JSONObjectScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import { PriceSource } from './loyalty.enums';
import type { Order } from './order.entity';
import type { Product } from './product.entity';

@IdPrefix('oln')
@Entity({ tableName: 'sales_order_line' })
@ObjectType({ simpleResolvers: true, description: 'One line of an order. Lines never change once pushed (in particular not after CONFIRMED).' })
export class OrderLine {
  [OptionalProps]?: 'id' | 'discount' | 'configuration' | 'priceSource';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`oln_…`).' })
  id: string = newId('OrderLine');

  @ManyToOne({ entity: 'Order', fieldName: 'order_id' })
  order!: Rel<Order>;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Position on the order, from 1.' })
  position!: number;

  @ManyToOne({ entity: 'Product', fieldName: 'product_id' })
  product!: Rel<Product>;

  @Property({ type: 'text' })
  @Field({ description: 'The SKU ordered (as it was when the order was pushed).' })
  sku!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Quantity, 1 or more.' })
  quantity!: number;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Price of one unit in the order\'s currency.' })
  unitPrice!: string;

  @Enum({ items: () => PriceSource })
  @Field(() => PriceSource, { description: 'Where `unitPrice` came from: SHOP (pushed), or, when the push omitted it, MEMBER (the member price, for a member) or LIST.' })
  priceSource: PriceSource = PriceSource.SHOP;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Discount on the line (an amount in the order\'s currency).' })
  discount: string = '0.00';

  @Property({ type: 'json' })
  @Field(() => JSONObjectScalar, { description: 'Chosen build-to-order options, validated against the product\'s `optionsSchema`; `{}` when none.' })
  configuration: Record<string, unknown> = {};

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'quantity × unitPrice − discount.' })
  lineTotal!: string;
}

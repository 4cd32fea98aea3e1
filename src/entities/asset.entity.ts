import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, LocalDateScalar } from '../schema/scalars';
import type { PostalAddress } from './contact-points';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { OrderLine } from './order-line.entity';
import type { Order } from './order.entity';
import type { Product } from './product.entity';
import { Versioned } from './base.entity';

@IdPrefix('ast')
@Entity({ tableName: 'asset' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A product a customer owns, identified by its serial number / service tag: the agent\'s first lookup when a customer calls.' })
export class Asset extends Versioned implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`ast_…`).' })
  id: string = newId('Asset');

  @Property({ type: 'text' })
  @Field({ description: 'Serial number / service tag, upper-case; unique.' })
  serviceTag!: string;

  @ManyToOne({ entity: 'Product', fieldName: 'product_id' })
  product!: Rel<Product>;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id', nullable: true })
  order?: Rel<Order> | null;

  @ManyToOne({ entity: 'OrderLine', fieldName: 'order_line_id', nullable: true })
  orderLine?: Rel<OrderLine> | null;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'When it was bought (for assets from orders: the day the order was fulfilled).' })
  purchaseDate!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day of the warranty; null when it has none.' })
  warrantyEnd?: string | null;

  /** Where it is installed (same shape as a customer address), or null. */
  @Property({ type: 'json', nullable: true })
  installedAddress?: PostalAddress | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes; null when none.' })
  notes?: string | null;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was registered (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version.' })
  version!: number;
}

import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { PaymentMethod } from './finance.enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Receivable } from './receivable.entity';

@IdPrefix('pay')
@Entity({ tableName: 'payment' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Money received from a customer, allocated to one or several of its receivables.' })
export class Payment implements Node {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`pay_…`).' })
  id: string = newId('Payment');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Amount received (decimal string); always fully allocated.' })
  amount!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency.' })
  currency!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'When the money was received.' })
  receivedOn!: string;

  @Enum({ items: () => PaymentMethod })
  @Field(() => PaymentMethod, { description: 'How it was paid.' })
  method!: PaymentMethod;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Bank reference, cheque number, …; null when none.' })
  reference?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Internal note; null when none.' })
  note?: string | null;

  /** The user who recorded it. */
  @Property({ type: 'text' })
  recordedBy!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was recorded (UTC).' })
  createdAt: Date = new Date();
}

@IdPrefix('pal')
@Entity({ tableName: 'payment_allocation' })
@ObjectType({ simpleResolvers: true, description: 'The part of a payment applied to one receivable.' })
export class PaymentAllocation {
  [OptionalProps]?: 'id';

  @PrimaryKey({ type: 'text' })
  id: string = newId('PaymentAllocation');

  @ManyToOne({ entity: 'Payment', fieldName: 'payment_id' })
  payment!: Rel<Payment>;

  @ManyToOne({ entity: 'Receivable', fieldName: 'receivable_id' })
  receivable!: Rel<Receivable>;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Amount applied (decimal string).' })
  amount!: string;
}

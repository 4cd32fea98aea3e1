import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { PaymentTerms } from './finance.enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import { Versioned } from './base.entity';

export enum OrderStatus {
  PENDING_CREDIT_APPROVAL = 'PENDING_CREDIT_APPROVAL', PENDING = 'PENDING', CONFIRMED = 'CONFIRMED', FULFILLED = 'FULFILLED', COMPLETED = 'COMPLETED', CANCELLED = 'CANCELLED', RETURNED = 'RETURNED',
}
registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Lifecycle of an order: PENDING_CREDIT_APPROVAL (held: an ON_ACCOUNT order over the customer\'s credit limit) → PENDING (approveCredit) | CANCELLED (rejectCredit); PENDING → CONFIRMED | CANCELLED; CONFIRMED → FULFILLED | CANCELLED; FULFILLED → COMPLETED | RETURNED; COMPLETED → RETURNED.',
  valuesConfig: {
    PENDING_CREDIT_APPROVAL: { description: 'Held: an ON_ACCOUNT order that would take the customer over its credit limit waits for FINANCE (approveCredit → PENDING, rejectCredit → CANCELLED).' },
    PENDING: { description: 'Received, not yet confirmed (the status of a new order that passed the credit check).' },
    CONFIRMED: { description: 'Accepted by us; being prepared.' },
    FULFILLED: { description: 'Delivered; an ON_ACCOUNT order is billed now (a receivable due 30 days later).' },
    COMPLETED: { description: 'Done: delivered and accepted by the customer (it may still be RETURNED).' },
    CANCELLED: { description: 'Cancelled before it was fulfilled, or refused by FINANCE; final.' },
    RETURNED: { description: 'The customer sent the goods back after fulfilment; final.' },
  },
});

@IdPrefix('ord')
@Entity({ tableName: 'sales_order' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An order pushed by an e-commerce site or partner (or entered by staff): lines, totals, status.' })
export class Order extends Versioned<'paymentTerms' | 'status' | 'discountTotal' | 'pointsRedeemed' | 'pointsValue' | 'offerDiscount' | 'completedAt'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`ord_…`).' })
  id: string = newId('Order');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  /** Who is billed: the customer, or the partner that pushed the order for a customer it resells to. */
  @ManyToOne({ entity: 'Customer', fieldName: 'bill_to_id' })
  billTo!: Rel<Customer>;

  @Enum({ items: () => PaymentTerms })
  @Field(() => PaymentTerms, { description: 'PREPAID (paid at checkout) or ON_ACCOUNT (billed when FULFILLED, credit-checked).' })
  paymentTerms: PaymentTerms = PaymentTerms.PREPAID;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The order number in the system that pushed it; unique per pusher; null when none was given.' })
  externalRef?: string | null;

  @Property({ type: 'text' })
  @Field({ description: 'Sales channel, e.g. "WEB", "MARKETPLACE", "PARTNER".' })
  channel!: string;

  @Enum({ items: () => OrderStatus })
  @Field(() => OrderStatus, { description: 'PENDING_CREDIT_APPROVAL, PENDING, CONFIRMED, FULFILLED, COMPLETED, CANCELLED or RETURNED.' })
  status: OrderStatus = OrderStatus.PENDING;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of every amount of the order.' })
  currency!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Sum of quantity × unit price over the lines, before discounts.' })
  subtotal!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Sum of the line discounts.' })
  discountTotal: string = '0.00';

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Loyalty points redeemed on the order (`pushOrder(pointsToRedeem)`); 0 when none.' })
  pointsRedeemed: number = 0;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The money value of `pointsRedeemed` (points × the programme\'s point value at the push, rounded down to the cent), taken off the total.' })
  pointsValue: string = '0.00';

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The discount of the offers applied (`pushOrder(offerCodes)`), taken off the total; 0 when none.' })
  offerDiscount: string = '0.00';

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'What the customer pays in money: subtotal − line discounts − offerDiscount − pointsValue.' })
  total!: string;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the order became COMPLETED (UTC); null before. Loyalty spend counts completed orders by this time.' })
  completedAt?: Date | null;

  /** The API key or user that pushed it (`key_…` / `usr_…`). */
  @Property({ type: 'text' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When the order last changed (UTC): its push, then every status change (by a user, a key, a credit decision). Lines never change; '
      + 'receivables and assets issued for it are records of their own. Poll with `updatedAt: { gt: … }` and `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.',
  })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateOrderStatus`.' })
  version!: number;
}

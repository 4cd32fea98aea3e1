import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import type { Contract } from './contract.entity';
import type { Customer } from './customer.entity';
import { DunningStage, ReceivableStatus } from './finance.enums';
import { WriteOffCategory } from './write-off.enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Order } from './order.entity';
import { Versioned } from './base.entity';

@IdPrefix('rcv')
@Entity({ tableName: 'receivable' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Money a customer owes: one contract instalment, or one order billed on account.' })
export class Receivable extends Versioned<'paidAmount' | 'status'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`rcv_…`).' })
  id: string = newId('Receivable');

  @Property({ type: 'text' })
  @Field({ description: 'Invoice number, e.g. "INV-000042"; unique.' })
  number!: string;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Contract', fieldName: 'contract_id', nullable: true })
  contract?: Rel<Contract> | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Which instalment of the contract (1, 2, …); null for an order.' })
  instalment?: number | null;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id', nullable: true })
  order?: Rel<Order> | null;

  @Property({ type: 'text' })
  @Field({ description: 'What is billed, e.g. "CT-000042 instalment 2 of 3".' })
  description!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency.' })
  currency!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Amount billed (decimal string).' })
  amount!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Paid so far (sum of payment allocations).' })
  paidAmount: string = '0.00';

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'When it was billed.' })
  issuedOn!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'When it is due.' })
  dueDate!: string;

  @Enum({ items: () => ReceivableStatus })
  @Field(() => ReceivableStatus, { description: 'OPEN, OVERDUE, SETTLED or WRITTEN_OFF.' })
  status: ReceivableStatus = ReceivableStatus.OPEN;

  @Enum({ items: () => DunningStage, nullable: true })
  @Field(() => DunningStage, { nullable: true, description: 'Collection stage while overdue; null when never overdue.' })
  dunningStage?: DunningStage | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => LocalDateScalar, { nullable: true, description: 'The first day it was overdue; null when it never was.' })
  overdueSince?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was paid in full (UTC); null until then.' })
  settledAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was written off (UTC; WRITTEN_OFF); null otherwise. Its UTC date is the write-off date of the reports.' })
  writtenOffAt?: Date | null;

  /** The user who wrote it off (`usr_…`); `Receivable.writtenOffBy` resolves it. */
  @Property({ type: 'text', nullable: true })
  writtenOffBy?: string | null;

  @Enum({ items: () => WriteOffCategory, nullable: true })
  @Field(() => WriteOffCategory, { nullable: true, description: 'Why it was written off (the kind of reason); null unless WRITTEN_OFF.' })
  writeOffCategory?: WriteOffCategory | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was written off, in words (1–500 characters); null unless WRITTEN_OFF. Internal: not shown to partners.' })
  writeOffReason?: string | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The money written off (decimal string, in `currency`): exactly amount − paidAmount at the write-off; null unless WRITTEN_OFF.',
  })
  writtenOffAmount?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When the receivable last changed (UTC): its issue, every payment allocated to it (`paidAmount`, SETTLED), its write-off, and the collection job '
      + 'flagging it OVERDUE or moving its dunning stage. Poll with `updatedAt: { gt: … }` and `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.',
  })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version.' })
  version!: number;
}

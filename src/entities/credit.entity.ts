import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';
import type { Contract } from './contract.entity';
import type { Customer } from './customer.entity';
import { CreditRating } from './enums';
import { CreditHoldReason, CreditHoldStatus } from './finance.enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Order } from './order.entity';
import type { User } from './user.entity';

@IdPrefix('cra')
@Entity({ tableName: 'credit_assessment' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One credit assessment of a customer by FINANCE (the history is kept; the latest is the customer\'s current rating and limit).' })
export class CreditAssessment implements Node {
  [OptionalProps]?: 'id' | 'assessedAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`cra_…`).' })
  id: string = newId('CreditAssessment');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Enum({ items: () => CreditRating })
  @Field(() => CreditRating, { description: 'Rating A (best) to D.' })
  rating!: CreditRating;

  @Property({ type: 'decimal', precision: 18, scale: 2, fieldName: 'credit_limit' })
  @Field(() => DecimalScalar, { description: 'Credit limit granted (decimal string, in `currency`).' })
  limit!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the limit.' })
  currency!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why; null when none was given.' })
  note?: string | null;

  @ManyToOne({ entity: 'User', fieldName: 'assessed_by' })
  assessedBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When (UTC).' })
  assessedAt: Date = new Date();
}

@IdPrefix('crh')
@Entity({ tableName: 'credit_hold' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An order or contract waiting for a FINANCE credit decision because it would take the customer over its credit limit.' })
export class CreditHold implements Node {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'version';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`crh_…`).' })
  id: string = newId('CreditHold');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Order', fieldName: 'order_id', nullable: true })
  order?: Rel<Order> | null;

  @ManyToOne({ entity: 'Contract', fieldName: 'contract_id', nullable: true })
  contract?: Rel<Contract> | null;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Amount of the held order or contract (decimal string, in `currency`).' })
  amount!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of `amount`.' })
  currency!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { nullable: true, description: 'The customer\'s exposure before this amount, when it was held (in `creditCurrency`). Same visibility as `creditLimit`.' })
  exposure!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true, fieldName: 'credit_limit' })
  @Field(() => DecimalScalar, { nullable: true, description: 'The credit limit when it was held; null when none was granted.' })
  creditLimit?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Currency of the credit limit; null when none was granted.' })
  creditCurrency?: string | null;

  @Enum({ items: () => CreditHoldReason })
  @Field(() => CreditHoldReason, { description: 'Why it was held.' })
  reason!: CreditHoldReason;

  @Enum({ items: () => CreditHoldStatus })
  @Field(() => CreditHoldStatus, { description: 'PENDING, APPROVED, REJECTED, or WITHDRAWN (its order was cancelled before a decision).' })
  status: CreditHoldStatus = CreditHoldStatus.PENDING;

  @ManyToOne({ entity: 'User', fieldName: 'decided_by', nullable: true })
  decidedBy?: Rel<User> | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When FINANCE decided, or when the hold was withdrawn (UTC); null while PENDING.' })
  decidedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The decision\'s note; null when none.' })
  decisionNote?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was held (UTC).' })
  createdAt: Date = new Date();

  @Property({ version: true, type: 'integer' })
  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to approveCredit / rejectCredit.' })
  version: number = 1;
}

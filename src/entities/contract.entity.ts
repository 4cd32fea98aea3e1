import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { ContractStatus } from './finance.enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

/** One instalment of a contract's payment terms (stored as JSON on the contract). */
export interface InstalmentTerm {
  /** Due date, YYYY-MM-DD. */
  dueDate: string;
  /** Share of the contract value in percent (2 decimals as a string); null when the value is split equally. */
  percent: string | null;
  /**
   * When it is invoiced (becomes a receivable), YYYY-MM-DD, on or before the due date; absent/null: the due
   * date − the contract's `billingTermsDays` (services/billing-schedule.service.ts).
   */
  invoiceDate?: string | null;
}

@IdPrefix('ctr')
@Entity({ tableName: 'contract' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A contract with a customer: value, period, payment terms (instalments). Signing schedules its billing: each instalment becomes a receivable on its invoice date.' })
export class Contract extends Versioned<'status'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`ctr_…`).' })
  id: string = newId('Contract');

  @Property({ type: 'text' })
  @Field({ description: 'Human-readable number, e.g. "CT-000042"; unique.' })
  number!: string;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'text' })
  @Field({ description: 'What the contract is for.' })
  title!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { nullable: true, description: 'Total value (decimal string, in `currency`). The instalments of a signed contract (receivables once invoiced) sum to exactly this.' })
  value!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency.' })
  currency!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'First day of the contract.' })
  startDate!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day; null when open-ended.' })
  endDate?: string | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => LocalDateScalar, { nullable: true, description: 'When to negotiate the renewal; null when none is planned.' })
  renewalDate?: string | null;

  @Enum({ items: () => ContractStatus })
  @Field(() => ContractStatus, { description: 'Where the contract is in its life.' })
  status: ContractStatus = ContractStatus.DRAFT;

  @Property({ type: 'integer', default: 30 })
  @Field(() => Int, {
    description: 'Billing terms: how many days before its due date an instalment is invoiced (becomes a receivable) when it gives no '
      + 'invoice date of its own — invoice date = due date − billingTermsDays (0–365; 0 = invoiced on the due date; 30 unless set). '
      + 'An instalment whose invoice date is on or before the signing day is invoiced at signing.',
  })
  billingTermsDays: number = 30;

  /** Payment terms: due dates and optional shares (see `Contract.instalments`). */
  @Property({ type: 'json' })
  instalments!: InstalmentTerm[];

  @ManyToOne({ entity: 'User', fieldName: 'owner_id' })
  owner!: Rel<User>;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was signed (UTC); null while DRAFT or held for credit approval.' })
  signedAt?: Date | null;

  /** The user who signed it. */
  @Property({ type: 'text', nullable: true })
  signedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was terminated (UTC); null otherwise.' })
  terminatedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text notes; null when none.' })
  notes?: string | null;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to updates.' })
  version!: number;
}

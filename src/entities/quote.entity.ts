import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import { QuoteStatus } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Opportunity } from './opportunity.entity';
import { Versioned } from './base.entity';

@IdPrefix('quo')
@Entity({ tableName: 'quote' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An offer to the customer on an opportunity: priced lines, totals, validity.' })
export class Quote extends Versioned<'status' | 'subtotal' | 'discountTotal' | 'total'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`quo_…`).' })
  id: string = newId('Quote');

  @ManyToOne({ entity: 'Opportunity', fieldName: 'opportunity_id' })
  opportunity!: Rel<Opportunity>;

  @Property({ type: 'text', unique: true })
  @Field({ description: 'Human-readable number, e.g. "Q-2026-000042".' })
  number!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency (the opportunity\'s).' })
  currency!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'Last day the offer is valid.' })
  validUntil!: string;

  @Enum({ items: () => QuoteStatus })
  @Field(() => QuoteStatus, { description: 'DRAFT, SENT, ACCEPTED, REJECTED or EXPIRED.' })
  status: QuoteStatus = QuoteStatus.DRAFT;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Sum of quantity × unit price over the lines, before discounts.' })
  subtotal: string = '0.00';

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Sum of the line discounts.' })
  discountTotal: string = '0.00';

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'What the customer pays: subtotal − discounts.' })
  total: string = '0.00';

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Notes printed on the quote; null when none.' })
  notes?: string | null;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version.' })
  version!: number;
}

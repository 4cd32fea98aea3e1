import { ArrayType, Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import type { Campaign } from './campaign.entity';
import type { Customer } from './customer.entity';
import { LostReason, OpportunityStage } from './enums';
import { IdPrefix, newId } from './ids';
import type { Lead } from './lead.entity';
import { Node } from './node';
import type { User } from './user.entity';
import { SoftDeletable } from './base.entity';

@IdPrefix('opp')
@Entity({ tableName: 'opportunity' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A potential deal with a customer, moving through the sales stages.' })
export class Opportunity extends SoftDeletable<'currency' | 'stage' | 'probability' | 'competitors'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`opp_…`).' })
  id: string = newId('Opportunity');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'text' })
  @Field({ description: 'Name of the deal, e.g. "200 laptops for the school district".' })
  name!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { nullable: true, description: 'Expected value in `currency`. Sales roles, ADMIN and FINANCE only.' })
  amount!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the amount, e.g. "EUR".' })
  currency: string = 'EUR';

  @Enum({ items: () => OpportunityStage })
  @Field(() => OpportunityStage, { description: 'Sales stage; WON and LOST are closed.' })
  stage: OpportunityStage = OpportunityStage.PROSPECTING;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Chance of winning in % (0–100): the stage\'s default unless overridden.' })
  probability: number = 10;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'When the deal is expected to close.' })
  expectedCloseDate!: string;

  @ManyToOne({ entity: 'User', fieldName: 'owner_id' })
  owner!: Rel<User>;

  @Property({ type: ArrayType })
  @Field(() => [String], { description: 'Competitors in the deal.' })
  competitors: string[] = [];

  @Enum({ items: () => LostReason, nullable: true })
  @Field(() => LostReason, { nullable: true, description: 'Why the deal was lost; set exactly when the stage is LOST.' })
  lostReason?: LostReason | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Note on the loss; null when none.' })
  lostNote?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the deal was won or lost (UTC); null while open.' })
  closedAt?: Date | null;

  @ManyToOne({ entity: 'Campaign', nullable: true, fieldName: 'campaign_id' })
  campaign?: Rel<Campaign> | null;

  @ManyToOne({ entity: 'Lead', nullable: true, fieldName: 'lead_id' })
  lead?: Rel<Lead> | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateOpportunity`.' })
  version!: number;
}

import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from '../schema/scalars';
import { CampaignChannel, CampaignStatus } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

@IdPrefix('cmp')
@Entity({ tableName: 'campaign' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A marketing campaign: leads come from it, and won deals are attributed to it.' })
export class Campaign extends Versioned<'currency' | 'status'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`cmp_…`).' })
  id: string = newId('Campaign');

  @Property({ type: 'text' })
  @Field({ description: 'The campaign\'s name, e.g. "Spring sale 2025".' })
  name!: string;

  @Enum({ items: () => CampaignChannel })
  @Field(() => CampaignChannel, { description: 'The channel it runs on.' })
  channel!: CampaignChannel;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  @Field(() => DecimalScalar, { nullable: true, description: 'Budget in `currency`; null when not set.' })
  budget?: string | null;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the budget, e.g. "EUR".' })
  currency: string = 'EUR';

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'First day.' })
  startsOn!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'Last day.' })
  endsOn!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'What it should achieve; null when not set.' })
  goal?: string | null;

  @Enum({ items: () => CampaignStatus })
  @Field(() => CampaignStatus, { description: 'PLANNED, ACTIVE, COMPLETED or CANCELLED.' })
  status: CampaignStatus = CampaignStatus.PLANNED;

  @ManyToOne({ entity: 'User', fieldName: 'owner_id' })
  owner!: Rel<User>;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateCampaign`.' })
  version!: number;
}

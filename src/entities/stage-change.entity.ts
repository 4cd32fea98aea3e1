import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { ActorType, OpportunityStage } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Opportunity } from './opportunity.entity';

@IdPrefix('stg')
@Entity({ tableName: 'opportunity_stage_change' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An opportunity moved from one stage to another.' })
export class OpportunityStageChange implements Node {
  [OptionalProps]?: 'id' | 'reopened' | 'at';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`stg_…`).' })
  id: string = newId('OpportunityStageChange');

  @ManyToOne({ entity: 'Opportunity', fieldName: 'opportunity_id' })
  opportunity!: Rel<Opportunity>;

  /** The opportunity's customer, for the customer timeline. */
  @Property({ type: 'text' })
  customerId!: string;

  @Enum({ items: () => OpportunityStage, nullable: true })
  @Field(() => OpportunityStage, { nullable: true, description: 'The stage before; null when the opportunity was created.' })
  fromStage?: OpportunityStage | null;

  @Enum({ items: () => OpportunityStage })
  @Field(() => OpportunityStage, { description: 'The stage after.' })
  toStage!: OpportunityStage;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Probability (%) after the change.' })
  probability!: number;

  @Property({ type: 'boolean' })
  @Field({ description: 'True when a closed (WON/LOST) deal was reopened.' })
  reopened: boolean = false;

  @Enum({ items: () => ActorType })
  @Field(() => ActorType, { description: 'Who moved it: a USER, an API_KEY or the SYSTEM.' })
  actorType!: ActorType;

  @Property({ type: 'text', nullable: true })
  actorId?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When (UTC).' })
  at: Date = new Date();
}

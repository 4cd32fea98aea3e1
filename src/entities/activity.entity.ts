import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Contact } from './contact.entity';
import type { Customer } from './customer.entity';
import { ActivityDirection, ActivityType } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Opportunity } from './opportunity.entity';
import type { User } from './user.entity';
import { SoftDeletable } from './base.entity';

@IdPrefix('act')
@Entity({ tableName: 'activity' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One interaction with a customer: a call, visit, e-mail, meeting, note, … It lands on the customer\'s timeline.' })
export class Activity extends SoftDeletable implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`act_…`).' })
  id: string = newId('Activity');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Contact', nullable: true, fieldName: 'contact_id' })
  contact?: Rel<Contact> | null;

  @ManyToOne({ entity: 'Opportunity', nullable: true, fieldName: 'opportunity_id' })
  opportunity?: Rel<Opportunity> | null;

  @Enum({ items: () => ActivityType })
  @Field(() => ActivityType, { description: 'What kind of interaction.' })
  type!: ActivityType;

  @Enum({ items: () => ActivityDirection, nullable: true })
  @Field(() => ActivityDirection, { nullable: true, description: 'INBOUND (the customer reached out) or OUTBOUND; null for notes.' })
  direction?: ActivityDirection | null;

  @Property({ type: 'text' })
  @Field({ description: 'Short subject line.' })
  subject!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Call or visit notes, the e-mail text; null when none.' })
  body?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'What came of it, e.g. "asked for a quote"; null when not recorded.' })
  outcome?: string | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Duration in minutes; null when not recorded.' })
  durationMinutes?: number | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it happened (UTC).' })
  occurredAt!: Date;

  @ManyToOne({ entity: 'User', fieldName: 'performed_by_id' })
  performedBy!: Rel<User>;

  @Field(() => DateTimeScalar, { description: 'When it was logged (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateActivity`.' })
  version!: number;
}

import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import { CasePriority } from './service.enums';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

@IdPrefix('que')
@Entity({ tableName: 'service_queue' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A queue of the service desk (e.g. "Hardware", "Escalations"); its manager is notified of breached cases.' })
export class ServiceQueue extends Versioned<'escalation'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`que_…`).' })
  id: string = newId('ServiceQueue');

  @Property({ type: 'text' })
  @Field({ description: 'Name; unique.' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'What goes here; null when none.' })
  description?: string | null;

  @ManyToOne({ entity: 'User', fieldName: 'manager_id', nullable: true })
  manager?: Rel<User> | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'True for the escalation queue (at most one): breached P1 cases move here.' })
  escalation: boolean = false;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version.' })
  version!: number;
}

@Entity({ tableName: 'sla_policy' })
@ObjectType({ simpleResolvers: true, description: 'SLA targets of one priority (ADMIN configures them).' })
export class SlaPolicy {
  [OptionalProps]?: 'updatedAt' | 'version';

  @Enum({ items: () => CasePriority, primary: true })
  @Field(() => CasePriority, { description: 'The priority these targets are for.' })
  priority!: CasePriority;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Minutes from opening to the first public reply.' })
  firstResponseMinutes!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Minutes from opening to resolution.' })
  resolutionMinutes!: number;

  @Property({ type: 'text', nullable: true })
  updatedBy?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When the targets were last changed (UTC).' })
  updatedAt: Date = new Date();

  @Property({ version: true, type: 'integer' })
  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to updateSlaPolicy.' })
  version: number = 1;
}

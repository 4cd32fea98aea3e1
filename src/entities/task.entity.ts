import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Contact } from './contact.entity';
import type { Customer } from './customer.entity';
import { TaskStatus, TaskType } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Opportunity } from './opportunity.entity';
import type { Receivable } from './receivable.entity';
import type { ServiceCase } from './service-case.entity';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

@IdPrefix('tsk')
@Entity({ tableName: 'task' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Scheduled work for a user: a call to make, a visit, a follow-up, a collection.' })
export class Task extends Versioned<'status'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`tsk_…`).' })
  id: string = newId('Task');

  @Property({ type: 'text' })
  @Field({ description: 'What to do.' })
  title!: string;

  @Enum({ items: () => TaskType })
  @Field(() => TaskType, { description: 'Kind of task.' })
  type!: TaskType;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it is due (UTC).' })
  dueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When to remind the assignee (UTC); null for no reminder.' })
  remindAt?: Date | null;

  @ManyToOne({ entity: 'User', fieldName: 'assignee_id' })
  assignee!: Rel<User>;

  @ManyToOne({ entity: 'User', fieldName: 'assigned_by_id' })
  assignedBy!: Rel<User>;

  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'customer_id' })
  customer?: Rel<Customer> | null;

  @ManyToOne({ entity: 'Contact', nullable: true, fieldName: 'contact_id' })
  contact?: Rel<Contact> | null;

  @ManyToOne({ entity: 'Opportunity', nullable: true, fieldName: 'opportunity_id' })
  opportunity?: Rel<Opportunity> | null;

  /** For COLLECTION tasks: the overdue receivable to collect (one task per receivable). */
  @ManyToOne({ entity: 'Receivable', nullable: true, fieldName: 'receivable_id' })
  receivable?: Rel<Receivable> | null;

  /** The service case it follows (escalation notices, follow-ups). */
  @ManyToOne({ entity: 'ServiceCase', nullable: true, fieldName: 'case_id' })
  serviceCase?: Rel<ServiceCase> | null;

  @Enum({ items: () => TaskStatus })
  @Field(() => TaskStatus, { description: 'OPEN, DONE or CANCELLED.' })
  status: TaskStatus = TaskStatus.OPEN;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Notes; null when none.' })
  notes?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was marked DONE or CANCELLED (UTC); null while open.' })
  completedAt?: Date | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateTask`.' })
  version!: number;
}

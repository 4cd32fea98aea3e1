import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Order, OrderStatus } from '../entities/order.entity';
import { CaseComment, ServiceCase } from '../entities/service-case.entity';
import { Task } from '../entities/task.entity';
import { DateTimeScalar } from './scalars';

/**
 * What the live subscriptions send (src/resolvers/subscription.resolver.ts). Each event names its record
 * as the same object type a query returns, read in the subscriber's scope and under the same field rules.
 */

export enum CaseAssignedReason {
  ASSIGNED_TO_YOU = 'ASSIGNED_TO_YOU',
  YOUR_QUEUE = 'YOUR_QUEUE',
}
registerEnumType(CaseAssignedReason, {
  name: 'CaseAssignedReason',
  description: 'Why a `caseAssigned` event reached you.',
  valuesConfig: {
    ASSIGNED_TO_YOU: { description: 'The case was assigned to you.' },
    YOUR_QUEUE: { description: 'The case, assigned to nobody, was put in a queue you manage (your work list, `myQueue`).' },
  },
});

/** The fields every event has (type-graphql copies a superclass's fields into each subclass's type). */
abstract class LiveEvent {
  @Field(() => ID, { description: 'The event\'s id (a UUID): the same event never arrives twice with another id, so a screen may dedupe on it.' })
  eventId!: string;

  @Field(() => DateTimeScalar, { description: 'When the change was made (UTC).' })
  occurredAt!: Date;
}

@ObjectType({ description: 'A case was assigned to you or put in a queue you manage (`caseAssigned`).' })
export class CaseAssignedEvent extends LiveEvent {
  @Field(() => CaseAssignedReason, { description: 'Whether it is yours or your queue\'s.' })
  reason!: CaseAssignedReason;

  @Field(() => ServiceCase, { description: 'The case as it is now, as `case(id)` would answer it to you.' })
  case!: ServiceCase;
}

@ObjectType({ description: 'A comment was added to a case you follow or asked for (`caseReplied`).' })
export class CaseReplyEvent extends LiveEvent {
  @Field(() => ServiceCase, { description: 'The case, as `case(id)` would answer it to you.' })
  case!: ServiceCase;

  @Field(() => CaseComment, { description: 'The new comment. INTERNAL notes reach only those who may read them (staff users); nobody else gets the event.' })
  comment!: CaseComment;
}

@ObjectType({ description: 'An order you can see changed status (`orderStatusChanged`).' })
export class OrderStatusEvent extends LiveEvent {
  @Field(() => OrderStatus, { description: 'The status before the change.' })
  from!: OrderStatus;

  @Field(() => OrderStatus, { description: 'The status after the change.' })
  to!: OrderStatus;

  @Field(() => Order, { description: 'The order as it is now, as `order(id)` would answer it to you.' })
  order!: Order;
}

@ObjectType({ description: 'One of your OPEN tasks reached its due time (`taskDue`).' })
export class TaskDueEvent extends LiveEvent {
  @Field(() => Task, { description: 'The task, as `task(id)` would answer it to you.' })
  task!: Task;
}

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

// Every event's first two fields (written out in each type: type-graphql copies fields only from decorated superclasses).
const EVENT_ID = 'The event\'s id (a UUID): the same event never arrives twice with another id, so a screen may dedupe on it.';
const OCCURRED_AT = 'When the change was made (UTC).';

@ObjectType({ description: 'A case was assigned to you or put in a queue you manage (`caseAssigned`).' })
export class CaseAssignedEvent {
  @Field(() => ID, { description: EVENT_ID }) eventId!: string;
  @Field(() => DateTimeScalar, { description: OCCURRED_AT }) occurredAt!: Date;

  @Field(() => CaseAssignedReason, { description: 'Whether it is yours or your queue\'s.' })
  reason!: CaseAssignedReason;

  @Field(() => ServiceCase, { description: 'The case as it is now, as `case(id)` would answer it to you.' })
  case!: ServiceCase;
}

@ObjectType({ description: 'A comment was added to a case you follow or asked for (`caseReplied`).' })
export class CaseReplyEvent {
  @Field(() => ID, { description: EVENT_ID }) eventId!: string;
  @Field(() => DateTimeScalar, { description: OCCURRED_AT }) occurredAt!: Date;

  @Field(() => ServiceCase, { description: 'The case, as `case(id)` would answer it to you.' })
  case!: ServiceCase;

  @Field(() => CaseComment, { description: 'The new comment. INTERNAL notes reach only those who may read them (staff users); nobody else gets the event.' })
  comment!: CaseComment;
}

@ObjectType({ description: 'An order you can see changed status (`orderStatusChanged`).' })
export class OrderStatusEvent {
  @Field(() => ID, { description: EVENT_ID }) eventId!: string;
  @Field(() => DateTimeScalar, { description: OCCURRED_AT }) occurredAt!: Date;

  @Field(() => OrderStatus, { description: 'The status before the change.' })
  from!: OrderStatus;

  @Field(() => OrderStatus, { description: 'The status after the change.' })
  to!: OrderStatus;

  @Field(() => Order, { description: 'The order as it is now, as `order(id)` would answer it to you.' })
  order!: Order;
}

@ObjectType({ description: 'One of your OPEN tasks reached its due time (`taskDue`).' })
export class TaskDueEvent {
  @Field(() => ID, { description: EVENT_ID }) eventId!: string;
  @Field(() => DateTimeScalar, { description: OCCURRED_AT }) occurredAt!: Date;

  @Field(() => Task, { description: 'The task, as `task(id)` would answer it to you.' })
  task!: Task;
}

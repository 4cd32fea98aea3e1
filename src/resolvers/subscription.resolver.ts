import { GraphQLError } from 'graphql';
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { liveEvents, liveOf } from '../realtime/live-connection';
import * as live from '../realtime/live-events';
import { CaseAssignedEvent, CaseReplyEvent, OrderStatusEvent, TaskDueEvent } from '../schema/subscription.types';
import { idArg } from '../services/validation';

const notFound = (what: string, field: string) =>
  new GraphQLError(`${what} not found.`, { extensions: { code: 'NOT_FOUND', field } });

/**
 * Live updates (issue 15): subscriptions over WebSocket at /graphql (graphql-ws). Each field's stream is
 * fed by the transactional outbox (src/realtime); who may subscribe is the permission map's `Subscription`
 * rows (src/auth/subscription.permissions.ts), and each event is read in the subscriber's scope.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => CaseAssignedEvent, {
    description: 'A case was assigned to you, or put unassigned into a queue you manage (ADMIN, SERVICE_AGENT: the users cases go to).',
    subscribe: ({ context }) => liveEvents(context as GraphQLContext, ['case.assigned'], live.caseAssigned),
  })
  caseAssigned(@Root() event: CaseAssignedEvent): CaseAssignedEvent {
    return event;
  }

  @Subscription(() => CaseReplyEvent, {
    description: 'A comment on a case: on the case `caseId`, or without it on every case you follow (assigned to you, opened by you, or '
      + 'commented on by you); never your own comments. INTERNAL notes reach only staff users, like `ServiceCase.comments`.',
    subscribe: async ({ args, context }) => {
      const ctx = liveOf(context as GraphQLContext);
      const caseId = idArg(args.caseId, 'cas', 'caseId');
      if (caseId && !(await ctx.loaders.caseById.load(caseId))) throw notFound('Case', 'caseId');
      return liveEvents(ctx, ['case.replied'], live.caseReplied(caseId));
    },
  })
  caseReplied(
    @Root() event: CaseReplyEvent,
    @Arg('caseId', () => ID, { nullable: true, description: 'Follow this case (one you can read; NOT_FOUND otherwise); omit for every case you follow.' }) _caseId?: string | null,
  ): CaseReplyEvent {
    return event;
  }

  @Subscription(() => OrderStatusEvent, {
    description: 'An order changed status: the order `orderId`, or without it every order you can read (`orders`).',
    subscribe: async ({ args, context }) => {
      const ctx = liveOf(context as GraphQLContext);
      const orderId = idArg(args.orderId, 'ord', 'orderId');
      if (orderId && !(await ctx.loaders.orderById.load(orderId))) throw notFound('Order', 'orderId');
      return liveEvents(ctx, ['order.status_changed'], live.orderStatusChanged(orderId));
    },
  })
  orderStatusChanged(
    @Root() event: OrderStatusEvent,
    @Arg('orderId', () => ID, { nullable: true, description: 'Watch this order (one you can read; NOT_FOUND otherwise); omit for every order you can read.' }) _orderId?: string | null,
  ): OrderStatusEvent {
    return event;
  }

  @Subscription(() => TaskDueEvent, {
    description: 'One of your OPEN tasks reached its due time (announced within 30 s: the period of the `taskDue` job).',
    subscribe: ({ context }) => liveEvents(context as GraphQLContext, ['task.due'], live.taskDue),
  })
  taskDue(@Root() event: TaskDueEvent): TaskDueEvent {
    return event;
  }
}

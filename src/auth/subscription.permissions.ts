import type { PermissionMap } from './permission-map';
import { readsCases, worksCases } from './case.permissions';
import { readsOrders } from './order.permissions';
import { reachable } from './rules';
import { usesTasks } from './task.permissions';

/**
 * Live updates (subscriptions). Who may subscribe: the readers of what the event shows, as for the
 * matching query; each event's record is then read in the subscriber's scope (src/realtime/live-events.ts)
 * and its fields pass the same field rules as a query. Checked when subscribing (FORBIDDEN) and on each event.
 */
export const subscriptionPermissions: PermissionMap = {
  Subscription: {
    // Cases are assigned to ADMIN and SERVICE_AGENT users; queues are managed by them.
    caseAssigned: worksCases,
    // As `case(id)` / `ServiceCase.comments`: staff, sales (read-only), PARTNER users and keys with `cases:read`.
    caseReplied: readsCases,
    // As `order(id)`.
    orderStatusChanged: readsOrders,
    // Users who have tasks (as `myAgenda`).
    taskDue: usesTasks,
  },
  CaseAssignedEvent: { '*': reachable },
  CaseReplyEvent: { '*': reachable },
  OrderStatusEvent: { '*': reachable },
  TaskDueEvent: { '*': reachable },
};

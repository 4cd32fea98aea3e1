import { Role } from '../entities/enums';
import type { PermissionMap } from './permission-map';
import { anyOf, hasScope, isRole, reachable } from './rules';

/**
 * Tasks: every signed-in staff user works with their own (a manager also the team's, ADMIN all; the
 * record scope is applied in the service). PARTNER users and keys have no tasks, except that an
 * INTEGRATION key with `tasks:read` may poll `dueReminders` (a notifier).
 */
export const usesTasks = isRole(
  Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST,
);

/** An INTEGRATION key holding `tasks:read` (the scope is for INTEGRATION keys only). */
const tasksReadKey = hasScope('tasks:read');

export const taskPermissions: PermissionMap = {
  Query: {
    myAgenda: usesTasks,
    agenda: usesTasks,
    tasks: usesTasks,
    task: usesTasks,
    dueReminders: anyOf(usesTasks, tasksReadKey),
  },
  Mutation: {
    createTask: usesTasks,
    updateTask: usesTasks,
    completeTask: usesTasks,
    cancelTask: usesTasks,
  },
  Customer: { tasks: usesTasks },
  Task: { '*': reachable },
  TaskConnection: { '*': reachable },
  TaskEdge: { '*': reachable },
  TaskPayload: { '*': reachable },
};

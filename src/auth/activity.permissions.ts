import { ACTIVITY_READERS, ACTIVITY_WRITERS } from './roles';
import type { PermissionMap } from './permission-map';
import { isRole, reachable } from './rules';

/**
 * Activities follow their customer's record scope (applied in the service). Interaction notes are
 * internal free text, often personal data: never PARTNER, never ANALYST (aggregates only), and no API
 * key (no scope grants them). The timeline shows activities, so it has the same readers.
 */
export const readsActivities = isRole(...ACTIVITY_READERS);

/** Who logs interactions: the people who talk to customers (and ADMIN). Change/delete is checked per record in the service. */
const logsActivities = isRole(...ACTIVITY_WRITERS);

export const activityPermissions: PermissionMap = {
  Query: {
    activities: readsActivities,
    activity: readsActivities,
  },
  Mutation: {
    logActivity: logsActivities,
    updateActivity: logsActivities,
    deleteActivity: logsActivities,
  },
  Customer: {
    activities: readsActivities,
    timeline: readsActivities,
  },
  Activity: { '*': readsActivities },
  ActivityConnection: { '*': reachable },
  ActivityEdge: { '*': reachable },
  ActivityPayload: { '*': reachable },
  TimelineConnection: { '*': reachable },
  TimelineEdge: { '*': reachable },
};

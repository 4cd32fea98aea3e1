import { z } from 'zod';
import { isUserIn, type Principal } from '../auth/principal';
import { Activity } from '../entities/activity.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { ActivityDirection, ActivityType } from '../entities/enums';
import { ACTIVITY_READERS } from '../auth/roles';
import { refId } from '../entities/ids';
import { Opportunity } from '../entities/opportunity.entity';
import { User } from '../entities/user.entity';
import { readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { contactsByIds } from './contact.service';
import { visibleCustomerId } from './customer.service';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { visibleOpportunity } from './opportunity.service';
import { userScope, visibleCustomer } from './scope';
import { FALSE, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, optionalText, parseInput, text, type InputOf } from './validation';

/**
 * Activities: one interaction with a customer (call, visit, e-mail, note, …).
 *
 * Rules (also in the schema descriptions). Who reads and logs activities: `ACTIVITY_READERS` and
 * `ACTIVITY_WRITERS` (src/auth/roles.ts), used by the permission map and here alike.
 * - An activity is visible exactly when its customer is (`customerScope`).
 * - Logged on a customer the caller can see; the caller is `performedBy`. Changed or deleted (soft) by the author, ADMIN, or a manager the author reports to.
 * - `direction` is required for CALL, EMAIL, SMS, CHAT, LETTER and FAX, refused for NOTE and optional for
 *   VISIT, MEETING and WEB. A contact must work for the activity's customer; an opportunity must be a
 *   visible, live deal of that customer. `occurredAt` is at most 5 minutes in the future.
 * - Logging one moves the customer's `lastContactedAt` forward (never back) in the same transaction;
 *   moving or deleting the latest activity recomputes it. It is derived data: the customer's version and
 *   `updatedAt` do not change, and no audit entry is written (the activity itself is on the timeline).
 */

export type ActivityRow = Activity;
export type ActivityOrderField = SortFieldOf<typeof ACTIVITY_ORDER>;


export const readsActivities = (p: Principal): boolean => isUserIn(p, ACTIVITY_READERS);

/** Types that are always INBOUND or OUTBOUND; a NOTE never has a direction; the others may. */
const DIRECTED_TYPES: readonly ActivityType[] = [
  ActivityType.CALL, ActivityType.EMAIL, ActivityType.SMS, ActivityType.CHAT, ActivityType.LETTER, ActivityType.FAX,
];

/** How far in the future `occurredAt` may lie (clock skew between devices). */
const FUTURE_SLACK_MS = 5 * 60_000;

/** The sort enum `ActivityOrderField` (schema/activity.inputs.ts registers it from this table). */
export const ACTIVITY_ORDER = {
  OCCURRED_AT: { expr: 'a.occurred_at', get: (r) => r.occurredAt, description: 'When the interaction took place (`occurredAt`).' },
  CREATED_AT: { expr: 'a.created_at', get: (r) => r.createdAt, description: 'When it was logged, which may be later than it took place.' },
} satisfies SortTable<ActivityRow>;

/** The fields of the GraphQL `ActivityFilter` (which checks it names the same ones). */
export const ACTIVITY_FILTER = {
  id: { expr: 'a.id', kind: 'scalar' },
  customerId: { expr: 'a.customer_id', kind: 'scalar' },
  contactId: { expr: 'a.contact_id', kind: 'scalar' },
  opportunityId: { expr: 'a.opportunity_id', kind: 'scalar' },
  type: { expr: 'a.type', kind: 'scalar' },
  direction: { expr: 'a.direction', kind: 'scalar' },
  performedById: { expr: 'a.performed_by_id', kind: 'scalar' },
  occurredAt: { expr: 'a.occurred_at', kind: 'scalar' },
  createdAt: { expr: 'a.created_at', kind: 'scalar' },
} satisfies FilterSpec;

/** Live activities of live customers the caller can see (none for roles that do not read activities). */
function visible(ctx: ServiceContext): Sql {
  if (!readsActivities(ctx.principal)) return FALSE;
  return sql`a.deleted_at is null and ${visibleCustomer(ctx.principal, 'a.customer_id')}`;
}

export const activityReads = readModel<ActivityRow>()({
  entity: 'Activity', table: 'activity', alias: 'a', parentColumn: 'a.customer_id',
  visible,
  // Under a customer the caller already sees: live activities, for roles that read activities.
  visibleUnderParent: (ctx) => (readsActivities(ctx.principal) ? sql`a.deleted_at is null` : FALSE),
  filter: ACTIVITY_FILTER,
  order: { list: 'activities', table: ACTIVITY_ORDER, default: { field: 'OCCURRED_AT', direction: 'DESC' } },
});

export const listActivities = activityReads.list;
export const getActivity = activityReads.get;

// ---------------------------------------------------------------------------------------- writes

const OCCURRED_AT = z.date({ invalid_type_error: 'Not a valid time.' })
  .refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, 'Cannot lie in the future (plan future work as a task).');
const nullIfEmpty = (v: string | null | undefined) => (v === '' ? null : v);

const fields = {
  direction: z.nativeEnum(ActivityDirection).nullish(),
  body: optionalText(20_000).transform(nullIfEmpty),
  outcome: optionalText(500).transform(nullIfEmpty),
  durationMinutes: z.number().int().min(0, 'Must be 0 or more.').max(1440, 'At most 1440 minutes (24 hours).').nullish(),
  contactId: ID('con').nullish(),
  opportunityId: ID('opp').nullish(),
};

const LogActivity = z.object({
  customerId: ID('cus'),
  type: z.nativeEnum(ActivityType),
  subject: text(200),
  occurredAt: OCCURRED_AT.nullish(),
  ...fields,
});

const UpdateActivity = z.object({
  id: ID('act'),
  version: z.number().int(),
  type: z.nativeEnum(ActivityType).optional(),
  subject: text(200).optional(),
  occurredAt: OCCURRED_AT.optional(),
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> },
});

export type LogActivityInput = InputOf<typeof LogActivity>;
export type UpdateActivityInput = InputOf<typeof UpdateActivity>;

const NON_NULLABLE = ['type', 'subject', 'occurredAt'];

/** Direction against type, on the state the write would produce. */
function directionErrors(type: ActivityType, direction: ActivityDirection | null | undefined): UserError[] {
  if (DIRECTED_TYPES.includes(type) && !direction) {
    return [userError('VALIDATION', `A ${type} is INBOUND or OUTBOUND: direction is required.`, ['input', 'direction'])];
  }
  if (type === ActivityType.NOTE && direction) {
    return [userError('VALIDATION', 'A NOTE has no direction: leave it out (or set it to null).', ['input', 'direction'])];
  }
  return [];
}

/** The contact and opportunity, when given, must be visible and belong to the activity's customer. */
async function linkErrors(tx: ServiceContext, customerId: string, contactId: string | null | undefined, opportunityId: string | null | undefined) {
  const errors: UserError[] = [];
  if (contactId) {
    const [contact] = await contactsByIds(tx, [contactId]);
    if (!contact) errors.push(userError('NOT_FOUND', 'Contact not found.', ['input', 'contactId']));
    else if (refId(contact.customer) !== customerId) errors.push(userError('VALIDATION', 'This contact does not work for the activity\'s customer.', ['input', 'contactId']));
  }
  if (opportunityId) {
    const [deal] = await rows<{ customerId: string }>(tx.em, sql`select o.customer_id as "customerId" from opportunity o
      where o.id = ${opportunityId} and ${visibleOpportunity(tx)}`);
    if (!deal) errors.push(userError('NOT_FOUND', 'Opportunity not found.', ['input', 'opportunityId']));
    else if (deal.customerId !== customerId) errors.push(userError('VALIDATION', 'This opportunity is with another customer.', ['input', 'opportunityId']));
  }
  return errors;
}

/** `lastContactedAt` only ever moves forward when an activity is logged. */
async function touchLastContacted(tx: ServiceContext, customerId: string, occurredAt: Date) {
  await rows(tx.em, sql`update customer set last_contacted_at = greatest(last_contacted_at, ${occurredAt.toISOString()}::timestamptz)
    where id = ${customerId}`);
}

/**
 * After an activity moved or disappeared: when it was what set `lastContactedAt`, the time falls back to
 * the latest live activity; a later time set otherwise stays.
 */
async function recomputeLastContacted(tx: ServiceContext, customerId: string, previousAt: Date) {
  await rows(tx.em, sql`update customer c set last_contacted_at = greatest(
      case when c.last_contacted_at = ${previousAt.toISOString()}::timestamptz then null else c.last_contacted_at end,
      (select max(a.occurred_at) from activity a where a.customer_id = c.id and a.deleted_at is null))
    where c.id = ${customerId}`);
}

export async function logActivity(ctx: ServiceContext, input: LogActivityInput) {
  if (ctx.principal.type !== 'USER') {
    return { activity: null, errors: [userError('FORBIDDEN', 'Activities are logged by users: the caller is who performed them.')] };
  }
  const parsed = parseInput(LogActivity, input);
  if (!parsed.ok) return { activity: null, errors: parsed.errors };
  const data = parsed.data;
  const dirErrors = directionErrors(data.type, data.direction);
  if (dirErrors.length) return { activity: null, errors: dirErrors };

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    if (!(await visibleCustomerId(tx, data.customerId))) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    fail(await linkErrors(tx, data.customerId, data.contactId, data.opportunityId));
    const activity = tx.em.create(Activity, {
      customer: tx.em.getReference(Customer, data.customerId),
      contact: data.contactId ? tx.em.getReference(Contact, data.contactId) : null,
      opportunity: data.opportunityId ? tx.em.getReference(Opportunity, data.opportunityId) : null,
      type: data.type,
      direction: data.direction ?? null,
      subject: data.subject,
      body: data.body ?? null,
      outcome: data.outcome ?? null,
      durationMinutes: data.durationMinutes ?? null,
      occurredAt: data.occurredAt ?? new Date(),
      performedBy: tx.em.getReference(User, ctx.principal.id),
    });
    tx.em.persist(activity);
    await tx.em.flush();
    await touchLastContacted(tx, data.customerId, activity.occurredAt);
    return activity;
  });
  return { activity: result, errors };
}

/** A visible, live activity the caller may change, as a managed entity inside the transaction. */
async function loadForWrite(tx: ServiceContext, id: string): Promise<Activity> {
  // The author themselves, ADMIN, or a manager over the author: the author is a user in the caller's `userScope`.
  const [row] = await rows<{ mayChange: boolean }>(tx.em, sql`select exists (
      select 1 from app_user u where u.id = a.performed_by_id and ${userScope(tx.principal)}) as "mayChange"
    from activity a where a.id = ${id} and ${visible(tx)}`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Activity not found.', ['input', 'id'])]);
  if (!row.mayChange) fail([userError('FORBIDDEN', 'Only the author, ADMIN or a manager the author reports to can change this activity.', ['input', 'id'])]);
  return tx.em.findOneOrFail(Activity, id);
}

export async function updateActivity(ctx: ServiceContext, input: UpdateActivityInput) {
  const nullErrors = NON_NULLABLE.filter((k) => (input as Record<string, unknown>)[k] === null)
    .map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { activity: null, errors: nullErrors };
  const parsed = parseInput(UpdateActivity, input);
  if (!parsed.ok) return { activity: null, errors: parsed.errors };
  const data = parsed.data;

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const activity = await loadForWrite(tx, data.id);
    if (activity.version !== data.version) {
      fail([userError('CONFLICT', `This activity was changed meanwhile (now version ${activity.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const customerId = refId(activity.customer)!;
    const type = data.type ?? activity.type;
    const direction = data.direction !== undefined ? data.direction : activity.direction;
    fail(directionErrors(type, direction));
    fail(await linkErrors(tx, customerId,
      data.contactId !== undefined && data.contactId !== refId(activity.contact) ? data.contactId : null,
      data.opportunityId !== undefined && data.opportunityId !== refId(activity.opportunity) ? data.opportunityId : null));
    const previousAt = activity.occurredAt;
    activity.type = type;
    activity.direction = direction ?? null;
    if (data.subject !== undefined) activity.subject = data.subject;
    if (data.body !== undefined) activity.body = data.body;
    if (data.outcome !== undefined) activity.outcome = data.outcome;
    if (data.durationMinutes !== undefined) activity.durationMinutes = data.durationMinutes;
    if (data.occurredAt !== undefined) activity.occurredAt = data.occurredAt;
    if (data.contactId !== undefined) activity.contact = data.contactId ? tx.em.getReference(Contact, data.contactId) : null;
    if (data.opportunityId !== undefined) activity.opportunity = data.opportunityId ? tx.em.getReference(Opportunity, data.opportunityId) : null;
    await tx.em.flush();
    if (activity.occurredAt.getTime() !== previousAt.getTime()) await recomputeLastContacted(tx, customerId, previousAt);
    return activity;
  });
  return { activity: result, errors };
}

/** Soft delete: the activity leaves every list, the timeline and `node`. */
export async function deleteActivity(ctx: ServiceContext, id: string) {
  const parsed = parseInput(z.object({ id: ID('act') }), { id });
  if (!parsed.ok) return { activity: null, errors: parsed.errors };
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const activity = await loadForWrite(tx, id);
    activity.deletedAt = new Date();
    await tx.em.flush();
    await recomputeLastContacted(tx, refId(activity.customer)!, activity.occurredAt);
    return activity;
  });
  return { activity: result, errors };
}

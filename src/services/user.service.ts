import argon2 from 'argon2';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { z } from 'zod';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { User } from '../entities/user.entity';
import type { ServiceContext } from './context';
import type { LoginThrottle } from './login-throttle';
import { NotFoundError, userError, type UserError } from './errors';
import type { FilterSpec } from './filter';
import { fixedOrder, readModel } from './read-model';
import { subtreeSql, userScope } from './scope';
import { fail, inTransaction } from './transaction';
import { EMAIL, ID, normalizeEmail, optionalText, parseInput, text, type InputOf } from './validation';
import { columnsOf, rows, sql, textArray } from './sql';

export type UserRow = User;

/** The fields of the GraphQL `UserFilter` (which checks it names the same ones). */
export const USER_FILTER = {
  id: { expr: 'u.id', kind: 'scalar' },
  email: { expr: 'u.email', kind: 'text' },
  name: { expr: 'u.name', kind: 'text' },
  role: { expr: 'u.role', kind: 'scalar' },
  team: { expr: 'u.team', kind: 'text' },
  active: { expr: 'u.active', kind: 'scalar' },
  managerId: { expr: 'u.manager_id', kind: 'scalar' },
} satisfies FilterSpec;

const userReads = readModel<UserRow>()({
  entity: 'User', table: 'app_user', alias: 'u',
  // Users the caller manages: ADMIN all, a SALES_MANAGER their subtree (themselves included).
  visible: (ctx) => userScope(ctx.principal),
  filter: USER_FILTER,
  // By name; the id breaks ties.
  order: fixedOrder('users', [
    { expr: 'u.name', dir: 'ASC', get: (r) => r.name },
    { expr: 'u.id', dir: 'ASC', get: (r) => r.id },
  ]),
});

/** Users the caller manages: ADMIN all, a SALES_MANAGER their subtree (themselves included). */
export const listUsers = userReads.list;

/**
 * Users by id without a scope: a user appears as the owner or manager of records the caller already
 * sees (their name and e-mail are still subject to field rules). Lists and `node` use `userScope`.
 */
export async function usersByIds(em: EntityManager, ids: readonly string[]): Promise<UserRow[]> {
  if (!ids.length) return [];
  return rows<UserRow>(em, sql`select ${columnsOf(em, 'User', 'u')} from app_user u where u.id = any(${textArray([...ids])})`);
}

/** A user visible through `users` / `node`. */
export const scopedUsersByIds = userReads.byIds;

export async function getMe(ctx: ServiceContext): Promise<UserRow> {
  const [me] = await usersByIds(ctx.em, [ctx.principal.id]);
  if (!me) throw new NotFoundError('User');
  return me;
}

// A real hash of a random password, so a login for an unknown e-mail costs the same as a wrong password.
let dummyHash: Promise<string> | null = null;

/** Checks e-mail and password; the same answer (null) for an unknown user, a wrong password or a deactivated user. */
export async function verifyLogin(em: EntityManager, email: string, password: string): Promise<SignedIn | null> {
  const [user] = await rows<SignedIn & { active: boolean; passwordHash: string }>(em, sql`select u.id, u.active,
    u.session_version as "sessionVersion", u.password_hash as "passwordHash" from app_user u where u.email = ${normalizeEmail(email)}`);
  dummyHash ??= argon2.hash(`dummy-${Math.random()}`);
  const ok = await argon2.verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
  return user && ok && user.active ? { id: user.id, sessionVersion: user.sessionVersion } : null;
}

/** Who signed in, and the session version their token carries. */
export interface SignedIn {
  id: string;
  sessionVersion: number;
}

/** Login e-mails are stored trimmed and lower-case. */
/**
 * The principal of a signed-in user, or null when the user no longer exists or is deactivated, or when
 * `sessionVersion` (a token's) is given and the user's sessions have ended since (password change).
 */
export async function userPrincipal(em: EntityManager, userId: string, sessionVersion?: number): Promise<Principal | null> {
  const [user] = await rows<{ id: string; role: Role; active: boolean; partnerCustomerId: string | null; sessionVersion: number }>(em,
    sql`select u.id, u.role, u.active, u.partner_customer_id as "partnerCustomerId", u.session_version as "sessionVersion" from app_user u where u.id = ${userId}`);
  if (!user || !user.active) return null;
  if (sessionVersion !== undefined && user.sessionVersion !== sessionVersion) return null;
  return { type: 'USER', id: user.id, role: user.role, scopes: [], partnerCustomerId: user.role === Role.PARTNER ? user.partnerCustomerId : null };
}

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// ---------------------------------------------------------------------------------------- writes

const PASSWORD = z.string().min(8, 'At least 8 characters.').max(200, 'At most 200 characters.');

const UserFields = {
  name: text(100),
  role: z.nativeEnum(Role),
  managerId: ID('usr').nullish(),
  team: optionalText(100),
  partnerCustomerId: ID('cus').nullish(),
};

const CreateUser = z.object({ email: EMAIL, password: PASSWORD, ...UserFields, team: UserFields.team.optional() });
const UpdateUser = z.object({
  id: ID('usr'),
  name: UserFields.name.optional(),
  role: UserFields.role.optional(),
  managerId: UserFields.managerId,
  team: UserFields.team,
  partnerCustomerId: UserFields.partnerCustomerId,
  active: z.boolean().optional(),
});

export type CreateUserInput = InputOf<typeof CreateUser>;
export type UpdateUserInput = InputOf<typeof UpdateUser>;

/** Rules of the hierarchy and of partner logins, on the state a write would produce. */
async function userRuleErrors(tx: ServiceContext, user: { id: string; role: Role; managerId: string | null; partnerCustomerId: string | null }): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (user.role === Role.INTEGRATION) errors.push(userError('VALIDATION', 'INTEGRATION is for API keys, not users.', ['input', 'role']));
  if (user.role === Role.PARTNER) {
    const [partner] = user.partnerCustomerId
      ? await rows<{ isPartner: boolean }>(tx.em, sql`select c.is_partner as "isPartner" from customer c where c.id = ${user.partnerCustomerId} and c.deleted_at is null`)
      : [];
    if (!partner?.isPartner) errors.push(userError('VALIDATION', 'A PARTNER user needs the id of a partner customer.', ['input', 'partnerCustomerId']));
  } else if (user.partnerCustomerId) {
    errors.push(userError('VALIDATION', 'Only PARTNER users belong to a partner customer.', ['input', 'partnerCustomerId']));
  }
  if (user.managerId) {
    const [manager] = await rows<{ id: string }>(tx.em, sql`select u.id from app_user u where u.id = ${user.managerId}`);
    if (!manager) errors.push(userError('NOT_FOUND', 'No such manager.', ['input', 'managerId']));
    // The new manager must not be the user or anyone below them: the hierarchy stays a tree.
    const [cycle] = await rows(tx.em, sql`select 1 from (${subtreeSql(user.id)}) s where s.id = ${user.managerId}`);
    if (cycle) errors.push(userError('VALIDATION', 'A user cannot report to themselves or to someone below them.', ['input', 'managerId']));
  }
  return errors;
}

/** ADMIN: a new employee or partner login. */
export async function createUser(ctx: ServiceContext, input: CreateUserInput) {
  const parsed = parseInput(CreateUser, input);
  if (!parsed.ok) return { user: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const [taken] = await rows(tx.em, sql`select 1 from app_user where email = ${data.email}`);
    if (taken) fail([userError('DUPLICATE', 'A user with this e-mail already exists.', ['input', 'email'])]);
    const user = tx.em.create(User, {
      email: data.email, name: data.name, role: data.role, team: data.team ?? null, passwordHash: await hashPassword(data.password),
      manager: data.managerId ? tx.em.getReference(User, data.managerId) : null,
      partnerCustomer: data.partnerCustomerId ? tx.em.getReference(Customer, data.partnerCustomerId) : null,
    });
    fail(await userRuleErrors(tx, { id: user.id, role: data.role, managerId: data.managerId ?? null, partnerCustomerId: data.partnerCustomerId ?? null }));
    await tx.em.flush();
    return user;
  });
  return { user: result, errors };
}

/**
 * ADMIN: change role, manager, team, partner account or deactivate. A deactivated user can no longer
 * sign in (their tokens stop working at once); their customers stay theirs until `reassignCustomers`.
 */
export async function updateUser(ctx: ServiceContext, input: UpdateUserInput) {
  const parsed = parseInput(UpdateUser, input);
  if (!parsed.ok) return { user: null, errors: parsed.errors };
  const data = parsed.data;
  if (data.id === ctx.principal.id && (data.active === false || (data.role && data.role !== Role.ADMIN))) {
    return { user: null, errors: [userError('BUSINESS_RULE', 'You cannot deactivate yourself or take away your own ADMIN role.', ['input', data.active === false ? 'active' : 'role'])] };
  }
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const user = await tx.em.findOne(User, data.id);
    if (!user) fail([userError('NOT_FOUND', 'User not found.', ['input', 'id'])]);
    const u = user!;
    if (data.name !== undefined) u.name = data.name;
    if (data.role !== undefined) u.role = data.role;
    if (data.team !== undefined) u.team = data.team;
    // Deactivation ends the user's sessions for good: reactivating them later does not revive old tokens.
    if (data.active === false && u.active) u.sessionVersion += 1;
    if (data.active !== undefined) u.active = data.active;
    if (data.managerId !== undefined) u.manager = data.managerId ? tx.em.getReference(User, data.managerId) : null;
    if (data.partnerCustomerId !== undefined) u.partnerCustomer = data.partnerCustomerId ? tx.em.getReference(Customer, data.partnerCustomerId) : null;
    fail(await userRuleErrors(tx, { id: u.id, role: u.role, managerId: refId(u.manager), partnerCustomerId: refId(u.partnerCustomer) }));
    u.updatedAt = new Date();
    await tx.em.flush();
    return u;
  });
  return { user: result, errors };
}

/**
 * Any signed-in user: change their own password, proving the current one. Ends every session of the
 * user, the caller's included (the version is raised in SQL, so two changes at once both count);
 * `session` is what the caller's new token must carry.
 */
export async function changePassword(ctx: ServiceContext, input: { currentPassword: string; newPassword: string }):
  Promise<{ user: User | null; session: SignedIn | null; errors: UserError[] }> {
  const parsed = parseInput(z.object({ currentPassword: z.string(), newPassword: PASSWORD }), input);
  if (!parsed.ok) return { user: null, session: null, errors: parsed.errors };
  const user = await ctx.em.findOne(User, ctx.principal.id);
  const ok = user ? await argon2.verify(user.passwordHash, parsed.data.currentPassword).catch(() => false) : false;
  if (!user || !ok) return { user: null, session: null, errors: [userError('VALIDATION', 'The current password is wrong.', ['input', 'currentPassword'])] };
  const [changed] = await rows<{ sessionVersion: number }>(ctx.em, sql`update app_user set password_hash = ${await hashPassword(parsed.data.newPassword)},
    session_version = session_version + 1, updated_at = now() where id = ${user.id} returning session_version as "sessionVersion"`);
  await ctx.em.refresh(user);
  return { user, session: { id: user.id, sessionVersion: changed.sessionVersion }, errors: [] };
}

/**
 * ADMIN: lifts the sign-in lock (and any pending delay) of a user's e-mail at once, instead of waiting
 * LOGIN_LOCK_SECONDS. Harmless when nothing is locked. Users are not audited, so neither is this.
 */
export async function unlockUser(ctx: ServiceContext, throttle: Pick<LoginThrottle, 'unlock'>, input: { id: string }) {
  const parsed = parseInput(z.object({ id: ID('usr') }), input);
  if (!parsed.ok) return { user: null, errors: parsed.errors };
  const [user] = await usersByIds(ctx.em, [parsed.data.id]);
  if (!user) return { user: null, errors: [userError('NOT_FOUND', 'User not found.', ['input', 'id'])] };
  await throttle.unlock(user.email);
  return { user, errors: [] };
}

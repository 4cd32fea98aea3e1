import argon2 from 'argon2';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import type { User } from '../entities/user.entity';
import type { ServiceContext } from './context';
import { NotFoundError } from './errors';
import { filterSql, type Filter, type FilterSpec } from './filter';
import { expandKeys, keysetSql, lazyCount, orderSql, pageRequest, toConnection, type ConnectionArgs, type SortKey } from './pagination';
import { userScope } from './scope';
import { and, columnsOf, list, rows, sql } from './sql';

export type UserRow = User;

const USER_FILTER: FilterSpec = {
  id: { expr: 'u.id', kind: 'scalar' },
  email: { expr: 'u.email', kind: 'text' },
  name: { expr: 'u.name', kind: 'text' },
  role: { expr: 'u.role', kind: 'scalar' },
  team: { expr: 'u.team', kind: 'text' },
  active: { expr: 'u.active', kind: 'scalar' },
  managerId: { expr: 'u.manager_id', kind: 'scalar' },
};

const KEYS: SortKey<UserRow>[] = expandKeys([
  { expr: 'u.name', dir: 'ASC', get: (r) => r.name },
  { expr: 'u.id', dir: 'ASC', get: (r) => r.id },
]);

/** Users the caller manages: ADMIN all, a SALES_MANAGER their subtree (themselves included). */
export async function listUsers(ctx: ServiceContext, args: ConnectionArgs & { filter?: Filter | null }) {
  const req = pageRequest(args, 'users');
  const where = and([userScope(ctx.principal), filterSql(args.filter, USER_FILTER)]);
  const fetched = await rows<UserRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'User', 'u')} from app_user u
    where ${where} and ${keysetSql(KEYS, req.cursor, req.backward)} order by ${orderSql(KEYS, req.backward)} limit ${req.limit + 1}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from app_user u where ${where}`))[0].n);
  return toConnection(fetched, req, KEYS, 'users', count);
}

/**
 * Users by id without a scope: a user appears as the owner or manager of records the caller already
 * sees (their name and e-mail are still subject to field rules). Lists and `node` use `userScope`.
 */
export async function usersByIds(em: EntityManager, ids: readonly string[]): Promise<UserRow[]> {
  if (!ids.length) return [];
  return rows<UserRow>(em, sql`select ${columnsOf(em, 'User', 'u')} from app_user u where u.id in ${list([...ids])}`);
}

/** A user visible through `users` / `node`. */
export async function scopedUsersByIds(ctx: ServiceContext, ids: readonly string[]): Promise<UserRow[]> {
  if (!ids.length) return [];
  return rows<UserRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'User', 'u')} from app_user u where u.id in ${list([...ids])} and ${userScope(ctx.principal)}`);
}

export async function getMe(ctx: ServiceContext): Promise<UserRow> {
  const [me] = await usersByIds(ctx.em, [ctx.principal.id]);
  if (!me) throw new NotFoundError('User');
  return me;
}

// A real hash of a random password, so a login for an unknown e-mail costs the same as a wrong password.
let dummyHash: Promise<string> | null = null;

/** Checks e-mail and password; the same answer (null) for an unknown user, a wrong password or a deactivated user. */
export async function verifyLogin(em: EntityManager, email: string, password: string): Promise<UserRow | null> {
  const [user] = await rows<UserRow & { passwordHash: string }>(em, sql`select u.id, u.role, u.active, u.password_hash as "passwordHash"
    from app_user u where u.email = ${email.trim().toLowerCase()}`);
  dummyHash ??= argon2.hash(`dummy-${Math.random()}`);
  const ok = await argon2.verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
  return user && ok && user.active ? user : null;
}

/** The principal of a signed-in user, or null when the user no longer exists or is deactivated. */
export async function userPrincipal(em: EntityManager, userId: string): Promise<Principal | null> {
  const [user] = await rows<{ id: string; role: Role; active: boolean; partnerCustomerId: string | null }>(em,
    sql`select u.id, u.role, u.active, u.partner_customer_id as "partnerCustomerId" from app_user u where u.id = ${userId}`);
  if (!user || !user.active) return null;
  return { type: 'USER', id: user.id, role: user.role, scopes: [], partnerCustomerId: user.role === Role.PARTNER ? user.partnerCustomerId : null };
}

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

import { ALL_CUSTOMER_READERS, hasScope, type Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { FALSE, TRUE, raw, sql, type Sql } from './sql';

/**
 * Record visibility, always applied inside the SQL. A record outside the scope does not exist for
 * the caller: it is absent from lists and counts, and NOT_FOUND by id.
 */

/** Ids of a user and everyone below them in the hierarchy (cycle-safe). */
export function subtreeSql(userId: string): Sql {
  return sql`with recursive sub(id) as (
    select id from app_user where id = ${userId}
    union select u.id from app_user u join sub on u.manager_id = sub.id
  ) select id from sub`;
}

/** Condition on the `customer` row aliased `alias` (deleted rows are excluded separately). */
export function customerScope(principal: Principal, alias = 'c'): Sql {
  const col = (name: string) => raw(`${alias}.${name}`);
  if (ALL_CUSTOMER_READERS.includes(principal.role)) return TRUE;
  switch (principal.role) {
    case Role.SALES_REP:
      return sql`${col('owner_id')} = ${principal.id}`;
    case Role.SALES_MANAGER:
      return sql`${col('owner_id')} in (${subtreeSql(principal.id)})`;
    case Role.PARTNER:
      return principal.partnerCustomerId ? sql`${col('id')} = ${principal.partnerCustomerId}` : FALSE;
    case Role.INTEGRATION:
      return hasScope(principal, 'customers:read') || hasScope(principal, 'customers:write') ? TRUE : FALSE;
    default:
      return FALSE;
  }
}

/** Condition on the `app_user` row aliased `alias`: ADMIN sees all, a manager their subtree, others themselves. */
export function userScope(principal: Principal, alias = 'u'): Sql {
  const id = raw(`${alias}.id`);
  if (principal.role === Role.ADMIN) return TRUE;
  if (principal.type !== 'USER') return FALSE;
  if (principal.role === Role.SALES_MANAGER) return sql`${id} in (${subtreeSql(principal.id)})`;
  return sql`${id} = ${principal.id}`;
}

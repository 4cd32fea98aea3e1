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
      // Its own record and the customers it resells to.
      return principal.partnerCustomerId ? sql`(${col('id')} = ${principal.partnerCustomerId} or ${col('resold_by_id')} = ${principal.partnerCustomerId})` : FALSE;
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

/** Condition on the `opportunity` row aliased `alias`: reps their own, managers their team's, other staff all. */
export function opportunityScope(principal: Principal, alias = 'o'): Sql {
  const owner = raw(`${alias}.owner_id`);
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
    case Role.MARKETING:
    case Role.SERVICE_AGENT:
      return TRUE;
    case Role.SALES_REP:
      return sql`${owner} = ${principal.id}`;
    case Role.SALES_MANAGER:
      return sql`${owner} in (${subtreeSql(principal.id)})`;
    default:
      return FALSE; // ANALYST gets aggregates only; partners and keys no deals
  }
}

/** Condition on the `task` row aliased `alias`: one's own tasks; a manager also their team's; ADMIN all. */
export function taskScope(principal: Principal, alias = 't'): Sql {
  const assignee = raw(`${alias}.assignee_id`);
  if (principal.type !== 'USER') return FALSE;
  if (principal.role === Role.ADMIN) return TRUE;
  if (principal.role === Role.SALES_MANAGER) return sql`${assignee} in (${subtreeSql(principal.id)})`;
  return sql`${assignee} = ${principal.id}`;
}

/** Condition on the `lead` row aliased `alias`: MARKETING and ADMIN all; managers their team's and unassigned ones; reps their own. */
export function leadScope(principal: Principal, alias = 'l'): Sql {
  const owner = raw(`${alias}.owner_id`);
  switch (principal.role) {
    case Role.ADMIN:
    case Role.MARKETING:
      return TRUE;
    case Role.SALES_MANAGER:
      return sql`(${owner} is null or ${owner} in (${subtreeSql(principal.id)}))`;
    case Role.SALES_REP:
      return sql`${owner} = ${principal.id}`;
    default:
      return FALSE;
  }
}

/** Staff roles that read orders (of the customers they can see). */
const ORDER_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.FINANCE, Role.PARTNER];

/**
 * Condition on the `sales_order` row aliased `o`: orders of visible customers; INTEGRATION keys the
 * orders they pushed; a PARTNER the orders billed to it (its resale orders) and those of its own record —
 * not orders a resold customer placed elsewhere, and not its old resale orders' customers' new ones.
 */
export function orderScope(principal: Principal): Sql {
  if (principal.role === Role.INTEGRATION) return hasScope(principal, 'orders:write') ? sql`o.created_by = ${principal.id}` : FALSE;
  if (principal.role === Role.PARTNER) {
    const partner = principal.partnerCustomerId;
    return partner ? sql`(o.bill_to_id = ${partner} or o.customer_id = ${partner})` : FALSE;
  }
  if (!ORDER_READERS.includes(principal.role)) return FALSE;
  return sql`exists (select 1 from customer c where c.id = o.customer_id and c.deleted_at is null and ${customerScope(principal)})`;
}

/**
 * Condition on a customer-id expression (trusted SQL, e.g. `r.customer_id`) for the money side —
 * contracts, receivables, payments, credit: ADMIN and FINANCE all; SALES_MANAGER and SALES_REP the
 * customers in their scope; a PARTNER its own account only (not its resold customers' accounts).
 */
export function accountScope(principal: Principal, customerIdExpr: string): Sql {
  const customer = raw(customerIdExpr);
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
      return TRUE;
    case Role.SALES_MANAGER:
    case Role.SALES_REP:
      // Own alias: the caller's query may alias its customer `c` and pass `c.id` here.
      return sql`exists (select 1 from customer sc where sc.id = ${customer} and sc.deleted_at is null and ${customerScope(principal, 'sc')})`;
    case Role.PARTNER:
      return principal.partnerCustomerId ? sql`${customer} = ${principal.partnerCustomerId}` : FALSE;
    default:
      return FALSE;
  }
}

/** Contracts: as `accountScope`, plus SERVICE_AGENT (all, to know what a customer is entitled to). */
export function contractScope(principal: Principal, customerIdExpr: string): Sql {
  return principal.role === Role.SERVICE_AGENT ? TRUE : accountScope(principal, customerIdExpr);
}

/**
 * Service cases, by a customer-id expression (trusted SQL): ADMIN and SERVICE_AGENT all customers;
 * SALES_MANAGER and SALES_REP (read-only) and PARTNER (its own record and the customers it resells
 * to) the customers in their `customerScope`; everyone else none.
 */
export function caseScope(principal: Principal, customerIdExpr: string): Sql {
  switch (principal.role) {
    case Role.ADMIN:
    case Role.SERVICE_AGENT:
      return TRUE;
    case Role.SALES_MANAGER:
    case Role.SALES_REP:
    case Role.PARTNER:
      return sql`exists (select 1 from customer sc where sc.id = ${raw(customerIdExpr)} and sc.deleted_at is null and ${customerScope(principal, 'sc')})`;
    default:
      return FALSE;
  }
}

/** Internal notes of cases: staff only — never PARTNER, never API-key callers. */
export function seesInternalNotes(principal: Principal): boolean {
  return principal.type === 'USER' && principal.role !== Role.PARTNER;
}

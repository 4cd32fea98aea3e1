import { hasScope, type Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { FALSE, TRUE, raw, sql, type Sql, isTrue, isFalse } from './sql';
import { ALL_CUSTOMER_READERS, ORDER_READERS } from '../auth/roles';

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

/**
 * The caller's own records and, for a SALES_MANAGER, those of everyone in their subtree, by a user-id
 * column (owner, assignee, the user row itself).
 */
function ownOrTeam(principal: Principal, userIdExpr: Sql): Sql {
  return principal.role === Role.SALES_MANAGER ? sql`${userIdExpr} in (${subtreeSql(principal.id)})` : sql`${userIdExpr} = ${principal.id}`;
}

/** Condition on the `customer` row aliased `alias` (deleted rows are excluded separately). */
export function customerScope(principal: Principal, alias = 'c'): Sql {
  const col = (name: string) => raw(`${alias}.${name}`);
  if (ALL_CUSTOMER_READERS.includes(principal.role)) return TRUE;
  switch (principal.role) {
    case Role.SALES_REP:
    case Role.SALES_MANAGER:
      return ownOrTeam(principal, col('owner_id'));
    case Role.PARTNER:
      // Its own record and the customers it resells to.
      return principal.partnerCustomerId ? sql`(${col('id')} = ${principal.partnerCustomerId} or ${col('resold_by_id')} = ${principal.partnerCustomerId})` : FALSE;
    case Role.INTEGRATION:
      return hasScope(principal, 'customers:read') || hasScope(principal, 'customers:write') ? TRUE : FALSE;
    default:
      return FALSE;
  }
}

/**
 * A live (not deleted) customer in the caller's `customerScope`, by a customer-id expression (trusted
 * SQL, e.g. `k.customer_id`): the condition of records that are visible through their customer.
 */
export function visibleCustomer(principal: Principal, customerIdExpr: string): Sql {
  // Own alias: the caller's query may alias its customer `c` and pass `c.id` here.
  return sql`exists (select 1 from customer sc where sc.id = ${raw(customerIdExpr)} and sc.deleted_at is null and ${customerScope(principal, 'sc')})`;
}

/** A live (not deleted) customer, by a customer-id expression (trusted SQL): records of deleted customers disappear with them. */
export function liveCustomer(customerIdExpr: string): Sql {
  return sql`exists (select 1 from customer lc where lc.id = ${raw(customerIdExpr)} and lc.deleted_at is null)`;
}

/** Records by a user-id column: ADMIN all; a user their own, a manager also their subtree's; API keys none. */
function usersRecords(principal: Principal, userIdExpr: Sql): Sql {
  if (principal.role === Role.ADMIN) return TRUE;
  if (principal.type !== 'USER') return FALSE;
  return ownOrTeam(principal, userIdExpr);
}

/** Condition on the `app_user` row aliased `alias`: ADMIN sees all, a manager their subtree, others themselves. */
export function userScope(principal: Principal, alias = 'u'): Sql {
  return usersRecords(principal, raw(`${alias}.id`));
}

/**
 * Users a caller may hand records to (make owner or assignee), on the `app_user` row aliased `alias`:
 * a SALES_MANAGER only their subtree; no restriction for others (callers first decide who may assign).
 */
export function assignableUserScope(principal: Principal, alias = 'u'): Sql {
  return principal.role === Role.SALES_MANAGER ? ownOrTeam(principal, raw(`${alias}.id`)) : TRUE;
}

/** Condition on the `opportunity` row aliased `alias`: reps their own, managers their team's, other staff all. */
export function opportunityScope(principal: Principal, alias = 'o'): Sql {
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
    case Role.MARKETING:
    case Role.SERVICE_AGENT:
      return TRUE;
    case Role.SALES_REP:
    case Role.SALES_MANAGER:
      return ownOrTeam(principal, raw(`${alias}.owner_id`));
    default:
      return FALSE; // ANALYST gets aggregates only; partners and keys no deals
  }
}

/** Condition on the `task` row aliased `alias`: one's own tasks; a manager also their team's; ADMIN all. */
export function taskScope(principal: Principal, alias = 't'): Sql {
  return usersRecords(principal, raw(`${alias}.assignee_id`));
}

/** Condition on the `lead` row aliased `alias`: MARKETING and ADMIN all; managers their team's and unassigned ones; reps their own. */
export function leadScope(principal: Principal, alias = 'l'): Sql {
  const owner = raw(`${alias}.owner_id`);
  switch (principal.role) {
    case Role.ADMIN:
    case Role.MARKETING:
      return TRUE;
    case Role.SALES_MANAGER:
      return sql`(${owner} is null or ${ownOrTeam(principal, owner)})`;
    case Role.SALES_REP:
      return ownOrTeam(principal, owner);
    default:
      return FALSE;
  }
}

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
  return visibleCustomer(principal, 'o.customer_id');
}

/**
 * Condition on a customer-id expression (trusted SQL, e.g. `r.customer_id`) for the money side —
 * contracts, receivables, payments, credit: ADMIN and FINANCE all; SALES_MANAGER and SALES_REP the
 * customers in their scope; a PARTNER its own account only (not its resold customers' accounts).
 */
export function accountScope(principal: Principal, customerIdExpr: string): Sql {
  switch (principal.role) {
    case Role.ADMIN:
    case Role.FINANCE:
      return TRUE;
    case Role.SALES_MANAGER:
    case Role.SALES_REP:
      return visibleCustomer(principal, customerIdExpr);
    case Role.PARTNER:
      return principal.partnerCustomerId ? sql`${raw(customerIdExpr)} = ${principal.partnerCustomerId}` : FALSE;
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
      return visibleCustomer(principal, customerIdExpr);
    default:
      return FALSE;
  }
}

// ------------------------------------------------------------------ field visibility inside the SQL

/**
 * Where the caller may read a customer's name, on the `customer` row aliased `alias`: the SQL twin of
 * `customerNameVisible` (auth/rules.ts), so that searches and filters cannot probe for names the field
 * rule hides. ANALYST: businesses only; an INTEGRATION key: businesses and the records it created.
 */
export function customerNameVisibleSql(principal: Principal, alias = 'c'): Sql {
  const business = raw(`${alias}.kind = 'BUSINESS'`);
  if (principal.role === Role.ANALYST) return business;
  if (principal.role === Role.INTEGRATION) return sql`(${business} or ${raw(alias)}.created_by = ${principal.id})`;
  return TRUE;
}

/**
 * Where the caller may read a person's name, on a row with `created_by` aliased `alias` (a contact):
 * the SQL twin of `personNameVisible`. ANALYST: never; an INTEGRATION key: the records it created.
 */
export function personNameVisibleSql(principal: Principal, alias = 'k'): Sql {
  if (principal.role === Role.ANALYST) return FALSE;
  if (principal.role === Role.INTEGRATION) return sql`${raw(alias)}.created_by = ${principal.id}`;
  return TRUE;
}

/**
 * Where the caller may read a record's e-mails, phones and addresses, on a row aliased `alias` with
 * `created_by` and `marketing_consent` (a customer or contact): the SQL twin of `piiVisible`. ANALYST:
 * never; MARKETING: with the person's consent; an INTEGRATION key: the records it created.
 */
export function piiVisibleSql(principal: Principal, alias: string): Sql {
  if (principal.role === Role.ANALYST) return FALSE;
  if (principal.role === Role.MARKETING) return raw(`${alias}.marketing_consent`);
  if (principal.role === Role.INTEGRATION) return sql`${raw(alias)}.created_by = ${principal.id}`;
  return TRUE;
}

/** A column read as null where `visible` does not hold: for filters on values a field rule may hide. */
export function maskedSql(column: string, visible: Sql): string | Sql {
  if (isTrue(visible)) return column;
  return isFalse(visible) ? raw('null::text') : sql`(case when ${visible} then ${raw(column)} end)`;
}

/** Internal notes of cases: staff only — never PARTNER, never API-key callers. */
export function seesInternalNotes(principal: Principal): boolean {
  return principal.type === 'USER' && principal.role !== Role.PARTNER;
}

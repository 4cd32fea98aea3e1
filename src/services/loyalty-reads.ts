import Decimal from 'decimal.js';
import { hasScope, type Principal } from '../auth/principal';
import { LOYALTY_READERS } from '../auth/roles';
import { Role } from '../entities/enums';
import type { PointsEntry, TierChange } from '../entities/loyalty.entity';
import type { MembershipTier } from '../entities/loyalty.enums';
import type { ServiceContext } from './context';
import { getProgramme, nextTier, spend12mSql, type MembershipRow } from './loyalty.service';
import { lotsSql } from './loyalty-ledger';
import { fixedOrder, readModel } from './read-model';
import { visibleCustomer } from './scope';
import { FALSE, columnsOf, raw, rows, sql, textArray, type Sql } from './sql';

/**
 * Reads of memberships and ledgers (issue 11). Whose: staff who read customers, the customers in their
 * scope (reps their book, managers their team's); INTEGRATION keys that read customers; a PARTNER only
 * its own record's membership (not those of the customers it resells to).
 */
export function membershipScope(principal: Principal, customerIdExpr: string): Sql {
  if (principal.role === Role.PARTNER) return principal.partnerCustomerId ? sql`${raw(customerIdExpr)} = ${principal.partnerCustomerId}` : FALSE;
  if (principal.role === Role.INTEGRATION) return hasScope(principal, 'customers:read') ? visibleCustomer(principal, customerIdExpr) : FALSE;
  return LOYALTY_READERS.includes(principal.role) ? visibleCustomer(principal, customerIdExpr) : FALSE;
}

/** Memberships by id (node(id)) or by customer id, in the caller's scope. */
export async function membershipsBy(ctx: ServiceContext, column: 'id' | 'customer_id', keys: readonly string[]): Promise<MembershipRow[]> {
  if (!keys.length) return [];
  return rows<MembershipRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Membership', 'm')} from loyalty_membership m
    where m.${raw(column)} = any(${textArray([...keys])}) and ${membershipScope(ctx.principal, 'm.customer_id')}`);
}

/** The figures of a membership (one statement for any number of memberships, already visible). */
export interface MembershipFigures {
  id: string;
  pointsBalance: number;
  spend12m: string;
  expiringNext: { points: number; on: string } | null;
  nextTier: { tier: MembershipTier; missing: string } | null;
}

export async function membershipFigures(ctx: ServiceContext, memberships: readonly MembershipRow[]): Promise<MembershipFigures[]> {
  if (!memberships.length) return [];
  const now = new Date();
  const ids = memberships.map((m) => m.id);
  const found = await rows<{ id: string; balance: number; spend: string; expiresOn: string | null; expiring: number | null }>(ctx.em, sql`
    with lots as (select * from ${lotsSql(sql`m.id = any(${textArray(ids)})`, now)} l where l.remaining > 0),
    next as (
      select distinct on (l.membership_id) l.membership_id, l.expires_on from lots l order by l.membership_id, l.expires_on
    )
    select m.id,
      coalesce((select e.balance_after from points_entry e where e.membership_id = m.id order by e.seq desc limit 1), 0)::int as balance,
      ${spend12mSql('m.customer_id', now)}::text as spend,
      n.expires_on::text as "expiresOn",
      (select sum(l.remaining)::int from lots l where l.membership_id = m.id and l.expires_on = n.expires_on) as expiring
    from loyalty_membership m left join next n on n.membership_id = m.id
    where m.id = any(${textArray(ids)})`);
  const p = await getProgramme(ctx);
  const byId = new Map(found.map((f) => [f.id, f]));
  return memberships.map((m) => {
    const f = byId.get(m.id)!;
    return {
      id: m.id, pointsBalance: Number(f.balance), spend12m: new Decimal(f.spend).toFixed(2),
      expiringNext: f.expiresOn ? { points: Number(f.expiring), on: f.expiresOn } : null,
      nextTier: nextTier(p, m.tier, f.spend),
    };
  });
}

/** Tier changes of (already visible) memberships, oldest first. */
export async function tierHistory(ctx: ServiceContext, membershipIds: readonly string[]): Promise<TierChange[]> {
  if (!membershipIds.length) return [];
  return rows<TierChange>(ctx.em, sql`select ${columnsOf(ctx.em, 'TierChange', 'h')} from loyalty_tier_change h
    where h.membership_id = any(${textArray([...membershipIds])}) order by h.membership_id, h.created_at, h.id`);
}

/** `Customer.pointsLedger`: the ledger of a member, newest first (by `seq`), one page per customer in one statement. */
export const ledgerReads = readModel<PointsEntry>()({
  entity: 'PointsEntry', table: 'points_entry', alias: 'e', parentColumn: 'e.customer_id',
  visible: (ctx) => membershipScope(ctx.principal, 'e.customer_id'),
  visibleUnderParent: (ctx) => membershipScope(ctx.principal, 'e.customer_id'),
  order: fixedOrder('pointsLedger', [{ expr: 'e.seq', dir: 'DESC', get: (r) => r.seq }]),
});

/** FINANCE: the programme's debt on `asOf`: outstanding points (what is left of unexpired lots) by expiry month, valued at today's point value. */
export interface LiabilityMonth { month: string; points: number; value: string }
export interface Liability { asOf: Date; currency: string; pointValue: string; points: number; value: string; members: number; byExpiryMonth: LiabilityMonth[] }

export async function loyaltyLiability(ctx: ServiceContext, asOf: Date): Promise<Liability> {
  const p = await getProgramme(ctx);
  const day = asOf.toISOString().slice(0, 10);
  const months = await rows<{ month: string; points: number; members: number }>(ctx.em, sql`
    select to_char(l.expires_on, 'YYYY-MM') as month, sum(l.remaining)::int as points, count(distinct l.membership_id)::int as members
    from ${lotsSql(sql`true`, asOf)} l where l.remaining > 0 and l.expires_on > ${day}::date
    group by 1 order by 1`);
  const [members] = await rows<{ n: number }>(ctx.em, sql`select count(distinct l.membership_id)::int as n
    from ${lotsSql(sql`true`, asOf)} l where l.remaining > 0 and l.expires_on > ${day}::date`);
  const value = (points: number) => new Decimal(points).times(p.pointValue).toFixed(2);
  const byExpiryMonth = months.map((m) => ({ month: m.month, points: Number(m.points), value: value(Number(m.points)) }));
  const points = byExpiryMonth.reduce((s, m) => s + m.points, 0);
  return { asOf, currency: p.currency, pointValue: p.pointValue, points, value: value(points), members: Number(members.n), byExpiryMonth };
}

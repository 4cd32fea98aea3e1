import type { EntityManager } from '@mikro-orm/postgresql';
import { PointsEntryKind, MembershipTier } from '../entities/loyalty.enums';
import type { ServiceContext } from './context';
import { newIdSql, rows, sql, textArray, type Sql } from './sql';

/**
 * The points ledger (issue 11): append-only, the balance is the sum, never negative.
 *
 * Every write to a member's ledger first locks the membership row (`lockMembership`), then reads the
 * balance (the `balance_after` of the member's last entry) in a later statement, so concurrent
 * redemptions, reversals, adjustments and the expiry job serialise per member and each entry's
 * `balance_after` is exact; the column is checked ≥ 0 by the database as a last line.
 *
 * Lots and FIFO. Credits (BONUS, EARN, positive ADJUST, the REVERSAL that gives redeemed points back)
 * are lots with an expiry date fixed when they are credited (the programme's months at that time).
 * A lot's net amount is its points less the REVERSAL that took it back (an EARN of a returned order).
 * All other debits (REDEEM, negative ADJUST, EXPIRE) consume lots first-expiring-first: ordered by
 * (expires_on, seq), lot i has `remaining = clamp(cumulative_net_i − consumed, 0, net_i)`, where
 * `consumed` is the sum of those debits. The sum of `remaining` is the balance. The expiry job expires
 * the `remaining` of lots whose date has passed; `pointsExpiringNext` and `loyaltyLiability` read the
 * same figures.
 */

export interface LockedMembership {
  id: string;
  customerId: string;
  tier: MembershipTier;
  /** The balance, kept current by `appendEntry`. */
  balance: number;
}

/** Locks the customer's membership (null when not a member) and reads its balance. */
export async function lockMembership(tx: ServiceContext, customerId: string): Promise<LockedMembership | null> {
  const [m] = await rows<{ id: string; tier: MembershipTier }>(tx.em, sql`select m.id, m.tier from loyalty_membership m where m.customer_id = ${customerId} for update`);
  if (!m) return null;
  // A separate statement: after waiting for the lock it sees what the previous holder committed.
  const [b] = await rows<{ balance: number }>(tx.em, sql`select coalesce((select e.balance_after from points_entry e
    where e.membership_id = ${m.id} order by e.seq desc limit 1), 0)::int as balance`);
  return { id: m.id, customerId, tier: m.tier, balance: Number(b.balance) };
}

export interface NewEntry {
  kind: PointsEntryKind;
  points: number;
  /** Credits only: months until the lot expires (the programme's `expiryMonths`). */
  expiryMonths?: number;
  orderId?: string | null;
  reversesId?: string | null;
  unrecovered?: number;
  reason?: string | null;
  createdBy: string;
}

/**
 * Appends an entry to a locked member's ledger and returns its id, or null when a unique index says it
 * exists already (an order earns and redeems once: the EARN / REDEEM of an order, the REVERSAL of an entry).
 */
export async function appendEntry(tx: ServiceContext, m: LockedMembership, e: NewEntry): Promise<string | null> {
  const balance = m.balance + e.points;
  if (balance < 0) throw new Error(`Ledger of ${m.id} would go below 0`);
  const expires = e.points > 0 ? sql`(current_date + make_interval(months => ${e.expiryMonths ?? 24}))::date` : sql`null::date`;
  const inserted = await rows<{ id: string }>(tx.em, sql`insert into points_entry
      (id, membership_id, customer_id, kind, points, balance_after, expires_on, order_id, reverses_id, unrecovered, reason, created_by)
    values (${newIdSql('PointsEntry')}, ${m.id}, ${m.customerId}, ${e.kind}, ${e.points}, ${balance}, ${expires}, ${e.orderId ?? null},
      ${e.reversesId ?? null}, ${e.unrecovered ?? 0}, ${e.reason ?? null}, ${e.createdBy})
    on conflict do nothing returning id`);
  if (!inserted.length) return null;
  m.balance = balance;
  return inserted[0].id;
}

/**
 * The lots of the members matched by `members` (a condition on `m`, the membership), with what is left
 * of each as of `asOf` (entries created after it are ignored): columns membership_id, id, expires_on,
 * remaining. Trusted SQL; `asOf` is a parameter.
 */
export function lotsSql(members: Sql, asOf: Date): Sql {
  return sql`(
    with entries as (
      select e.* from points_entry e join loyalty_membership m on m.id = e.membership_id
      where ${members} and e.created_at <= ${asOf}
    ),
    lots as (
      select l.membership_id, l.id, l.seq, l.expires_on,
        l.points + coalesce((select sum(r.points) from entries r where r.reverses_id = l.id), 0) as net
      from entries l where l.points > 0
    ),
    consumed as (
      select c.membership_id, -sum(c.points) as used from entries c where c.points < 0 and c.kind <> 'REVERSAL' group by c.membership_id
    ),
    running as (
      select lots.*, sum(lots.net) over (partition by lots.membership_id order by lots.expires_on, lots.seq) as cumulative,
        coalesce(consumed.used, 0) as used
      from lots left join consumed on consumed.membership_id = lots.membership_id
    )
    select membership_id, id, expires_on, greatest(0, least(net, cumulative - used))::int as remaining from running
  )`;
}

/**
 * The expiry job's part: for every member with lots past their date on `now`, one EXPIRE entry for
 * what is left of them. Members are locked first (in id order), so a second run — also a concurrent
 * one, or a redemption at the same moment — computes on committed data and expires nothing twice.
 */
export async function expirePoints(em: EntityManager, now: Date): Promise<number> {
  return em.transactional(async (tem) => {
    const txEm = tem as EntityManager;
    const today = now.toISOString().slice(0, 10);
    const due = await rows<{ id: string }>(txEm, sql`select m.id from loyalty_membership m
      where exists (select 1 from points_entry e where e.membership_id = m.id and e.expires_on <= ${today}::date)
      order by m.id for update`);
    if (!due.length) return 0;
    const ids = due.map((d) => d.id);
    const members = sql`m.id = any(${textArray(ids)})`;
    const expired = await rows<{ id: string }>(txEm, sql`
      with gone as (
        select l.membership_id, sum(l.remaining)::int as points from ${lotsSql(members, now)} l
        where l.expires_on <= ${today}::date and l.remaining > 0 group by l.membership_id
      ),
      balance as (
        select distinct on (e.membership_id) e.membership_id, e.balance_after from points_entry e
        where e.membership_id in (select membership_id from gone) order by e.membership_id, e.seq desc
      )
      insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, reason, created_by, created_at)
      select ${newIdSql('PointsEntry')}, g.membership_id, m.customer_id, 'EXPIRE', -g.points, b.balance_after - g.points,
        'Points past their expiry date', 'SYSTEM', now()
      from gone g join balance b on b.membership_id = g.membership_id join loyalty_membership m on m.id = g.membership_id
      order by g.membership_id
      returning id`);
    return expired.length;
  });
}

import Decimal from 'decimal.js';
import { z } from 'zod';
import { AuditAction } from '../entities/enums';
import { refId } from '../entities/ids';
import { OrderStatus, type Order } from '../entities/order.entity';
import type { LoyaltyProgramme, Membership } from '../entities/loyalty.entity';
import { MEMBERSHIP_TIERS, MembershipTier, PointsEntryKind, TierChangeReason } from '../entities/loyalty.enums';
import type { AuditEvent } from '../entities/audit-event.entity';
import { auditVisible, recordAudit } from './audit.service';
import type { ServiceContext } from './context';
import { userError, type UserError } from './errors';
import { appendEntry, expirePoints, lockMembership } from './loyalty-ledger';
import { getCustomer } from './customer.service';
import { recordEvent } from './outbox';
import { columnsOf, join, limitSql, newIdSql, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, CURRENCY, parseInput, text, type InputOf } from './validation';

/**
 * The loyalty programme (issue 11): settings, enrolment, tiers, and what orders do to points.
 *
 * - Spend (`spend12m`): the sum of `total` (money paid: after line discounts, offers and points) of the
 *   member's orders COMPLETED in the 365 days before now (by `completedAt`; the value metrics' "12 months" too), in the programme's
 *   currency; orders in other currencies do not count (currencies are never converted). A RETURNED order
 *   is no longer COMPLETED, so it leaves the spend.
 * - Tier: the highest tier whose threshold the spend reaches. It goes up at once when an order becomes
 *   COMPLETED (or at enrolment), and is re-evaluated both ways only by the nightly job (the window moves).
 * - EARN: when an order becomes COMPLETED, floor(total × the earn rate of the tier the member held at
 *   that moment, before any upgrade by this order), once per order (unique index); only orders in the
 *   programme's currency earn.
 * - REVERSAL: when an order becomes RETURNED or CANCELLED, its redeemed points are given back (a new lot)
 *   and its earned points taken back, as far as the balance allows (the rest is recorded as `unrecovered`).
 * - Programme changes apply from then on: entries store their points and lots their expiry date.
 */

export type ProgrammeRow = LoyaltyProgramme;

export async function getProgramme(ctx: Pick<ServiceContext, 'em'>): Promise<ProgrammeRow> {
  const [p] = await rows<ProgrammeRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'LoyaltyProgramme', 'p')} from loyalty_programme p where p.id = 1`);
  return p;
}

/** Threshold of a tier's spend (STANDARD: 0). */
export function tierThreshold(p: Pick<ProgrammeRow, 'silverSpend' | 'goldSpend' | 'platinumSpend'>, tier: MembershipTier): string {
  return { STANDARD: '0.00', SILVER: p.silverSpend, GOLD: p.goldSpend, PLATINUM: p.platinumSpend }[tier];
}

export function earnRate(p: Pick<ProgrammeRow, 'standardRate' | 'silverRate' | 'goldRate' | 'platinumRate'>, tier: MembershipTier): string {
  return { STANDARD: p.standardRate, SILVER: p.silverRate, GOLD: p.goldRate, PLATINUM: p.platinumRate }[tier];
}

/**
 * The tier a 12-month spend earns — the highest whose threshold it reaches — as SQL over `spend` (trusted
 * SQL, e.g. a column): the one statement of the rule, used by enrolment, the upgrade on an order and the job.
 */
export function tierOfSpendSql(spend: string): Sql {
  return raw(`(select case when ${spend} >= lp.platinum_spend then 'PLATINUM' when ${spend} >= lp.gold_spend then 'GOLD'
    when ${spend} >= lp.silver_spend then 'SILVER' else 'STANDARD' end from loyalty_programme lp where lp.id = 1)`);
}

/** The next tier above `tier` and the spend still missing to reach it (null at the top). */
export function nextTier(p: ProgrammeRow, tier: MembershipTier, spend: string): { tier: MembershipTier; missing: string } | null {
  const next = MEMBERSHIP_TIERS[MEMBERSHIP_TIERS.indexOf(tier) + 1];
  if (!next) return null;
  return { tier: next, missing: Decimal.max(0, new Decimal(tierThreshold(p, next)).minus(spend)).toFixed(2) };
}

/** Points a paid amount earns at a rate: floor(amount × rate). */
export const pointsFor = (amount: string, rate: string): number => new Decimal(amount).times(rate).floor().toNumber();

/** SQL: the spend of the member whose customer id is `customerIdExpr` (trusted SQL) in the 12 months — 365 days, as in the value metrics — before `now`. */
export function spend12mSql(customerIdExpr: string, now: Date): Sql {
  return sql`coalesce((select sum(o.total) from sales_order o where o.customer_id = ${raw(customerIdExpr)} and o.status = 'COMPLETED'
    and o.completed_at > ${now}::timestamptz - interval '365 days' and o.completed_at <= ${now}::timestamptz
    and o.currency = (select lp.currency from loyalty_programme lp where lp.id = 1)), 0)`;
}

// ------------------------------------------------------------------------------------------ programme

const DEC = (max: number, label: string) => z.string().trim().regex(/^\d{1,12}(\.\d{1,6})?$/, `A non-negative number, e.g. "${label}".`)
  .refine((v) => new Decimal(v).lte(max), `At most ${max}.`);
const UpdateProgramme = z.object({
  version: z.number().int(),
  currency: CURRENCY.optional(),
  silverSpend: DEC(1e12, '1000.00').optional(),
  goldSpend: DEC(1e12, '5000.00').optional(),
  platinumSpend: DEC(1e12, '20000.00').optional(),
  standardRate: DEC(1000, '1').optional(),
  silverRate: DEC(1000, '1.25').optional(),
  goldRate: DEC(1000, '1.5').optional(),
  platinumRate: DEC(1000, '2').optional(),
  pointValue: DEC(1000, '0.01').refine((v) => new Decimal(v).gt(0), 'More than 0.').optional(),
  maxRedeemPercent: DEC(100, '50').optional(),
  expiryMonths: z.number().int().min(1, 'At least 1.').max(120, 'At most 120.').optional(),
  signupBonus: z.number().int().min(0, 'At least 0.').max(1_000_000, 'At most 1000000.').optional(),
});
export type UpdateProgrammeInput = InputOf<typeof UpdateProgramme>;
const PROGRAMME_FIELDS = ['currency', 'silverSpend', 'goldSpend', 'platinumSpend', 'standardRate', 'silverRate', 'goldRate', 'platinumRate',
  'pointValue', 'maxRedeemPercent', 'expiryMonths', 'signupBonus'] as const;
const COLUMN: Record<(typeof PROGRAMME_FIELDS)[number], string> = {
  currency: 'currency', silverSpend: 'silver_spend', goldSpend: 'gold_spend', platinumSpend: 'platinum_spend', standardRate: 'standard_rate',
  silverRate: 'silver_rate', goldRate: 'gold_rate', platinumRate: 'platinum_rate', pointValue: 'point_value', maxRedeemPercent: 'max_redeem_percent',
  expiryMonths: 'expiry_months', signupBonus: 'signup_bonus',
};
/** Audit entries of the programme are filed under this pseudo customer id (the programme belongs to no customer). */
export const PROGRAMME_AUDIT_KEY = 'loyalty-programme';

/** The programme's audit entries, newest first (who changed which setting from what to what). */
export async function programmeHistory(ctx: ServiceContext, first: number): Promise<AuditEvent[]> {
  return rows<AuditEvent>(ctx.em, sql`select ${columnsOf(ctx.em, 'AuditEvent', 'a')} from audit_event a
    where a.entity_type = 'LoyaltyProgramme' and a.customer_id = ${PROGRAMME_AUDIT_KEY} and ${auditVisible(ctx)}
    order by a.at desc, a.id desc limit ${limitSql(Math.max(1, Math.min(first, 100)))}`);
}

export interface ProgrammePayload { programme: ProgrammeRow | null; errors: UserError[] }

/** ADMIN: changes the settings (audited). Thresholds must rise with the tiers. */
export async function updateProgramme(ctx: ServiceContext, input: UpdateProgrammeInput): Promise<ProgrammePayload> {
  const parsed = parseInput(UpdateProgramme, input);
  if (!parsed.ok) return { programme: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    await rows(tx.em, sql`select id from loyalty_programme where id = 1 for update`);
    const p = await getProgramme(tx);
    if (p.version !== data.version) fail([userError('CONFLICT', `The programme was changed meanwhile (now version ${p.version}): reload it and apply your change again.`, ['input', 'version'])]);
    const before: Record<string, unknown> = Object.fromEntries(PROGRAMME_FIELDS.map((f) => [f, String(p[f])]));
    const after: Record<string, unknown> = { ...before };
    for (const f of PROGRAMME_FIELDS) if (data[f] !== undefined) after[f] = String(data[f]);
    const d = (f: string) => new Decimal(after[f] as string);
    if (d('silverSpend').gt(d('goldSpend'))) fail([userError('VALIDATION', 'The SILVER threshold cannot be above the GOLD threshold.', ['input', 'silverSpend'])]);
    if (d('goldSpend').gt(d('platinumSpend'))) fail([userError('VALIDATION', 'The GOLD threshold cannot be above the PLATINUM threshold.', ['input', 'goldSpend'])]);
    const same = (f: string) => (f === 'currency' ? before[f] === after[f] : new Decimal(before[f] as string).eq(after[f] as string));
    const changed = PROGRAMME_FIELDS.filter((f) => !same(f));
    if (changed.length) {
      const sets = changed.map((f) => sql`${raw(COLUMN[f])} = ${after[f]}`);
      await rows(tx.em, sql`update loyalty_programme set ${join(sets, ', ')}, version = version + 1, updated_at = now() where id = 1`);
      recordAudit(tx.em, tx.principal, {
        entityType: 'LoyaltyProgramme', entityId: PROGRAMME_AUDIT_KEY, customerId: PROGRAMME_AUDIT_KEY, action: AuditAction.UPDATE,
        changes: changed.map((f) => ({ field: f, old: f === 'expiryMonths' || f === 'signupBonus' ? Number(before[f]) : before[f], new: f === 'expiryMonths' || f === 'signupBonus' ? Number(after[f]) : after[f] })),
      });
      await tx.em.flush();
    }
    return true;
  });
  if (!outcome.result) return { programme: null, errors: outcome.errors };
  return { programme: await getProgramme(ctx), errors: [] };
}

// ------------------------------------------------------------------------------------------ membership

export type MembershipRow = Membership;

/** Enrols a customer in the transaction (no-op returning the existing membership id when already a member). */
export async function enrolInTx(tx: ServiceContext, customerId: string): Promise<{ id: string; created: boolean }> {
  const [existing] = await rows<{ id: string }>(tx.em, sql`select id from loyalty_membership where customer_id = ${customerId}`);
  if (existing) return { id: existing.id, created: false };
  const p = await getProgramme(tx);
  const [spend] = await rows<{ spend: string; tier: MembershipTier }>(tx.em, sql`select x.spend::text as spend, ${tierOfSpendSql('x.spend')} as tier
    from (select ${spend12mSql('c.id', new Date())} as spend from customer c where c.id = ${customerId}) x`);
  const tier = spend.tier;
  const inserted = await rows<{ id: string }>(tx.em, sql`insert into loyalty_membership (id, customer_id, number, tier, created_by)
    values (${newIdSql('Membership')}, ${customerId}, 'M' || nextval('loyalty_member_number_seq'), ${tier}, ${tx.principal.id})
    on conflict (customer_id) do nothing returning id`);
  if (!inserted.length) {
    // A concurrent enrolment won: it is a member now.
    const [row] = await rows<{ id: string }>(tx.em, sql`select id from loyalty_membership where customer_id = ${customerId}`);
    return { id: row.id, created: false };
  }
  const id = inserted[0].id;
  await rows(tx.em, sql`insert into loyalty_tier_change (id, membership_id, customer_id, from_tier, to_tier, spend12m, reason)
    values (${newIdSql('TierChange')}, ${id}, ${customerId}, null, ${tier}, ${spend.spend}::numeric, 'ENROLMENT')`);
  if (p.signupBonus > 0) {
    const m = await lockMembership(tx, customerId);
    await appendEntry(tx, m!, { kind: PointsEntryKind.BONUS, points: p.signupBonus, expiryMonths: p.expiryMonths, reason: 'Sign-up bonus', createdBy: tx.principal.id });
  }
  recordAudit(tx.em, tx.principal, {
    entityType: 'Membership', entityId: id, customerId, action: AuditAction.CREATE,
    changes: [{ field: 'tier', old: null, new: tier }, ...(p.signupBonus > 0 ? [{ field: 'points', old: 0, new: p.signupBonus }] : [])],
  });
  await tx.em.flush();
  return { id, created: true };
}

export interface MembershipPayload { membership: MembershipRow | null; errors: UserError[] }

const Enrol = z.object({ customerId: ID('cus') });
export type EnrolInput = InputOf<typeof Enrol>;

export async function enrolMember(ctx: ServiceContext, input: EnrolInput): Promise<MembershipPayload> {
  const parsed = parseInput(Enrol, input);
  if (!parsed.ok) return { membership: null, errors: parsed.errors };
  const outcome = await inTransaction(ctx, async (tx) => {
    // Visible and live (the roles that may enrol see their book; ADMIN all): the customer read model's own rule.
    const c = await getCustomer(tx, parsed.data.customerId);
    if (!c) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const enrolled = await enrolInTx(tx, c!.id);
    if (!enrolled.created) fail([userError('DUPLICATE', 'This customer is a member already.', ['input', 'customerId'])]);
    return enrolled.id;
  });
  if (!outcome.result) return { membership: null, errors: outcome.errors };
  return { membership: await membershipById(ctx, outcome.result), errors: [] };
}

/** Whether the customer is a member of the loyalty programme. */
export async function isMember(ctx: Pick<ServiceContext, 'em'>, customerId: string): Promise<boolean> {
  return (await rows(ctx.em, sql`select 1 as x from loyalty_membership m where m.customer_id = ${customerId}`)).length > 0;
}

export async function membershipById(ctx: Pick<ServiceContext, 'em'>, id: string): Promise<MembershipRow> {
  const [m] = await rows<MembershipRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Membership', 'm')} from loyalty_membership m where m.id = ${id}`);
  return m;
}

// ------------------------------------------------------------------------------------------ orders

/**
 * What loyalty does when an order reaches a status, in the status change's transaction — whoever changes it
 * (`updateOrderStatus`, a credit decision): earn on COMPLETED, reverse on RETURNED or CANCELLED.
 */
export async function loyaltyOnOrderStatus(tx: ServiceContext, order: Order): Promise<void> {
  const ref = { id: order.id, customerId: refId(order.customer)!, total: order.total, currency: order.currency };
  if (order.status === OrderStatus.COMPLETED) await orderCompleted(tx, ref);
  else if (order.status === OrderStatus.RETURNED || order.status === OrderStatus.CANCELLED) await orderReversed(tx, ref);
}

/** An order became COMPLETED: earn its points (once), then raise the tier if the spend now reaches a higher one. */
async function orderCompleted(tx: ServiceContext, order: { id: string; customerId: string; total: string; currency: string }): Promise<void> {
  const m = await lockMembership(tx, order.customerId);
  if (!m) return;
  const p = await getProgramme(tx);
  if (order.currency !== p.currency) return;
  const points = pointsFor(order.total, earnRate(p, m.tier));
  if (points > 0) {
    const entryId = await appendEntry(tx, m, { kind: PointsEntryKind.EARN, points, expiryMonths: p.expiryMonths, orderId: order.id, createdBy: tx.principal.id });
    if (entryId) recordEvent(tx.em, tx.principal, { type: 'points.earned', entityType: 'Membership', entityId: m.id, customerId: order.customerId, data: { orderId: order.id, entryId } });
  }
  await raiseTier(tx, m.id, order.customerId, order.id);
}

/** Raises a member's tier when the spend reaches a higher one (never lowers it: only the job does); also after a merge (customer-merge.service.ts). */
export async function raiseTier(
  tx: ServiceContext, membershipId: string, customerId: string, orderId: string | null, reason: TierChangeReason = TierChangeReason.ORDER,
): Promise<void> {
  const [row] = await rows<{ tier: MembershipTier; spend: string; target: MembershipTier }>(tx.em, sql`select x.tier, x.spend::text as spend,
    ${tierOfSpendSql('x.spend')} as target
    from (select m.tier, ${spend12mSql('m.customer_id', new Date())} as spend from loyalty_membership m where m.id = ${membershipId}) x`);
  const tier = row.target;
  if (MEMBERSHIP_TIERS.indexOf(tier) <= MEMBERSHIP_TIERS.indexOf(row.tier)) return;
  await rows(tx.em, sql`update loyalty_membership set tier = ${tier}, tier_since = now(), updated_at = now(), version = version + 1 where id = ${membershipId}`);
  await rows(tx.em, sql`insert into loyalty_tier_change (id, membership_id, customer_id, from_tier, to_tier, spend12m, reason, order_id)
    values (${newIdSql('TierChange')}, ${membershipId}, ${customerId}, ${row.tier}, ${tier}, ${row.spend}::numeric, ${reason}, ${orderId})`);
}

/** An order became RETURNED or CANCELLED: give back what it redeemed, take back what it earned (as far as the balance allows). */
async function orderReversed(tx: ServiceContext, order: { id: string; customerId: string }): Promise<void> {
  const m = await lockMembership(tx, order.customerId);
  if (!m) return;
  const entries = await rows<{ id: string; kind: PointsEntryKind; points: number }>(tx.em, sql`select e.id, e.kind, e.points from points_entry e
    where e.order_id = ${order.id} and e.kind in ('EARN', 'REDEEM') and not exists (select 1 from points_entry r where r.reverses_id = e.id)
    order by e.seq`);
  const p = await getProgramme(tx);
  const redeem = entries.find((e) => e.kind === PointsEntryKind.REDEEM);
  const earn = entries.find((e) => e.kind === PointsEntryKind.EARN);
  if (redeem) {
    await appendEntry(tx, m, { kind: PointsEntryKind.REVERSAL, points: -redeem.points, expiryMonths: p.expiryMonths, orderId: order.id, reversesId: redeem.id,
      reason: 'Redeemed points given back: the order was returned or cancelled', createdBy: tx.principal.id });
  }
  if (earn) {
    const taken = Math.min(earn.points, m.balance);
    await appendEntry(tx, m, { kind: PointsEntryKind.REVERSAL, points: -taken, orderId: order.id, reversesId: earn.id, unrecovered: earn.points - taken,
      reason: 'Earned points taken back: the order was returned or cancelled', createdBy: tx.principal.id });
  }
}

// ------------------------------------------------------------------------------------------ adjustments

const Adjust = z.object({
  customerId: ID('cus'),
  points: z.number().int('A whole number.').min(-1_000_000, 'At least -1000000.').max(1_000_000, 'At most 1000000.').refine((v) => v !== 0, 'Not 0.'),
  reason: text(500),
});
export type AdjustPointsInput = InputOf<typeof Adjust>;

/** ADMIN or SERVICE_AGENT: credits (a lot) or debits points with a reason; never below 0. Audited. */
export async function adjustPoints(ctx: ServiceContext, input: AdjustPointsInput): Promise<MembershipPayload> {
  const parsed = parseInput(Adjust, input);
  if (!parsed.ok) return { membership: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const c = await getCustomer(tx, data.customerId);
    if (!c) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const m = await lockMembership(tx, c!.id);
    if (!m) fail([userError('BUSINESS_RULE', 'This customer is not a member of the loyalty programme.', ['input', 'customerId'])]);
    if (m!.balance + data.points < 0) {
      fail([userError('BUSINESS_RULE', `The balance is ${m!.balance} points: at most ${m!.balance} can be taken off.`, ['input', 'points'])]);
    }
    const p = await getProgramme(tx);
    const before = m!.balance;
    await appendEntry(tx, m!, { kind: PointsEntryKind.ADJUST, points: data.points, expiryMonths: p.expiryMonths, reason: data.reason, createdBy: tx.principal.id });
    recordAudit(tx.em, tx.principal, {
      entityType: 'Membership', entityId: m!.id, customerId: c!.id, action: AuditAction.UPDATE,
      changes: [{ field: 'pointsBalance', old: before, new: m!.balance }, { field: 'adjustReason', old: null, new: data.reason }],
    });
    await tx.em.flush();
    return m!.id;
  });
  if (!outcome.result) return { membership: null, errors: outcome.errors };
  return { membership: await membershipById(ctx, outcome.result), errors: [] };
}

// ------------------------------------------------------------------------------------------ nightly job

/**
 * Re-evaluates every member's tier on the spend of the 12 months before `now`, up or down (set-based:
 * one statement for all members, a tier change row for each that moved). The update's condition is on
 * the locked row itself, so a concurrent run changes nothing twice.
 */
export async function reevaluateTiers(em: ServiceContext['em'], now: Date): Promise<number> {
  const changed = await rows<{ id: string }>(em, sql`
    with target as (
      select s.id, s.customer_id, s.tier, s.spend, ${tierOfSpendSql('s.spend')} as new_tier
      from (select m.id, m.customer_id, m.tier, ${spend12mSql('m.customer_id', now)} as spend from loyalty_membership m) s
    ),
    moved as (
      update loyalty_membership m set tier = t.new_tier, tier_since = now(), updated_at = now(), version = m.version + 1
      from target t where t.id = m.id and m.tier <> t.new_tier
      returning m.id, m.customer_id, t.tier as from_tier, t.new_tier, t.spend
    )
    insert into loyalty_tier_change (id, membership_id, customer_id, from_tier, to_tier, spend12m, reason)
    select ${newIdSql('TierChange')}, id, customer_id, from_tier, new_tier, spend, 'JOB' from moved
    returning id`);
  return changed.length;
}

/** The nightly loyalty job: expire points past their date, then re-evaluate tiers. Safe to run twice or concurrently. */
export async function runLoyaltyJob(em: ServiceContext['em'], now: Date): Promise<{ expired: number; tierChanges: number }> {
  const expired = await expirePoints(em, now);
  const tierChanges = await reevaluateTiers(em, now);
  return { expired, tierChanges };
}

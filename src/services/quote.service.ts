import Decimal from 'decimal.js';
import { z } from 'zod';
import { AuditAction, OpportunityStage, QuoteStatus } from '../entities/enums';
import { refId } from '../entities/ids';
import type { Opportunity } from '../entities/opportunity.entity';
import { QuoteLine } from '../entities/quote-line.entity';
import { Quote } from '../entities/quote.entity';
import { diff, recordAudit } from './audit.service';
import { isMember } from './loyalty.service';
import { fixedOrder, readModel } from './read-model';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import {
  isClosed, loadOpportunityForWrite, moveStage, opportunityChanges, opportunityPayloadRow, opportunitySnapshot, visibleOpportunity,
} from './opportunity.service';
import { opportunityScope } from './scope';
import { columnsOf, rows, sql, textArray, TRUE } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, LOCAL_DATE, isoDate, optionalText, parseInput, text, type InputOf } from './validation';

export type QuoteRow = Quote;
export type QuoteLineRow = QuoteLine;

// ------------------------------------------------------------------------------------------ money

/** Exact decimal arithmetic; every rounding is to cents, half-up (0.005 → 0.01). */
const Money = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
const round2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** The largest amount a numeric(18, 2) column holds. */
const MAX_AMOUNT = new Money('9999999999999999.99');

interface LineAmounts { quantity: string; unitPrice: string; discountPercent: string }

/**
 * Quote totals, exact: lineTotal = round2(quantity × unitPrice × (1 − discount / 100)); subtotal =
 * Σ round2(quantity × unitPrice); discountTotal = subtotal − Σ lineTotal; total = Σ lineTotal.
 */
export function quoteTotals(lines: LineAmounts[]) {
  let subtotal = new Money(0);
  let total = new Money(0);
  const lineTotals = lines.map((line) => {
    const gross = new Money(line.quantity).times(line.unitPrice);
    const net = round2(gross.times(new Money(100).minus(line.discountPercent)).dividedBy(100));
    subtotal = subtotal.plus(round2(gross));
    total = total.plus(net);
    return net;
  });
  return {
    lineTotals: lineTotals.map((d) => d.toFixed(2)),
    subtotal: subtotal.toFixed(2),
    discountTotal: subtotal.minus(total).toFixed(2),
    total: total.toFixed(2),
    tooLarge: subtotal.greaterThan(MAX_AMOUNT),
  };
}

/** Today's date in UTC ("YYYY-MM-DD"): a quote is valid through the whole of its `validUntil` day. */
const todayUtc = () => isoDate(new Date());

// ------------------------------------------------------------------------------------------ reads

export const quoteReads = readModel<QuoteRow>()({
  entity: 'Quote', table: 'quote', alias: 'q', parentColumn: 'q.opportunity_id',
  // By id: visible when their opportunity is (whether the caller may read quotes at all is the caller's
  // check); under an opportunity the caller already sees it.
  join: 'join opportunity o on o.id = q.opportunity_id',
  visible: (ctx) => visibleOpportunity(ctx),
  visibleUnderParent: () => TRUE,
  // Newest first.
  order: fixedOrder('quotes', [
    { expr: 'q.created_at', dir: 'DESC', get: (r) => r.createdAt },
    { expr: 'q.id', dir: 'DESC', get: (r) => r.id },
  ]),
});


/** The lines of several (already visible) quotes, in position order. */
export async function linesByQuoteIds(ctx: ServiceContext, quoteIds: readonly string[]): Promise<QuoteLineRow[]> {
  if (!quoteIds.length) return [];
  return rows<QuoteLineRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'QuoteLine', 'ql')} from quote_line ql
    where ql.quote_id = any(${textArray([...quoteIds])}) order by ql.quote_id, ql.position`);
}

// ---------------------------------------------------------------------------------------- writes

const DECIMAL = (digits: number, decimals: number, example: string) => z.union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => new RegExp(`^\\d{1,${digits}}(\\.\\d{1,${decimals}})?$`).test(v), `A non-negative number with at most ${decimals} decimals, e.g. "${example}".`);

/** A Decimal of a string already checked by the pattern before it (null when it is not a number). */
const dec = (v: string): Decimal | null => {
  try {
    return new Decimal(v);
  } catch {
    return null;
  }
};

const LINE = z.object({
  productRef: optionalText(60),
  description: text(500),
  quantity: DECIMAL(11, 3, '2.5').refine((v) => !dec(v)?.isZero(), 'The quantity must be more than 0.'),
  unitPrice: DECIMAL(16, 2, '199.99').nullish(),
  discountPercent: DECIMAL(3, 2, '12.5').refine((v) => !dec(v)?.greaterThan(100), 'A discount is between 0 and 100 %.').nullish(),
});
const LINES = z.array(LINE).min(1, 'A quote needs at least one line.').max(100, 'At most 100 lines.');
const VALID_UNTIL = LOCAL_DATE.refine((v) => v >= todayUtc(), 'The validity must end today or later.');

const CreateQuote = z.object({ opportunityId: ID('opp'), validUntil: VALID_UNTIL, notes: optionalText(4000), lines: LINES });
const UpdateQuote = z.object({ id: ID('quo'), version: z.number().int(), validUntil: VALID_UNTIL.optional(), notes: optionalText(4000), lines: LINES.optional() });
const AcceptQuote = z.object({ id: ID('quo'), markOpportunityWon: z.boolean().default(true) });

export type CreateQuoteInput = InputOf<typeof CreateQuote>;
export type UpdateQuoteInput = InputOf<typeof UpdateQuote>;
export type AcceptQuoteInput = InputOf<typeof AcceptQuote>;

const AUDITED = ['number', 'status', 'currency', 'validUntil', 'notes', 'subtotal', 'discountTotal', 'total', 'lineCount'];

/** A calendar date as "YYYY-MM-DD", whether the driver gave text or a Date (at UTC midnight). */
const dateText = (v: unknown): string => (v instanceof Date ? isoDate(v) : String(v));

function snapshot(q: Quote, lineCount: number): Record<string, unknown> {
  return { ...q, validUntil: dateText(q.validUntil), lineCount };
}

/**
 * Lines without a unit price are priced from the catalogue by their `productRef` (an active SKU in the
 * quote's currency): the member price when the customer is a member of the loyalty programme and the
 * product has one (issue 11), else the list price.
 */
async function priceFromCatalogue(tx: ServiceContext, quote: Quote, lines: z.infer<typeof LINES>) {
  const at = (i: number, field: string) => ['input', 'lines', String(i), field];
  const errors = lines.flatMap((l, i) => (l.unitPrice == null && !l.productRef
    ? [userError('VALIDATION', 'Give the unit price, or a productRef (SKU) to price the line from the catalogue.', at(i, 'unitPrice'))] : []));
  fail(errors);
  const skus = [...new Set(lines.filter((l) => l.unitPrice == null).map((l) => l.productRef!.toUpperCase()))];
  if (!skus.length) return lines.map((l) => ({ ...l, unitPrice: l.unitPrice! }));
  const products = new Map((await rows<{ sku: string; listPrice: string; memberPrice: string | null; currency: string }>(tx.em, sql`select p.sku,
    p.list_price::text as "listPrice", p.member_price::text as "memberPrice", p.currency from product p where p.sku = any(${textArray(skus)}) and p.active`)).map((p) => [p.sku, p]));
  const member = await isMember(tx, customerOf(quote));
  const priced = lines.map((l, i) => {
    if (l.unitPrice != null) return { ...l, unitPrice: l.unitPrice };
    const product = products.get(l.productRef!.toUpperCase());
    if (!product) errors.push(userError('NOT_FOUND', `No active product with SKU "${l.productRef}" to price the line from.`, at(i, 'productRef')));
    else if (product.currency !== quote.currency) errors.push(userError('VALIDATION', `The product is priced in ${product.currency}, the quote is in ${quote.currency}: give the unit price.`, at(i, 'productRef')));
    const unitPrice = product ? (member && product.memberPrice != null ? product.memberPrice : product.listPrice) : '0.00';
    return { ...l, unitPrice };
  });
  fail(errors);
  return priced;
}

/** Writes the lines of a quote (after removing any old ones) and its totals. */
async function replaceLines(tx: ServiceContext, quote: Quote, input: z.infer<typeof LINES>): Promise<void> {
  const lines = await priceFromCatalogue(tx, quote, input);
  const totals = quoteTotals(lines.map((l) => ({ quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent ?? '0' })));
  if (totals.tooLarge) fail([userError('VALIDATION', 'The quote total is too large.', ['input', 'lines'])]);
  await tx.em.nativeDelete(QuoteLine, { quote: quote.id });
  lines.forEach((l, i) => {
    tx.em.persist(tx.em.create(QuoteLine, {
      quote, position: i + 1, productRef: l.productRef ?? null, description: l.description,
      quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent ?? '0', lineTotal: totals.lineTotals[i],
    }));
  });
  quote.subtotal = totals.subtotal;
  quote.discountTotal = totals.discountTotal;
  quote.total = totals.total;
}

/** The payload's quote: re-read as a plain row, like every query returns it. */
async function payloadRow(ctx: ServiceContext, id: string): Promise<QuoteRow | null> {
  const [row] = await rows<QuoteRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Quote', 'q')} from quote q join opportunity o on o.id = q.opportunity_id
    where q.id = ${id} and ${opportunityScope(ctx.principal)}`);
  return row ?? null;
}

async function withRow(ctx: ServiceContext, outcome: { result: Quote | null; errors: UserError[] }) {
  if (!outcome.result) return { quote: null, errors: outcome.errors };
  return { quote: await payloadRow(ctx, outcome.result.id), errors: outcome.errors };
}

async function nextNumber(tx: ServiceContext): Promise<string> {
  const [{ n }] = await rows<{ n: string }>(tx.em, sql`select nextval('quote_number_seq')::text as n`);
  return `Q-${new Date().getUTCFullYear()}-${n.padStart(6, '0')}`;
}

export async function createQuote(ctx: ServiceContext, input: CreateQuoteInput) {
  const parsed = parseInput(CreateQuote, input);
  if (!parsed.ok) return { quote: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const opportunity = await loadOpportunityForWrite(tx, data.opportunityId, ['input', 'opportunityId']);
    if (isClosed(opportunity.stage)) {
      fail([userError('BUSINESS_RULE', `This deal is ${opportunity.stage}: quotes are made on open deals (reopen it first).`, ['input', 'opportunityId'])]);
    }
    const quote = tx.em.create(Quote, {
      opportunity, number: await nextNumber(tx), currency: opportunity.currency, validUntil: data.validUntil, status: QuoteStatus.DRAFT,
      notes: data.notes ?? null, createdBy: ctx.principal.id,
    });
    tx.em.persist(quote);
    await replaceLines(tx, quote, data.lines);
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Quote', entityId: quote.id, customerId: refId(opportunity.customer)!, action: AuditAction.CREATE,
      changes: diff({}, snapshot(quote, data.lines.length), AUDITED).filter((ch) => ch.new !== null),
    });
    await tx.em.flush();
    return quote;
  });
  return withRow(ctx, outcome);
}

/**
 * Loads a quote of a visible, live opportunity as a managed entity (with its opportunity) inside the
 * transaction. The opportunity's row is locked first, so writes to the quotes of one deal run one after
 * the other (two quotes accepted at once: the second sees the first and is refused, no deadlock).
 */
async function loadForWrite(tx: ServiceContext, id: string): Promise<Quote> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select q.id from quote q join opportunity o on o.id = q.opportunity_id
    where q.id = ${id} and ${visibleOpportunity(tx)} for update of o`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Quote not found.', ['input', 'id'])]);
  return tx.em.findOneOrFail(Quote, id, { populate: ['opportunity'] });
}

const customerOf = (quote: Quote) => refId((quote.opportunity as Opportunity).customer)!;

async function lineCount(tx: ServiceContext, quoteId: string): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(tx.em, sql`select count(*)::int as n from quote_line where quote_id = ${quoteId}`);
  return n;
}

function requireStatus(quote: Quote, allowed: QuoteStatus[], doing: string) {
  if (!allowed.includes(quote.status)) {
    fail([userError('BUSINESS_RULE', `This quote is ${quote.status}; only ${allowed.join(' or ')} quotes can be ${doing}.`, ['input', 'id'])]);
  }
}

function audit(tx: ServiceContext, quote: Quote, before: Record<string, unknown>, after: Record<string, unknown>) {
  recordAudit(tx.em, tx.principal, {
    entityType: 'Quote', entityId: quote.id, customerId: customerOf(quote), action: AuditAction.UPDATE, changes: diff(before, after, AUDITED),
  });
}

/** Changes a DRAFT quote; new lines replace all old ones and the totals are recomputed. */
export async function updateQuote(ctx: ServiceContext, input: UpdateQuoteInput) {
  const parsed = parseInput(UpdateQuote, input);
  if (!parsed.ok) return { quote: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const quote = await loadForWrite(tx, data.id);
    if (quote.version !== data.version) {
      fail([userError('CONFLICT', `This quote was changed meanwhile (now version ${quote.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    requireStatus(quote, [QuoteStatus.DRAFT], 'changed');
    const before = snapshot(quote, await lineCount(tx, quote.id));
    if (data.validUntil !== undefined) quote.validUntil = data.validUntil;
    if (data.notes !== undefined) quote.notes = data.notes;
    if (data.lines) await replaceLines(tx, quote, data.lines);
    const changes = diff(before, snapshot(quote, data.lines ? data.lines.length : (before.lineCount as number)), AUDITED);
    if (data.lines) changes.push({ field: 'lines', old: null, new: 'replaced' });
    if (!changes.length) return quote;
    quote.updatedAt = new Date();
    recordAudit(tx.em, tx.principal, { entityType: 'Quote', entityId: quote.id, customerId: customerOf(quote), action: AuditAction.UPDATE, changes });
    await tx.em.flush();
    return quote;
  });
  return withRow(ctx, outcome);
}

async function setStatus(ctx: ServiceContext, id: string, from: QuoteStatus[], to: QuoteStatus, doing: string) {
  const parsed = parseInput(z.object({ id: ID('quo') }), { id });
  if (!parsed.ok) return { quote: null, errors: parsed.errors };
  const outcome = await inTransaction(ctx, async (tx) => {
    const quote = await loadForWrite(tx, id);
    requireStatus(quote, from, doing);
    if (to === QuoteStatus.SENT && dateText(quote.validUntil) < todayUtc()) {
      fail([userError('BUSINESS_RULE', `The validity ended on ${dateText(quote.validUntil)}: extend \`validUntil\` before sending.`, ['input', 'id'])]);
    }
    const before = snapshot(quote, 0);
    quote.status = to;
    quote.updatedAt = new Date();
    audit(tx, quote, before, snapshot(quote, 0));
    await tx.em.flush();
    return quote;
  });
  return withRow(ctx, outcome);
}

/** DRAFT → SENT (no longer changeable). */
export const sendQuote = (ctx: ServiceContext, id: string) => setStatus(ctx, id, [QuoteStatus.DRAFT], QuoteStatus.SENT, 'sent');
/** SENT → REJECTED (the customer declined). */
export const rejectQuote = (ctx: ServiceContext, id: string) => setStatus(ctx, id, [QuoteStatus.SENT], QuoteStatus.REJECTED, 'rejected');

/**
 * SENT → ACCEPTED. The opportunity's other DRAFT and SENT quotes become REJECTED; with
 * `markOpportunityWon` the opportunity moves to WON with the quote's total as its amount. A quote past
 * its validity is marked EXPIRED (that change is kept) and the acceptance is refused.
 */
export async function acceptQuote(ctx: ServiceContext, input: AcceptQuoteInput) {
  const parsed = parseInput(AcceptQuote, input);
  if (!parsed.ok) return { quote: null, opportunity: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const quote = await loadForWrite(tx, data.id);
    requireStatus(quote, [QuoteStatus.SENT], 'accepted');
    const before = snapshot(quote, 0);
    const customerId = customerOf(quote);
    if (dateText(quote.validUntil) < todayUtc()) {
      quote.status = QuoteStatus.EXPIRED;
      quote.updatedAt = new Date();
      audit(tx, quote, before, snapshot(quote, 0));
      await tx.em.flush();
      return { quote, expired: true };
    }
    quote.status = QuoteStatus.ACCEPTED;
    quote.updatedAt = new Date();
    audit(tx, quote, before, snapshot(quote, 0));
    const opportunity = quote.opportunity as Opportunity;
    const others = await rows<{ id: string }>(tx.em, sql`update quote set status = 'REJECTED', updated_at = now(), version = version + 1
      where opportunity_id = ${opportunity.id} and id <> ${quote.id} and status in ('DRAFT', 'SENT') returning id`);
    for (const other of others) {
      recordAudit(tx.em, tx.principal, {
        entityType: 'Quote', entityId: other.id, customerId, action: AuditAction.UPDATE,
        changes: [{ field: 'status', old: null, new: QuoteStatus.REJECTED }, { field: 'rejectedBecauseAccepted', old: null, new: quote.number }],
      });
    }
    if (data.markOpportunityWon) {
      // Locked and checked visible with the quote (`loadForWrite`).
      const before = opportunitySnapshot(opportunity);
      if (opportunity.stage !== OpportunityStage.WON) moveStage(tx, opportunity, OpportunityStage.WON);
      opportunity.amount = quote.total;
      opportunity.currency = quote.currency;
      opportunity.updatedAt = new Date();
      recordAudit(tx.em, tx.principal, {
        entityType: 'Opportunity', entityId: opportunity.id, customerId, action: AuditAction.UPDATE, changes: opportunityChanges(before, opportunity),
      });
    }
    await tx.em.flush();
    return { quote, expired: false };
  });
  if (!outcome.result) return { quote: null, opportunity: null, errors: outcome.errors };
  const { quote, expired } = outcome.result;
  if (expired) {
    return {
      quote: null, opportunity: null,
      errors: [userError('BUSINESS_RULE', `This quote expired on ${dateText(quote.validUntil)} and is now marked EXPIRED; make a new quote.`, ['input', 'id'])],
    };
  }
  return { quote: await payloadRow(ctx, quote.id), opportunity: await opportunityPayloadRow(ctx, refId(quote.opportunity)!), errors: [] };
}

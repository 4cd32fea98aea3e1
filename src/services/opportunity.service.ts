import Decimal from 'decimal.js';
import { z } from 'zod';
import { Campaign } from '../entities/campaign.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction, LostReason, OPEN_STAGES, OpportunityStage, Role, STAGE_PROBABILITY } from '../entities/enums';
import { refId } from '../entities/ids';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { User } from '../entities/user.entity';
import { actorOf, diff, recordAudit } from './audit.service';
import { fixedOrder, readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { campaignErrors } from './campaign.service';
import { ownerErrors, visibleCustomerId } from './customer.service';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { opportunityScope } from './scope';
import { TRUE, and, columnsOf, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, isoDate, optionalText, parseInput, text, CURRENCY, MONEY, LOCAL_DATE, type InputOf } from './validation';

export type OpportunityRow = Opportunity;
export type StageChangeRow = OpportunityStageChange;

export type OpportunityOrderField = SortFieldOf<typeof OPPORTUNITY_ORDER>;
export type OpportunityListArgs = ListArgs<typeof OPPORTUNITY_ORDER, typeof OPPORTUNITY_FILTER>;

export const isClosed = (stage: OpportunityStage) => stage === OpportunityStage.WON || stage === OpportunityStage.LOST;

/** The sort enum `OpportunityOrderField` (schema/opportunity.inputs.ts registers it from this table). */
export const OPPORTUNITY_ORDER = {
  CREATED_AT: { expr: 'o.created_at', get: (r) => r.createdAt, description: 'When the opportunity was created.' },
  EXPECTED_CLOSE_DATE: { expr: 'o.expected_close_date', get: (r) => r.expectedCloseDate, description: 'The day the deal is expected to close.' },
  AMOUNT: {
    expr: 'o.amount', get: (r) => r.amount,
    description: 'The deal amount as a number, regardless of currency (ADMIN, SALES_MANAGER, SALES_REP, FINANCE only).',
  },
  NAME: { expr: 'o.name', get: (r) => r.name, description: 'The opportunity\'s name.' },
} satisfies SortTable<OpportunityRow>;

/** The fields of the GraphQL `OpportunityFilter` (which checks it names the same ones). */
export const OPPORTUNITY_FILTER = {
  id: { expr: 'o.id', kind: 'scalar' },
  name: { expr: 'o.name', kind: 'text' },
  customerId: { expr: 'o.customer_id', kind: 'scalar' },
  ownerId: { expr: 'o.owner_id', kind: 'scalar' },
  stage: { expr: 'o.stage', kind: 'scalar' },
  amount: { expr: 'o.amount', kind: 'scalar' },
  currency: { expr: 'o.currency', kind: 'text' },
  expectedCloseDate: { expr: 'o.expected_close_date', kind: 'scalar' },
  createdAt: { expr: 'o.created_at', kind: 'scalar' },
  closedAt: { expr: 'o.closed_at', kind: 'scalar' },
  campaignId: { expr: 'o.campaign_id', kind: 'scalar' },
} satisfies FilterSpec;

/** Whether a filter (at any depth) or an order uses the amount: those reveal amounts and need the right to read them. */
export function usesAmount(filter: OpportunityListArgs['filter'], orderBy: OpportunityListArgs['orderBy']): boolean {
  const inFilter = (f: OpportunityListArgs['filter']): boolean => {
    if (!f) return false;
    if (f.amount != null) return true;
    return (f.and ?? []).some(inFilter) || (f.or ?? []).some(inFilter) || inFilter(f.not);
  };
  return inFilter(filter) || (orderBy ?? []).some((o) => o.field === 'AMOUNT');
}

/** Live opportunities in the caller's scope whose customer is not deleted: the base of every read. */
export function visibleOpportunity(ctx: ServiceContext, alias = 'o'): Sql {
  return sql`${raw(alias)}.deleted_at is null and ${opportunityScope(ctx.principal, alias)}
    and exists (select 1 from customer oc where oc.id = ${raw(alias)}.customer_id and oc.deleted_at is null)`;
}
const visible = visibleOpportunity;

export const opportunityReads = readModel<OpportunityRow>()({
  entity: 'Opportunity', table: 'opportunity', alias: 'o', parentColumn: 'o.customer_id',
  visible,
  // Under a customer the caller already sees (so its customer is live).
  visibleUnderParent: (ctx) => and([sql`o.deleted_at is null`, opportunityScope(ctx.principal)]),
  filter: OPPORTUNITY_FILTER,
  order: { list: 'opportunities', table: OPPORTUNITY_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listOpportunities = opportunityReads.list;
export const getOpportunity = opportunityReads.get;

// ---------------------------------------------------------------------------------- stage history

export const stageChangeReads = readModel<StageChangeRow>()({
  entity: 'OpportunityStageChange', table: 'opportunity_stage_change', alias: 's', parentColumn: 's.opportunity_id',
  // By id: visible when their opportunity is; under an opportunity the caller already sees it.
  join: 'join opportunity o on o.id = s.opportunity_id',
  visible,
  visibleUnderParent: () => TRUE,
  // Oldest first (the path the deal took); `last: n` gives the latest n changes.
  order: fixedOrder('stageHistory', [
    { expr: 's.at', dir: 'ASC', get: (r) => r.at },
    { expr: 's.id', dir: 'ASC', get: (r) => r.id },
  ]),
});


// ---------------------------------------------------------------------------------------- writes

const normalizeAmount = (amount: string) => new Decimal(amount).toFixed(2);


const COMPETITORS = z.array(text(100)).max(20, 'At most 20 competitors.').transform((names) => [...new Set(names)]);

const fields = {
  name: text(200),
  amount: MONEY,
  currency: CURRENCY,
  stage: z.nativeEnum(OpportunityStage),
  probability: z.number().int('A whole number.').min(0, 'Between 0 and 100.').max(100, 'Between 0 and 100.').nullish(),
  expectedCloseDate: LOCAL_DATE,
  ownerId: ID('usr').nullish(),
  competitors: COMPETITORS,
  campaignId: ID('cmp').nullish(),
  lostReason: z.nativeEnum(LostReason).nullish(),
  lostNote: optionalText(2000),
};

const CreateOpportunity = z.object({
  ...fields,
  customerId: ID('cus'),
  currency: fields.currency.optional(),
  stage: fields.stage.optional(),
  competitors: fields.competitors.optional(),
});

const UpdateOpportunity = z.object({
  id: ID('opp'),
  version: z.number().int(),
  name: fields.name.optional(),
  amount: fields.amount.optional(),
  currency: fields.currency.optional(),
  stage: fields.stage.optional(),
  probability: fields.probability,
  expectedCloseDate: fields.expectedCloseDate.optional(),
  ownerId: fields.ownerId,
  competitors: fields.competitors.optional(),
  campaignId: fields.campaignId,
  lostReason: fields.lostReason,
  lostNote: fields.lostNote,
});

export type CreateOpportunityInput = InputOf<typeof CreateOpportunity>;
export type UpdateOpportunityInput = InputOf<typeof UpdateOpportunity>;

/** Fields recorded in the audit log. */
const AUDITED = [
  'name', 'amount', 'currency', 'stage', 'probability', 'expectedCloseDate', 'ownerId', 'competitors', 'campaignId',
  'lostReason', 'lostNote', 'closedAt', 'deletedAt',
];

const NON_NULLABLE = ['name', 'amount', 'currency', 'stage', 'expectedCloseDate', 'ownerId', 'competitors'] as const;

type Snapshot = Record<string, unknown>;

const dateText = (v: unknown) => (v instanceof Date ? isoDate(v) : v);

/** The audited fields of a deal as they are now (take it before a change, compare with `opportunityChanges`). */
export function opportunitySnapshot(o: Opportunity): Snapshot {
  return {
    ...o,
    amount: o.amount == null ? o.amount : normalizeAmount(String(o.amount)),
    expectedCloseDate: dateText(o.expectedCloseDate),
    ownerId: refId(o.owner),
    campaignId: refId(o.campaign),
    competitors: [...(o.competitors ?? [])],
  };
}

/** The audited changes of a deal since `before` (its `opportunitySnapshot`). */
export function opportunityChanges(before: Snapshot, o: Opportunity) {
  return diff(before, opportunitySnapshot(o), AUDITED);
}

/** A validated new opportunity (validation, scope and ownership checks are the caller's). */
export interface NewOpportunity {
  customerId: string;
  name: string;
  amount: string;
  currency?: string;
  stage?: OpportunityStage;
  probability?: number | null;
  expectedCloseDate: string;
  ownerId: string;
  competitors?: string[];
  campaignId?: string | null;
  leadId?: string | null;
  /** Required when `stage` is LOST (the database refuses a LOST deal without one). */
  lostReason?: LostReason | null;
  lostNote?: string | null;
}

function stageChange(tx: ServiceContext, opportunity: Opportunity, customerId: string, from: OpportunityStage | null, to: OpportunityStage, at: Date, reopened = false) {
  tx.em.persist(tx.em.create(OpportunityStageChange, {
    opportunity, customerId, fromStage: from, toStage: to, probability: opportunity.probability, reopened, ...actorOf(tx.principal), at,
  }));
}

/**
 * Inserts an opportunity inside the caller's transaction, with its first stage-history entry and a
 * CREATE audit entry on the customer. Used by `createOpportunity` and by `convertLead`.
 */
export function insertOpportunity(tx: ServiceContext, data: NewOpportunity): Opportunity {
  const stage = data.stage ?? OpportunityStage.PROSPECTING;
  const opportunity = tx.em.create(Opportunity, {
    customer: tx.em.getReference(Customer, data.customerId),
    name: data.name,
    amount: normalizeAmount(data.amount),
    currency: data.currency ?? 'EUR',
    stage,
    probability: data.probability ?? STAGE_PROBABILITY[stage],
    expectedCloseDate: data.expectedCloseDate,
    owner: tx.em.getReference(User, data.ownerId),
    competitors: data.competitors ?? [],
    campaign: data.campaignId ? tx.em.getReference(Campaign, data.campaignId) : null,
    lead: data.leadId ? tx.em.getReference(Lead, data.leadId) : null,
    lostReason: stage === OpportunityStage.LOST ? (data.lostReason ?? null) : null,
    lostNote: stage === OpportunityStage.LOST ? (data.lostNote ?? null) : null,
    closedAt: isClosed(stage) ? new Date() : null,
  });
  tx.em.persist(opportunity);
  stageChange(tx, opportunity, data.customerId, null, stage, opportunity.createdAt);
  recordAudit(tx.em, tx.principal, {
    entityType: 'Opportunity', entityId: opportunity.id, customerId: data.customerId, action: AuditAction.CREATE,
    changes: diff({}, opportunitySnapshot(opportunity), AUDITED).filter((ch) => ch.new !== null && !(Array.isArray(ch.new) && !ch.new.length)),
  });
  return opportunity;
}

/** Rules on the stage, the probability and the loss, checked on the state a write would produce. */
function stageRules(state: Snapshot, given: { probability?: number | null; lostReason?: unknown; lostNote?: unknown }): UserError[] {
  const errors: UserError[] = [];
  const stage = state.stage as OpportunityStage;
  if (stage === OpportunityStage.LOST && !state.lostReason) {
    errors.push(userError('VALIDATION', 'A LOST deal needs a lostReason.', ['input', 'lostReason']));
  }
  if (stage !== OpportunityStage.LOST && given.lostReason != null) {
    errors.push(userError('VALIDATION', 'lostReason is only set when the stage is LOST.', ['input', 'lostReason']));
  }
  if (stage !== OpportunityStage.LOST && given.lostNote != null) {
    errors.push(userError('VALIDATION', 'lostNote is only set when the stage is LOST.', ['input', 'lostNote']));
  }
  if (isClosed(stage) && given.probability != null && given.probability !== STAGE_PROBABILITY[stage]) {
    errors.push(userError('VALIDATION', `The probability of a ${stage} deal is ${STAGE_PROBABILITY[stage]}; only open deals may deviate from their stage's default.`, ['input', 'probability']));
  }
  return errors;
}

/** The payload's opportunity: re-read as a plain row, like every query returns it (deleted ones too). */
export async function opportunityPayloadRow(ctx: ServiceContext, id: string): Promise<OpportunityRow | null> {
  const [row] = await rows<OpportunityRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Opportunity', 'o')} from opportunity o
    where o.id = ${id} and ${opportunityScope(ctx.principal)}`);
  return row ?? null;
}

async function withRow(ctx: ServiceContext, outcome: { result: Opportunity | null; errors: UserError[] }) {
  if (!outcome.result) return { opportunity: null, errors: outcome.errors };
  return { opportunity: await opportunityPayloadRow(ctx, outcome.result.id), errors: outcome.errors };
}

export async function createOpportunity(ctx: ServiceContext, input: CreateOpportunityInput) {
  const parsed = parseInput(CreateOpportunity, input);
  if (!parsed.ok) return { opportunity: null, errors: parsed.errors };
  const data = parsed.data;
  const ownerId = data.ownerId ?? ctx.principal.id;
  const stage = data.stage ?? OpportunityStage.PROSPECTING;
  const ruleErrors = stageRules({ stage, lostReason: data.lostReason }, data);
  if (ruleErrors.length) return { opportunity: null, errors: ruleErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    if (!(await visibleCustomerId(tx, data.customerId))) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    fail([...(await ownerErrors(tx, ownerId, ['input', 'ownerId'], 'deals')), ...(await campaignErrors(tx, data.campaignId))]);
    const opportunity = insertOpportunity(tx, { ...data, ownerId, stage });
    await tx.em.flush();
    return opportunity;
  });
  return withRow(ctx, outcome);
}

/** Loads a visible, live opportunity as a managed entity inside the transaction. */
export async function loadOpportunityForWrite(tx: ServiceContext, id: string, field = ['input', 'id']): Promise<Opportunity> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select o.id from opportunity o where o.id = ${id} and ${visible(tx)}`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Opportunity not found.', field)]);
  return tx.em.findOneOrFail(Opportunity, id);
}

function versionCheck(opportunity: Opportunity, version: number) {
  if (opportunity.version !== version) {
    fail([userError('CONFLICT', `This opportunity was changed meanwhile (now version ${opportunity.version}): reload it and apply your change again.`, ['input', 'version'])]);
  }
}

/**
 * Moves a deal to another stage inside the caller's transaction: probability to `probability` or the
 * stage's default, closedAt set on WON/LOST, the loss cleared when it is no longer LOST, and a
 * stage-history entry. The caller audits.
 */
export function moveStage(tx: ServiceContext, opportunity: Opportunity, to: OpportunityStage, opts: { probability?: number | null; reopened?: boolean } = {}) {
  const from = opportunity.stage;
  const now = new Date();
  opportunity.stage = to;
  opportunity.probability = opts.probability ?? STAGE_PROBABILITY[to];
  opportunity.closedAt = isClosed(to) ? now : null;
  if (to !== OpportunityStage.LOST) {
    opportunity.lostReason = null;
    opportunity.lostNote = null;
  }
  stageChange(tx, opportunity, refId(opportunity.customer)!, from, to, now, opts.reopened ?? false);
}

export async function updateOpportunity(ctx: ServiceContext, input: UpdateOpportunityInput) {
  const parsed = parseInput(UpdateOpportunity, input);
  if (!parsed.ok) return { opportunity: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = NON_NULLABLE.filter((k) => (data as Record<string, unknown>)[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { opportunity: null, errors: nullErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    const opportunity = await loadOpportunityForWrite(tx, data.id);
    versionCheck(opportunity, data.version);
    const before = opportunitySnapshot(opportunity);
    const customerId = refId(opportunity.customer)!;

    if (data.ownerId && data.ownerId !== before.ownerId) {
      if (ctx.principal.role === Role.SALES_REP) fail([userError('FORBIDDEN', 'Only a manager or admin can change the owner.', ['input', 'ownerId'])]);
      fail(await ownerErrors(tx, data.ownerId, ['input', 'ownerId'], 'deals'));
      opportunity.owner = tx.em.getReference(User, data.ownerId);
    }
    if (data.campaignId !== undefined && data.campaignId !== before.campaignId) {
      fail(await campaignErrors(tx, data.campaignId));
      opportunity.campaign = data.campaignId ? tx.em.getReference(Campaign, data.campaignId) : null;
    }
    if (data.name !== undefined) opportunity.name = data.name;
    if (data.amount !== undefined) opportunity.amount = data.amount;
    if (data.currency !== undefined) opportunity.currency = data.currency;
    if (data.expectedCloseDate !== undefined) opportunity.expectedCloseDate = data.expectedCloseDate;
    if (data.competitors !== undefined) opportunity.competitors = data.competitors;

    const from = opportunity.stage;
    const to = data.stage ?? from;
    if (to !== from) {
      if (isClosed(from) && !isClosed(to)) {
        fail([userError('BUSINESS_RULE', `This deal is ${from}: reopen it explicitly with \`reopenOpportunity\` to move it back to an open stage.`, ['input', 'stage'])]);
      }
      moveStage(tx, opportunity, to, { probability: data.probability });
    } else if (data.probability !== undefined) {
      // null resets the probability to the stage's default
      opportunity.probability = data.probability ?? STAGE_PROBABILITY[to];
    }
    if (data.lostReason !== undefined) opportunity.lostReason = to === OpportunityStage.LOST ? data.lostReason : opportunity.lostReason;
    if (data.lostNote !== undefined) opportunity.lostNote = to === OpportunityStage.LOST ? data.lostNote : opportunity.lostNote;

    const after = opportunitySnapshot(opportunity);
    fail(stageRules(after, data));
    const changes = diff(before, after, AUDITED);
    if (!changes.length) return opportunity;
    opportunity.updatedAt = new Date();
    recordAudit(tx.em, ctx.principal, { entityType: 'Opportunity', entityId: opportunity.id, customerId, action: AuditAction.UPDATE, changes });
    await tx.em.flush();
    return opportunity;
  });
  return withRow(ctx, outcome);
}

const ReopenOpportunity = z.object({ id: ID('opp'), version: z.number().int(), stage: z.nativeEnum(OpportunityStage) });

/** Puts a WON or LOST deal back into an open stage: explicit, in the stage history (`reopened`), audited. */
export async function reopenOpportunity(ctx: ServiceContext, input: z.input<typeof ReopenOpportunity>) {
  const parsed = parseInput(ReopenOpportunity, input);
  if (!parsed.ok) return { opportunity: null, errors: parsed.errors };
  const data = parsed.data;
  if (!OPEN_STAGES.includes(data.stage)) {
    return { opportunity: null, errors: [userError('VALIDATION', `Reopen into an open stage (${OPEN_STAGES.join(', ')}).`, ['input', 'stage'])] };
  }
  const outcome = await inTransaction(ctx, async (tx) => {
    const opportunity = await loadOpportunityForWrite(tx, data.id);
    versionCheck(opportunity, data.version);
    if (!isClosed(opportunity.stage)) {
      fail([userError('BUSINESS_RULE', `This deal is open (${opportunity.stage}); only WON or LOST deals are reopened. Use \`updateOpportunity\` to change its stage.`, ['input', 'id'])]);
    }
    const before = opportunitySnapshot(opportunity);
    moveStage(tx, opportunity, data.stage, { reopened: true });
    opportunity.updatedAt = new Date();
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Opportunity', entityId: opportunity.id, customerId: refId(opportunity.customer)!, action: AuditAction.UPDATE,
      changes: [...opportunityChanges(before, opportunity), { field: 'reopened', old: null, new: true }],
    });
    await tx.em.flush();
    return opportunity;
  });
  return withRow(ctx, outcome);
}

/** Soft delete: the deal and its quotes and stage history disappear from every read. */
export async function deleteOpportunity(ctx: ServiceContext, id: string) {
  const parsed = parseInput(z.object({ id: ID('opp') }), { id });
  if (!parsed.ok) return { opportunity: null, errors: parsed.errors };
  const outcome = await inTransaction(ctx, async (tx) => {
    const opportunity = await loadOpportunityForWrite(tx, id);
    opportunity.deletedAt = new Date();
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Opportunity', entityId: opportunity.id, customerId: refId(opportunity.customer)!, action: AuditAction.DELETE,
      changes: [{ field: 'deletedAt', old: null, new: opportunity.deletedAt.toISOString() }],
    });
    await tx.em.flush();
    return opportunity;
  });
  return withRow(ctx, outcome);
}

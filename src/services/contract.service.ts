import type { EntityManager } from '@mikro-orm/postgresql';
import Decimal from 'decimal.js';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Contract, type InstalmentTerm } from '../entities/contract.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction } from '../entities/enums';
import { ContractStatus } from '../entities/finance.enums';
import { refId } from '../entities/ids';
import type { Receivable } from '../entities/receivable.entity';
import { User } from '../entities/user.entity';
import { changesSql, diff, recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { readModel, type ListArgs, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { checkCredit, holdForCredit } from './credit-check';
import { ownerErrors } from './customer.service';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { cancelScheduled, DEFAULT_BILLING_TERMS_DAYS, scheduleInstalments } from './billing-schedule.service';
import { accountScope, contractScope, customerScope, liveCustomer, visibleCustomer } from './scope';
import { and, columnsOf, FALSE, newIdSql, rows, sql, textArray, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { CURRENCY, ID, LOCAL_DATE, MONEY, isoDate, optionalText, parseInput, text, type InputOf } from './validation';
import { CONTRACT_WRITERS } from '../auth/roles';

/**
 * Contracts (issue 4): a customer's contract with its payment terms (1–120 instalments).
 *
 * Rules (also in the schema descriptions):
 * - Who may read and write: the permission map (src/auth/contract.permissions.ts; writers are
 *   `CONTRACT_WRITERS` in src/auth/roles.ts). Rows: `contractScope` in SQL; contracts of deleted
 *   customers are hidden. Writers change contracts of the customers they see; any other is NOT_FOUND.
 * - Instalments: due dates strictly ascending; a percent on every instalment or on none; percents
 *   > 0 with ≤ 2 decimals summing to exactly 100. Amounts (`splitInstalments`): value × percent / 100
 *   (or value / n) rounded half-up to cents for all but the last, which takes the remainder, so the
 *   receivables sum to exactly the value; every amount must be > 0.
 * - Billing terms (`billingTermsDays`, 0–365, default 30): an instalment without its own invoice date is
 *   invoiced that many days before its due date; set on create or while DRAFT, fixed once signed.
 * - Lifecycle: DRAFT (editable) → signContract → SIGNED (billing scheduled, see billing-schedule.service.ts), or
 *   PENDING_CREDIT_APPROVAL (a credit hold) when the credit check holds it; approveCredit calls
 *   `completeSigning`. SIGNED/ACTIVE → TERMINATED by terminateContract (receivables stay, scheduled instalments are cancelled).
 */

export type ContractRow = Contract;
export type ContractOrderField = SortFieldOf<typeof CONTRACT_ORDER>;
export type ContractListArgs = ListArgs<typeof CONTRACT_ORDER, typeof CONTRACT_FILTER>;

/** The sort enum `ContractOrderField` (schema/contract.inputs.ts registers it from this table). */
export const CONTRACT_ORDER = {
  CREATED_AT: { expr: 'k.created_at', get: (r) => r.createdAt, description: 'When the contract was created (the default, newest first).' },
  VALUE: { expr: 'k.value', get: (r) => r.value, description: 'The total value, compared as a number regardless of currency.' },
  START_DATE: { expr: 'k.start_date', get: (r) => r.startDate, description: 'The first day of the contract.' },
  RENEWAL_DATE: {
    expr: 'k.renewal_date', nullable: true, get: (r) => r.renewalDate ?? null,
    description: 'The renewal date; contracts without one come last in both directions.',
  },
} satisfies SortTable<ContractRow>;

/** The fields of the GraphQL `ContractFilter` (which checks it names the same ones). */
export const CONTRACT_FILTER = {
  id: { expr: 'k.id', kind: 'scalar' },
  customerId: { expr: 'k.customer_id', kind: 'scalar' },
  status: { expr: 'k.status', kind: 'scalar' },
  ownerId: { expr: 'k.owner_id', kind: 'scalar' },
  currency: { expr: 'k.currency', kind: 'text' },
  value: { expr: 'k.value', kind: 'scalar' },
  startDate: { expr: 'k.start_date', kind: 'scalar' },
  endDate: { expr: 'k.end_date', kind: 'scalar' },
  renewalDate: { expr: 'k.renewal_date', kind: 'scalar' },
  createdAt: { expr: 'k.created_at', kind: 'scalar' },
} satisfies FilterSpec;

/** Contracts the caller may read (the `contract` row aliased `k`): their scope, live customers only. */
function visible(principal: Principal): Sql {
  return and([
    contractScope(principal, 'k.customer_id'),
    liveCustomer('k.customer_id'),
  ]);
}

/** Roles that write contracts (the permission map grants the root fields to the same list). */
const writableRole = (principal: Principal) => CONTRACT_WRITERS.includes(principal.role);

/** Contracts the caller may change: ADMIN/FINANCE any, managers and reps those of customers in their scope. */
function writable(principal: Principal): Sql {
  return writableRole(principal) ? visibleCustomer(principal, 'k.customer_id') : FALSE;
}

export const contractReads = readModel<ContractRow>()({
  entity: 'Contract', table: 'contract', alias: 'k', parentColumn: 'k.customer_id',
  visible: (ctx) => visible(ctx.principal),
  filter: CONTRACT_FILTER,
  order: { list: 'contracts', table: CONTRACT_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listContracts = contractReads.list;
/** Contracts by id, visible to the caller only; the order of the result is not guaranteed. */
export const contractsByIds = contractReads.byIds;
export const getContract = contractReads.get;

/** Receivables of several (already visible) contracts, by contract and instalment; money follows `accountScope`. */
export async function receivablesByContractIds(ctx: ServiceContext, contractIds: readonly string[]): Promise<Receivable[]> {
  if (!contractIds.length) return [];
  return rows<Receivable>(ctx.em, sql`select ${columnsOf(ctx.em, 'Receivable', 'r')} from receivable r
    where r.contract_id = any(${textArray([...contractIds])}) and ${accountScope(ctx.principal, 'r.customer_id')}
    order by r.contract_id, r.instalment`);
}

// ---------------------------------------------------------------------------------------- instalments

/** Enough digits that value / n is exact to far below a cent before it is rounded (no double rounding). */
const Exact = Decimal.clone({ precision: 60 });

/**
 * The amount of each instalment (decimal strings with 2 decimals): value × percent / 100, or
 * value / n when the terms carry no percents, rounded half-up to cents for all but the last
 * instalment; the last takes the remainder, so the amounts sum to exactly the value. An amount may
 * come out 0 or negative for tiny values: callers refuse such terms.
 */
export function splitInstalments(value: string, terms: readonly Pick<InstalmentTerm, 'percent'>[]): string[] {
  const total = new Exact(value);
  const n = terms.length;
  if (!n) return [];
  const byPercent = terms.every((t) => t.percent != null);
  const amounts: Decimal[] = [];
  let rest = total;
  terms.forEach((term, i) => {
    if (i === n - 1) {
      amounts.push(rest);
      return;
    }
    const share = byPercent ? total.times(term.percent!).div(100) : total.div(n);
    const amount = share.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    amounts.push(amount);
    rest = rest.minus(amount);
  });
  return amounts.map((a) => a.toFixed(2));
}

/** Normalised percent text ("33.3" → "33.30"), or null. */
const percentText = (p: string | null | undefined) => (p == null ? null : new Decimal(p).toFixed(2));

const PERCENT = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'A share in percent with at most 2 decimals, e.g. "33.33".')
  .refine((v) => new Decimal(v).gt(0), 'A share must be more than 0 percent.');

const INSTALMENTS = z
  .array(z.object({ dueDate: LOCAL_DATE, percent: PERCENT.nullish(), invoiceDate: LOCAL_DATE.nullish() }))
  .min(1, 'A contract needs at least one instalment.')
  .max(120, 'At most 120 instalments.');

/** Rules on the shape of the terms (input paths under `input.instalments`). */
function termShapeErrors(terms: { dueDate: string; percent?: string | null; invoiceDate?: string | null }[]): UserError[] {
  const at = (...path: string[]) => ['input', 'instalments', ...path];
  const errors: UserError[] = [];
  terms.forEach((term, i) => {
    if (term.invoiceDate && term.invoiceDate > term.dueDate) {
      errors.push(userError('VALIDATION', 'The invoice date cannot be after the due date (an instalment is invoiced, then due).', at(String(i), 'invoiceDate')));
    }
    if (i > 0 && term.dueDate <= terms[i - 1].dueDate) {
      errors.push(userError('VALIDATION', 'Due dates must be strictly ascending (each after the one before).', at(String(i), 'dueDate')));
    }
  });
  const withPercent = terms.filter((t) => t.percent != null).length;
  if (withPercent > 0 && withPercent < terms.length) {
    errors.push(userError('VALIDATION', 'Give a percent on every instalment or on none (none: the value is split equally).', at()));
  } else if (withPercent > 0) {
    const sum = terms.reduce((s, t) => s.plus(t.percent!), new Decimal(0));
    if (!sum.eq(100)) errors.push(userError('VALIDATION', `The percents must sum to exactly 100 (they sum to ${sum.toFixed(2)}).`, at()));
  }
  return errors;
}

/** Every instalment of `value` must come out more than 0. */
function amountErrors(value: string, terms: InstalmentTerm[], field: string[]): UserError[] {
  const amounts = splitInstalments(value, terms);
  const bad = amounts.findIndex((a) => !new Decimal(a).gt(0));
  if (bad < 0) return [];
  return [userError('VALIDATION', `With a value of ${value} instalment ${bad + 1} of ${terms.length} would come to ${amounts[bad]}: `
    + 'every instalment must be more than 0 (use fewer instalments or other shares).', field)];
}

/** Calendar rules of the period: end and renewal not before the start. */
function periodErrors(state: { startDate: string; endDate?: string | null; renewalDate?: string | null }): UserError[] {
  const errors: UserError[] = [];
  if (state.endDate && state.endDate < state.startDate) errors.push(userError('VALIDATION', 'The end date cannot be before the start date.', ['input', 'endDate']));
  if (state.renewalDate && state.renewalDate < state.startDate) errors.push(userError('VALIDATION', 'The renewal date cannot be before the start date.', ['input', 'renewalDate']));
  return errors;
}

// ---------------------------------------------------------------------------------------- writes

/** Billing terms: days before its due date an instalment is invoiced (0 = on the due date). */
const BILLING_TERMS_DAYS = z
  .number()
  .int('Billing terms are a whole number of days.')
  .min(0, 'Billing terms must be 0 to 365 days (0 = invoiced on the due date).')
  .max(365, 'Billing terms must be 0 to 365 days (0 = invoiced on the due date).');

const POSITIVE_MONEY = MONEY.refine((v) => new Decimal(v).gt(0), 'The value must be more than 0.');

const fields = {
  title: text(200),
  value: POSITIVE_MONEY,
  currency: CURRENCY,
  startDate: LOCAL_DATE,
  endDate: LOCAL_DATE.nullish(),
  renewalDate: LOCAL_DATE.nullish(),
  ownerId: ID('usr').nullish(),
  notes: optionalText(4000),
  instalments: INSTALMENTS,
  billingTermsDays: BILLING_TERMS_DAYS,
};

const CreateContract = z.object({ customerId: ID('cus'), ...fields, billingTermsDays: fields.billingTermsDays.nullish() });

const UpdateContract = z.object({
  id: ID('ctr'),
  version: z.number().int(),
  title: fields.title.nullish(),
  value: fields.value.nullish(),
  currency: fields.currency.nullish(),
  startDate: fields.startDate.nullish(),
  endDate: fields.endDate,
  renewalDate: fields.renewalDate,
  ownerId: fields.ownerId,
  notes: fields.notes,
  instalments: fields.instalments.nullish(),
  billingTermsDays: fields.billingTermsDays.nullish(),
});

const SignContract = z.object({ id: ID('ctr'), version: z.number().int() });
const TerminateContract = z.object({ id: ID('ctr'), version: z.number().int(), reason: optionalText(1000) });

export type CreateContractInput = InputOf<typeof CreateContract>;
export type UpdateContractInput = InputOf<typeof UpdateContract>;
export type SignContractInput = InputOf<typeof SignContract>;
export type TerminateContractInput = InputOf<typeof TerminateContract>;
export interface ContractPayload { contract: ContractRow | null; errors: UserError[] }

const NON_NULLABLE = ['title', 'value', 'currency', 'startDate', 'ownerId', 'instalments', 'billingTermsDays'] as const;

/** Fields recorded in the audit log. */
const AUDITED = [
  'number', 'title', 'value', 'currency', 'startDate', 'endDate', 'renewalDate', 'status', 'ownerId', 'instalments', 'billingTermsDays', 'notes',
  'signedAt', 'signedBy', 'terminatedAt',
];

const dateText = (v: unknown) => (v instanceof Date ? isoDate(v) : (v ?? null));

function snapshot(k: Contract): Record<string, unknown> {
  return {
    number: k.number,
    title: k.title,
    value: k.value == null ? null : new Decimal(String(k.value)).toFixed(2),
    currency: k.currency,
    startDate: dateText(k.startDate),
    endDate: dateText(k.endDate),
    renewalDate: dateText(k.renewalDate),
    status: k.status,
    ownerId: refId(k.owner),
    instalments: (k.instalments ?? []).map((t) => ({ dueDate: t.dueDate, percent: t.percent ?? null, ...(t.invoiceDate ? { invoiceDate: t.invoiceDate } : {}) })),
    billingTermsDays: k.billingTermsDays,
    notes: k.notes ?? null,
    signedAt: k.signedAt ?? null,
    signedBy: k.signedBy ?? null,
    terminatedAt: k.terminatedAt ?? null,
  };
}

const terms = (list: { dueDate: string; percent?: string | null; invoiceDate?: string | null }[]): InstalmentTerm[] =>
  list.map((t) => ({ dueDate: t.dueDate, percent: percentText(t.percent), ...(t.invoiceDate ? { invoiceDate: t.invoiceDate } : {}) }));

/** The payload's contract: re-read as a plain row, like every query returns it. */
async function withRow(ctx: ServiceContext, outcome: { result: string | null; errors: UserError[] }): Promise<ContractPayload> {
  if (!outcome.result) return { contract: null, errors: outcome.errors };
  const [row] = await contractsByIds(ctx, [outcome.result]);
  return { contract: row ?? null, errors: [] };
}

function audit(tx: ServiceContext, contract: Contract, action: AuditAction, changes: ReturnType<typeof diff>) {
  recordAudit(tx.em, tx.principal, { entityType: 'Contract', entityId: contract.id, customerId: refId(contract.customer)!, action, changes });
}

export async function createContract(ctx: ServiceContext, input: CreateContractInput): Promise<ContractPayload> {
  const parsed = parseInput(CreateContract, input);
  if (!parsed.ok) return { contract: null, errors: parsed.errors };
  const data = parsed.data;
  const instalments = terms(data.instalments);
  const ruleErrors = [...periodErrors(data), ...termShapeErrors(data.instalments)];
  if (!ruleErrors.length) ruleErrors.push(...amountErrors(data.value, instalments, ['input', 'instalments']));
  if (ruleErrors.length) return { contract: null, errors: ruleErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    const [customer] = await rows<{ id: string; ownerId: string }>(tx.em, sql`select c.id, c.owner_id as "ownerId" from customer c
      where c.id = ${data.customerId} and c.deleted_at is null and ${customerScope(tx.principal)}`);
    if (!customer || !writableRole(tx.principal)) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const ownerId = data.ownerId ?? customer.ownerId;
    fail(await ownerErrors(tx, ownerId, ['input', 'ownerId'], 'contracts'));
    const [{ n }] = await rows<{ n: string }>(tx.em, sql`select nextval('contract_number_seq')::text as n`);
    const contract = tx.em.create(Contract, {
      number: `CT-${n.padStart(6, '0')}`,
      customer: tx.em.getReference(Customer, customer.id),
      title: data.title, value: data.value, currency: data.currency,
      startDate: data.startDate, endDate: data.endDate ?? null, renewalDate: data.renewalDate ?? null,
      status: ContractStatus.DRAFT, instalments, billingTermsDays: data.billingTermsDays ?? DEFAULT_BILLING_TERMS_DAYS,
      owner: tx.em.getReference(User, ownerId),
      notes: data.notes || null, createdBy: tx.principal.id,
    });
    tx.em.persist(contract);
    audit(tx, contract, AuditAction.CREATE, diff({}, snapshot(contract), AUDITED).filter((ch) => ch.new !== null));
    await tx.em.flush();
    return contract.id;
  });
  return withRow(ctx, outcome);
}

/** Loads a contract the caller may change as a managed entity, locking its row for the transaction. */
async function loadForWrite(tx: ServiceContext, id: string): Promise<Contract> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select k.id from contract k where k.id = ${id} and ${writable(tx.principal)} for update of k`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Contract not found.', ['input', 'id'])]);
  return tx.em.findOneOrFail(Contract, id, { refresh: true });
}

function versionCheck(contract: Contract, version: number) {
  if (contract.version !== version) {
    fail([userError('CONFLICT', `This contract was changed meanwhile (now version ${contract.version}): reload it and apply your change again.`, ['input', 'version'])]);
  }
}

export async function updateContract(ctx: ServiceContext, input: UpdateContractInput): Promise<ContractPayload> {
  const parsed = parseInput(UpdateContract, input);
  if (!parsed.ok) return { contract: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = NON_NULLABLE.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { contract: null, errors: nullErrors };
  if (data.instalments) {
    const shape = termShapeErrors(data.instalments);
    if (shape.length) return { contract: null, errors: shape };
  }

  const outcome = await inTransaction(ctx, async (tx) => {
    const contract = await loadForWrite(tx, data.id);
    versionCheck(contract, data.version);
    if (contract.status !== ContractStatus.DRAFT) {
      fail([userError('BUSINESS_RULE', `Contract ${contract.number} is ${contract.status}: only a DRAFT contract can be changed.`, ['input', 'id'])]);
    }
    const before = snapshot(contract);
    if (data.ownerId && data.ownerId !== before.ownerId) {
      fail(await ownerErrors(tx, data.ownerId, ['input', 'ownerId'], 'contracts'));
      contract.owner = tx.em.getReference(User, data.ownerId);
    }
    if (data.title != null) contract.title = data.title;
    if (data.value != null) contract.value = data.value;
    if (data.currency != null) contract.currency = data.currency;
    if (data.startDate != null) contract.startDate = data.startDate;
    if (data.endDate !== undefined) contract.endDate = data.endDate;
    if (data.renewalDate !== undefined) contract.renewalDate = data.renewalDate;
    if (data.notes !== undefined) contract.notes = data.notes || null;
    if (data.instalments != null) contract.instalments = terms(data.instalments);
    if (data.billingTermsDays != null) contract.billingTermsDays = data.billingTermsDays;

    const after = snapshot(contract);
    fail(periodErrors(after as { startDate: string; endDate: string | null; renewalDate: string | null }));
    fail(amountErrors(after.value as string, after.instalments as InstalmentTerm[], ['input', data.instalments ? 'instalments' : 'value']));
    const changes = diff(before, after, AUDITED);
    if (!changes.length) return contract.id;
    contract.updatedAt = new Date();
    audit(tx, contract, AuditAction.UPDATE, changes);
    await tx.em.flush();
    return contract.id;
  });
  return withRow(ctx, outcome);
}

/**
 * Signs a DRAFT contract: the customer's credit is checked for its value. Held → status
 * PENDING_CREDIT_APPROVAL and a credit hold for FINANCE; otherwise `completeSigning`.
 */
export async function signContract(ctx: ServiceContext, input: SignContractInput): Promise<ContractPayload> {
  const parsed = parseInput(SignContract, input);
  if (!parsed.ok) return { contract: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const contract = await loadForWrite(tx, data.id);
    versionCheck(contract, data.version);
    if (contract.status !== ContractStatus.DRAFT) {
      fail([userError('BUSINESS_RULE', `Contract ${contract.number} is ${contract.status}: only a DRAFT contract can be signed.`, ['input', 'id'])]);
    }
    const customerId = refId(contract.customer)!;
    const value = new Decimal(String(contract.value)).toFixed(2);
    const check = await checkCredit(tx, customerId, value, contract.currency);
    if (check.holdReason) {
      contract.status = ContractStatus.PENDING_CREDIT_APPROVAL;
      contract.updatedAt = new Date();
      audit(tx, contract, AuditAction.UPDATE, [
        { field: 'status', old: ContractStatus.DRAFT, new: ContractStatus.PENDING_CREDIT_APPROVAL },
        { field: 'creditHoldReason', old: null, new: check.holdReason },
      ]);
      holdForCredit(tx, { customerId, contractId: contract.id, amount: value, currency: contract.currency }, check);
      await tx.em.flush();
    } else {
      await completeSigning(tx, contract.id);
    }
    return contract.id;
  });
  return withRow(ctx, outcome);
}

/**
 * Completes the signing of a DRAFT contract, or of one held for credit approval (approveCredit calls
 * this inside its own transaction): status SIGNED, signedAt now, signedBy the caller, and its billing
 * schedule (`scheduleInstalments`, amounts from `splitInstalments`): instalments whose invoice date is
 * today or earlier become receivables today (`issueReceivables`), the others stay SCHEDULED until the
 * billing step of the overdue job issues them on their invoice date. Audited on the customer.
 */
export async function completeSigning(tx: ServiceContext, contractId: string): Promise<void> {
  const contract = await tx.em.findOne(Contract, contractId);
  if (!contract) throw new RollbackWithErrors([userError('NOT_FOUND', 'Contract not found.', null)]);
  if (contract.status !== ContractStatus.DRAFT && contract.status !== ContractStatus.PENDING_CREDIT_APPROVAL) {
    fail([userError('BUSINESS_RULE', `Contract ${contract.number} is ${contract.status}: only a DRAFT contract or one held for credit approval can be signed.`, null)]);
  }
  const value = new Decimal(String(contract.value)).toFixed(2);
  const amounts = splitInstalments(value, contract.instalments);
  if (amounts.some((a) => !new Decimal(a).gt(0))) {
    fail([userError('BUSINESS_RULE', `Contract ${contract.number} splits into an instalment of 0 or less: change its instalments first.`, null)]);
  }
  const before = snapshot(contract);
  const now = new Date();
  contract.status = ContractStatus.SIGNED;
  contract.signedAt = now;
  contract.signedBy = tx.principal.id;
  contract.updatedAt = now;
  audit(tx, contract, AuditAction.UPDATE, diff(before, snapshot(contract), AUDITED));
  recordEvent(tx.em, tx.principal, { type: 'contract.signed', entityType: 'Contract', entityId: contract.id, customerId: refId(contract.customer) });
  await tx.em.flush();
  await scheduleInstalments(tx, {
    id: contract.id, number: contract.number, customerId: refId(contract.customer)!, currency: contract.currency,
    terms: contract.instalments, billingTermsDays: contract.billingTermsDays, amounts, signingDay: isoDate(now),
  });
}

/**
 * SIGNED or ACTIVE → TERMINATED: its receivables stay (the money is still owed); its instalments still
 * SCHEDULED are CANCELLED (never billed), recorded in the contract's audit entry (count and sum).
 */
export async function terminateContract(ctx: ServiceContext, input: TerminateContractInput): Promise<ContractPayload> {
  const parsed = parseInput(TerminateContract, input);
  if (!parsed.ok) return { contract: null, errors: parsed.errors };
  const data = parsed.data;
  const outcome = await inTransaction(ctx, async (tx) => {
    const contract = await loadForWrite(tx, data.id);
    versionCheck(contract, data.version);
    if (contract.status !== ContractStatus.SIGNED && contract.status !== ContractStatus.ACTIVE) {
      fail([userError('BUSINESS_RULE', `Contract ${contract.number} is ${contract.status}: only a SIGNED or ACTIVE contract can be terminated.`, ['input', 'id'])]);
    }
    const before = snapshot(contract);
    const now = new Date();
    contract.status = ContractStatus.TERMINATED;
    contract.terminatedAt = now;
    contract.updatedAt = now;
    const cancelled = await cancelScheduled(tx, contract.id, now);
    audit(tx, contract, AuditAction.UPDATE, [
      ...diff(before, snapshot(contract), AUDITED),
      ...(data.reason ? [{ field: 'terminationReason', old: null, new: data.reason }] : []),
      ...(cancelled.count ? [{ field: 'cancelledScheduledBilling', old: null, new: `${cancelled.count} instalment(s), ${cancelled.amount} ${contract.currency}` }] : []),
    ]);
    await tx.em.flush();
    return contract.id;
  });
  return withRow(ctx, outcome);
}

// ------------------------------------------------------------------------------------ lifecycle by date

/**
 * Contracts move by their dates: SIGNED ones whose start date has come become ACTIVE; SIGNED or ACTIVE
 * ones whose end date has passed (before the UTC date of `now`) become EXPIRED. Set-based (one
 * statement for any number of contracts), in the caller's transaction, each change audited as SYSTEM.
 * The overdue job calls it (collection.service.ts) on the scheduler.
 */
export async function applyContractDates(em: EntityManager, now: Date): Promise<{ activated: number; expired: number }> {
  const today = sql`${isoDate(now)}::date`;
  const at = sql`${now.toISOString()}::timestamptz`;
  const expires = sql`(k.status in ('SIGNED', 'ACTIVE') and k.end_date < ${today})`;
  const starts = sql`(k.status = 'SIGNED' and k.start_date <= ${today})`;
  const [changed] = await rows<{ activated: number; expired: number }>(em, sql`
    with before as (
      select k.id, k.status from contract k where ${expires} or ${starts} order by k.id
    ),
    changed as (
      update contract k set status = case when ${expires} then 'EXPIRED' else 'ACTIVE' end, updated_at = ${at}, version = k.version + 1
      from before b
      where b.id = k.id and (${expires} or ${starts})
      returning k.id, k.customer_id, b.status as old_status, k.status as new_status
    ),
    audited as (
      insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select ${newIdSql('AuditEvent')}, 'Contract', c.id, c.customer_id, 'UPDATE', 'SYSTEM', null, ${at},
        ${changesSql([['status', 'c.old_status', 'c.new_status']])}
      from changed c
      returning 1
    )
    select count(*) filter (where new_status = 'ACTIVE')::int as activated,
      count(*) filter (where new_status = 'EXPIRED')::int as expired,
      (select count(*) from audited)::int as audited
    from changed`);
  return { activated: changed?.activated ?? 0, expired: changed?.expired ?? 0 };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { InstalmentTerm } from '../entities/contract.entity';
import { changesSql } from './audit.service';
import type { ServiceContext } from './context';
import { issueReceivables } from './receivable-issue';
import { systemEventsSql } from './outbox';
import { accountScope } from './scope';
import { newIdSql, rows, sql, textArray } from './sql';
import { isoDate } from './validation';

/**
 * Scheduled billing (issue 14, definition 2). An instalment of a signed contract becomes a receivable on
 * its invoice date: the date given on the instalment (`invoiceDate`), or else its due date minus the
 * contract's billing terms (`Contract.billingTermsDays`, 0–365 days, 30 unless set: billed that many days
 * before it is due; 0 = on the due date). Never before signing: an instalment whose invoice date is on or before the signing day is
 * issued at signing (dated the signing day). Until then it is SCHEDULED — a `billing_schedule` row, not
 * a receivable — so it is in no AR figure (summary, aging, statements, the overdue job); it counts in credit exposure (committed money).
 * The billing step of the overdue job issues every SCHEDULED instalment whose invoice date has come,
 * dated its invoice date (also when the job runs later), exactly once; terminating the contract
 * cancels the instalments still SCHEDULED (they are never billed).
 */

/** The billing terms of a contract that sets none (the column default of `contract.billing_terms_days`). */
export const DEFAULT_BILLING_TERMS_DAYS = 30;

export type BillingState = 'SCHEDULED' | 'ISSUED' | 'CANCELLED';

export interface BillingScheduleRow {
  contractId: string;
  instalment: number;
  currency: string;
  amount: string;
  dueDate: string;
  invoiceDate: string;
  state: BillingState;
  receivableId: string | null;
}

const DAY_MS = 86_400_000;

/** The invoice date of an instalment: its own, or its due date − the contract's billing terms in days (YYYY-MM-DD). */
export function invoiceDateOf(term: Pick<InstalmentTerm, 'dueDate' | 'invoiceDate'>, billingTermsDays: number): string {
  if (term.invoiceDate) return term.invoiceDate;
  return isoDate(new Date(new Date(`${term.dueDate}T00:00:00Z`).getTime() - billingTermsDays * DAY_MS));
}

/**
 * At signing (in the signing transaction): one schedule row per instalment; those whose invoice date is
 * on or before `signingDay` are issued now (`issueReceivables`, dated `signingDay`), the others stay SCHEDULED.
 */
export async function scheduleInstalments(tx: ServiceContext, contract: {
  id: string; number: string; customerId: string; currency: string; terms: InstalmentTerm[]; billingTermsDays: number; amounts: string[]; signingDay: string;
}): Promise<void> {
  const n = contract.terms.length;
  const items = contract.terms.map((term, i) => ({
    instalment: i + 1, dueDate: term.dueDate, invoiceDate: invoiceDateOf(term, contract.billingTermsDays), amount: contract.amounts[i],
    description: `${contract.number} instalment ${i + 1} of ${n}`,
  }));
  const now = items.filter((it) => it.invoiceDate <= contract.signingDay);
  const issued = await issueReceivables(tx, now.map((it) => ({
    customerId: contract.customerId, contractId: contract.id, instalment: it.instalment, description: it.description,
    currency: contract.currency, amount: it.amount, issuedOn: contract.signingDay, dueDate: it.dueDate,
  })));
  const receivableOf = new Map(now.map((it, i) => [it.instalment, issued[i].id]));
  const data = items.map((it) => ({ ...it, receivableId: receivableOf.get(it.instalment) ?? null }));
  await rows(tx.em, sql`insert into billing_schedule (contract_id, instalment, customer_id, description, currency, amount, due_date, invoice_date, status, receivable_id)
    select ${contract.id}, d.instalment, ${contract.customerId}, d.description, ${contract.currency}, d.amount, d."dueDate", d."invoiceDate",
      case when d."receivableId" is null then 'SCHEDULED' else 'ISSUED' end, d."receivableId"
    from jsonb_to_recordset(${JSON.stringify(data)}::jsonb)
      as d(instalment int, description text, amount numeric, "dueDate" date, "invoiceDate" date, "receivableId" text)
    returning 1 as ok`);
}

/** Termination (in its transaction): the instalments still SCHEDULED are CANCELLED; returns how many and their sum. */
export async function cancelScheduled(tx: ServiceContext, contractId: string, at: Date): Promise<{ count: number; amount: string }> {
  const [done] = await rows<{ count: number; amount: string }>(tx.em, sql`with cancelled as (
      update billing_schedule s set status = 'CANCELLED', updated_at = ${at.toISOString()}::timestamptz
      where s.contract_id = ${contractId} and s.status = 'SCHEDULED'
      returning s.amount
    )
    select count(*)::int as count, coalesce(sum(amount), 0)::numeric(18, 2)::text as amount from cancelled`);
  return done ?? { count: 0, amount: '0.00' };
}

/**
 * The billing step of the overdue job (set-based, in the job's transaction): every SCHEDULED instalment
 * whose invoice date is on or before the UTC date of `now` becomes a receivable dated its invoice date,
 * numbered from the receivables' sequence, audited as SYSTEM on the customer (like signing audits its
 * receivables). Exactly once: rows are claimed with `for update skip locked`, moved to ISSUED in the same
 * statement, and `receivable (contract_id, instalment)` is unique. Returns how many were issued.
 */
export async function issueDueInstalments(em: EntityManager, now: Date): Promise<number> {
  const today = sql`${isoDate(now)}::date`;
  const at = sql`${now.toISOString()}::timestamptz`;
  const [done] = await rows<{ n: number }>(em, sql`
    with due as (
      select s.contract_id, s.instalment, s.customer_id, s.description, s.currency, s.amount, s.due_date, s.invoice_date
      from billing_schedule s
      where s.status = 'SCHEDULED' and s.invoice_date <= ${today}
      order by s.invoice_date, s.contract_id, s.instalment
      for update of s skip locked
    ),
    issued as (
      insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date, created_at, updated_at)
      select ${newIdSql('Receivable')}, 'INV-' || lpad(nextval('receivable_number_seq')::text, 6, '0'), d.customer_id, d.contract_id, d.instalment,
        d.description, d.currency, d.amount, 0, d.invoice_date, d.due_date, ${at}, ${at}
      from due d
      on conflict (contract_id, instalment) do nothing
      returning id, customer_id, contract_id, instalment, amount, due_date
    ),
    marked as (
      update billing_schedule s set status = 'ISSUED', receivable_id = i.id, updated_at = ${at}
      from issued i where s.contract_id = i.contract_id and s.instalment = i.instalment
      returning 1
    ),
    audited as (
      insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select ${newIdSql('AuditEvent')}, 'Receivable', i.id, i.customer_id, 'CREATE', 'SYSTEM', null, ${at},
        ${changesSql([['amount', 'null::text', 'i.amount::text'], ['dueDate', 'null::text', 'i.due_date::text']])}
      from issued i
      returning 1
    ),
    events as (
      ${systemEventsSql('receivable.issued', 'Receivable', at, { entityId: 'i.id', customerId: 'i.customer_id' }, 'issued i')}
      returning 1
    )
    select (select count(*) from marked)::int as n, (select count(*) from audited)::int as audited, (select count(*) from events)::int as events`);
  return done?.n ?? 0;
}

/** The schedules of several (already visible) contracts, by contract and instalment; money follows `accountScope`. */
export async function scheduleByContractIds(ctx: ServiceContext, contractIds: readonly string[]): Promise<BillingScheduleRow[]> {
  if (!contractIds.length) return [];
  return rows<BillingScheduleRow>(ctx.em, sql`select s.contract_id as "contractId", s.instalment, s.currency, s.amount::text as amount,
      s.due_date::text as "dueDate", s.invoice_date::text as "invoiceDate", s.status as state, s.receivable_id as "receivableId"
    from billing_schedule s
    where s.contract_id = any(${textArray([...contractIds])}) and ${accountScope(ctx.principal, 's.customer_id')}
    order by s.contract_id, s.instalment`);
}

/** Per (already visible) contract: the sum of its SCHEDULED instalments ("0.00" when none), summed in SQL. */
export async function scheduledBillingByContractIds(ctx: ServiceContext, contractIds: readonly string[]): Promise<{ contractId: string; amount: string }[]> {
  if (!contractIds.length) return [];
  return rows<{ contractId: string; amount: string }>(ctx.em, sql`select k.id as "contractId",
      coalesce((select sum(s.amount) from billing_schedule s where s.contract_id = k.id and s.status = 'SCHEDULED'), 0)::numeric(18, 2)::text as amount
    from contract k where k.id = any(${textArray([...contractIds])}) and ${accountScope(ctx.principal, 'k.customer_id')}`);
}

/**
 * Which of these customers are deleted (issue 14, definition 1: their receivables still count in the
 * finance reports): id → true when soft-deleted, false when live; customers outside the caller's account scope are left out.
 */
export async function deletedCustomers(ctx: ServiceContext, customerIds: readonly string[]): Promise<{ id: string; deleted: boolean }[]> {
  if (!customerIds.length) return [];
  return rows<{ id: string; deleted: boolean }>(ctx.em, sql`select c.id, c.deleted_at is not null as deleted from customer c
    where c.id = any(${textArray([...customerIds])}) and ${accountScope(ctx.principal, 'c.id')}`);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../entities/ids';
import { DEFAULT_BILLING_TERMS_DAYS } from '../services/billing-schedule.service';
import { applyCollectionRules, type OverdueJobResult } from '../services/collection.service';
import { seedMoney } from './seed-money';
import { insertRows, numbers, type Value } from './seed-sql';

/**
 * The demo's money side, on top of the demo users, customers and sales pipeline (`seedDemo(em, {
 * sales: true })`: `npm start` and `npm run seed`; not the tests):
 * - credit assessments by the finance user: the partner's dealer (rating B, limit 50,000 EUR), a key
 *   customer of rep1 (A, 100,000 EUR), a customer of rep2 with a history (C 10,000 EUR, later B
 *   25,000 EUR) and one without credit (D, 0 EUR); the customers' current rating/limit follow;
 * - three signed contracts with their billing schedule (issue 14): an instalment is a receivable from
 *   its invoice date (due − the default billing terms, 30 days; at signing when that came earlier), SCHEDULED until then (numbers
 *   from the sequences, as the API makes them). rep1's customer: 36,000 EUR in three instalments, the first
 *   paid (one payment), the second 20 days overdue, the third invoiced 5 days ago and due in 25 days; rep2's customer: 9,000 EUR starting
 *   in 10 days, the second half scheduled; the dealer: 12,000 EUR in four instalments, started a month ago:
 *   one 5 days overdue, one invoiced 5 days ago and due in 25 days (its statement has money due and not yet
 *   due), two scheduled;
 * - then the overdue job's rules, once: the contracts that started become ACTIVE, the overdue
 *   receivable is flagged (NOTICE) and rep1 gets its COLLECTION task, all audited as SYSTEM.
 *
 * Deterministic: fixed customers (the first matching ones by creation time), amounts and dates
 * relative to `now`. Plain SQL inside the caller's transaction.
 */

const DAY = 86_400_000;

interface ContractPlan {
  customerId: string;
  ownerId: string;
  title: string;
  currency: string;
  signedDay: number;
  startDay: number;
  endDay: number;
  renewalDay: number | null;
  /** Instalments: [due day, amount]. */
  instalments: [number, string][];
  notes: string | null;
}

export interface FinanceSeedCounts extends OverdueJobResult {
  assessments: number;
  contracts: number;
  receivables: number;
  payments: number;
}

export async function seedFinance(em: EntityManager, now = Date.now()): Promise<FinanceSeedCounts> {
  const iso = (day: number) => new Date(now + day * DAY).toISOString();
  const date = (day: number) => iso(day).slice(0, 10);
  const users = await em.execute<{ id: string; email: string; partner_customer_id: string | null }[]>(
    `select id, email, partner_customer_id from app_user where email in ('finance@demo.crm', 'rep1@demo.crm', 'rep2@demo.crm', 'partner@demo.crm')`);
  const user = (email: string) => {
    const found = users.find((u) => u.email === email);
    if (!found) throw new Error(`Demo user ${email} is missing.`);
    return found;
  };
  const finance = user('finance@demo.crm').id;
  const rep1 = user('rep1@demo.crm').id;
  const rep2 = user('rep2@demo.crm').id;
  const dealerId = user('partner@demo.crm').partner_customer_id;
  const customers = await em.execute<{ id: string; owner_id: string }[]>(
    `select id, owner_id from customer where deleted_at is null and kind = 'BUSINESS' and not is_partner and status <> 'CHURNED'
     order by created_at, id`);
  const firstOf = (owner: string, skip = 0) => customers.filter((c) => c.owner_id === owner)[skip]?.id;
  const [dealer] = dealerId ? await em.execute<{ owner_id: string }[]>(`select owner_id from customer where id = ?`, [dealerId]) : [];
  const keyAccount = firstOf(rep1);
  const noCredit = firstOf(rep1, 1);
  const growing = firstOf(rep2);
  if (!dealerId || !dealer || !keyAccount || !noCredit || !growing) {
    // A demo with too few customers (e.g. `seedDemo({ customers: 3, sales: true })`): no money side.
    return { assessments: 0, contracts: 0, receivables: 0, payments: 0, instalmentsIssued: 0, flagged: 0, advanced: 0, tasksCreated: 0, tasksClosed: 0, contractsActivated: 0, contractsExpired: 0 };
  }

  // ---- credit assessments (history kept; the latest is the customer's current rating and limit)
  const assessments: [string, string, string, number, string][] = [
    [dealerId, 'B', '50000.00', -90, 'Dealer since 2019, pays on time; limit covers two months of orders.'],
    [keyAccount, 'A', '100000.00', -240, 'Audited accounts, strong cash position.'],
    [growing, 'C', '10000.00', -400, 'New customer, little payment history.'],
    [growing, 'B', '25000.00', -60, 'A year of on-time payments: limit raised.'],
    [noCredit, 'D', '0.00', -30, 'Two bounced cheques: prepayment only.'],
  ];
  const assessmentIds = assessments.map(() => newId('CreditAssessment'));
  await insertRows(em, 'credit_assessment', [['id', 'text'], ['customer_id', 'text'], ['rating', 'text'], ['credit_limit', 'numeric'],
    ['currency', 'text'], ['note', 'text'], ['assessed_by', 'text'], ['assessed_at', 'timestamptz']],
  assessments.map(([customerId, rating, limit, day, note], i) => [assessmentIds[i], customerId, rating, limit, 'EUR', note, finance, iso(day)]));
  await em.execute(`update customer c set credit_rating = a.rating, credit_limit = a.credit_limit, credit_currency = a.currency
    from (select distinct on (customer_id) customer_id, rating, credit_limit, currency from credit_assessment
          order by customer_id, assessed_at desc, id desc) a
    where a.customer_id = c.id and c.id in (?, ?, ?, ?)`, [dealerId, keyAccount, growing, noCredit], 'run');

  // ---- contracts and their receivables
  const plans: ContractPlan[] = [
    {
      customerId: keyAccount, ownerId: rep1, title: 'Managed print services', currency: 'EUR', signedDay: -205, startDay: -200, endDay: 165,
      renewalDay: 120, instalments: [[-190, '12000.00'], [-20, '12000.00'], [25, '12000.00']], notes: 'Includes toner and on-site service.',
    },
    {
      customerId: growing, ownerId: rep2, title: 'Laptop fleet renewal', currency: 'EUR', signedDay: -3, startDay: 10, endDay: 375,
      renewalDay: null, instalments: [[10, '4500.00'], [190, '4500.00']], notes: null,
    },
    {
      customerId: dealerId, ownerId: dealer.owner_id, title: 'Dealer display units', currency: 'EUR', signedDay: -35, startDay: -30, endDay: 335,
      renewalDay: 300, instalments: [[-5, '3000.00'], [25, '3000.00'], [115, '3000.00'], [205, '3000.00']], notes: 'Four instalments.',
    },
  ];
  const contractNumbers = await numbers(em, 'contract_number_seq', 'CT', plans.length);
  // The demo contracts keep the default billing terms: an instalment is invoiced DEFAULT_BILLING_TERMS_DAYS before it is due, not before signing; not yet invoiced by today: scheduled.
  const invoiceDay = (plan: ContractPlan, due: number) => Math.max(plan.signedDay, due - DEFAULT_BILLING_TERMS_DAYS);
  const invoiced = (plan: ContractPlan, due: number) => due - DEFAULT_BILLING_TERMS_DAYS <= 0;
  const receivableNumbers = await numbers(em, 'receivable_number_seq', 'INV',
    plans.reduce((n, p) => n + p.instalments.filter(([day]) => invoiced(p, day)).length, 0));
  const contractRows: Value[][] = [];
  const receivableRows: Value[][] = [];
  const scheduleRows: Value[][] = [];
  const audit: Value[][] = [];
  const firstReceivable = { id: '', customerId: keyAccount };
  plans.forEach((plan, k) => {
    const id = newId('Contract');
    const value = plan.instalments.reduce((sum, [, amount]) => sum + Math.round(Number(amount) * 100), 0);
    const total = `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
    contractRows.push([id, contractNumbers[k], plan.customerId, plan.title, total, plan.currency, date(plan.startDay), date(plan.endDay),
      plan.renewalDay === null ? null : date(plan.renewalDay), 'SIGNED',
      JSON.stringify(plan.instalments.map(([day]) => ({ dueDate: date(day), percent: null }))), plan.ownerId, iso(plan.signedDay), plan.ownerId,
      plan.notes, plan.ownerId, iso(plan.signedDay - 2), iso(plan.signedDay)]);
    audit.push([newId('AuditEvent'), 'Contract', id, plan.customerId, 'CREATE', 'USER', plan.ownerId, iso(plan.signedDay - 2),
      JSON.stringify([{ field: 'value', old: null, new: total }])]);
    audit.push([newId('AuditEvent'), 'Contract', id, plan.customerId, 'UPDATE', 'USER', plan.ownerId, iso(plan.signedDay),
      JSON.stringify([{ field: 'status', old: 'DRAFT', new: 'SIGNED' }])]);
    plan.instalments.forEach(([day, amount], i) => {
      const description = `${contractNumbers[k]} instalment ${i + 1} of ${plan.instalments.length}`;
      if (!invoiced(plan, day)) {
        scheduleRows.push([id, i + 1, plan.customerId, description, plan.currency, amount, date(day), date(day - DEFAULT_BILLING_TERMS_DAYS), 'SCHEDULED', null,
          iso(plan.signedDay), iso(plan.signedDay)]);
        return;
      }
      const receivableId = newId('Receivable');
      const number = receivableNumbers[receivableRows.length];
      const settled = k === 0 && i === 0;
      if (settled) firstReceivable.id = receivableId;
      // Issued at signing, or by the billing job on its invoice date (actor SYSTEM).
      const issuedDay = invoiceDay(plan, day);
      const byJob = issuedDay > plan.signedDay;
      receivableRows.push([receivableId, number, plan.customerId, id, i + 1, description,
        plan.currency, amount, settled ? amount : '0.00', date(issuedDay), date(day), settled ? 'SETTLED' : 'OPEN',
        settled ? iso(day + 4) : null, iso(issuedDay), settled ? iso(day + 4) : iso(issuedDay)]);
      scheduleRows.push([id, i + 1, plan.customerId, description, plan.currency, amount, date(day), date(Math.min(day, day - DEFAULT_BILLING_TERMS_DAYS)), 'ISSUED',
        receivableId, iso(plan.signedDay), iso(issuedDay)]);
      audit.push([newId('AuditEvent'), 'Receivable', receivableId, plan.customerId, 'CREATE', byJob ? 'SYSTEM' : 'USER', byJob ? null : plan.ownerId, iso(issuedDay),
        JSON.stringify([{ field: 'amount', old: null, new: amount }, { field: 'dueDate', old: null, new: date(day) }])]);
    });
  });
  await insertRows(em, 'contract', [['id', 'text'], ['number', 'text'], ['customer_id', 'text'], ['title', 'text'], ['value', 'numeric'],
    ['currency', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['renewal_date', 'date'], ['status', 'text'], ['instalments', 'jsonb'],
    ['owner_id', 'text'], ['signed_at', 'timestamptz'], ['signed_by', 'text'], ['notes', 'text'], ['created_by', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], contractRows);
  await insertRows(em, 'receivable', [['id', 'text'], ['number', 'text'], ['customer_id', 'text'], ['contract_id', 'text'], ['instalment', 'int'],
    ['description', 'text'], ['currency', 'text'], ['amount', 'numeric'], ['paid_amount', 'numeric'], ['issued_on', 'date'], ['due_date', 'date'],
    ['status', 'text'], ['settled_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], receivableRows);
  await insertRows(em, 'billing_schedule', [['contract_id', 'text'], ['instalment', 'int'], ['customer_id', 'text'], ['description', 'text'],
    ['currency', 'text'], ['amount', 'numeric'], ['due_date', 'date'], ['invoice_date', 'date'], ['status', 'text'], ['receivable_id', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], scheduleRows);

  // ---- one payment: the first instalment of the key account's contract, paid by bank transfer
  const paymentId = newId('Payment');
  const paidDay = plans[0].instalments[0][0] + 4;
  const paidAmount = plans[0].instalments[0][1];
  await insertRows(em, 'payment', [['id', 'text'], ['customer_id', 'text'], ['amount', 'numeric'], ['currency', 'text'], ['received_on', 'date'],
    ['method', 'text'], ['reference', 'text'], ['note', 'text'], ['recorded_by', 'text'], ['created_at', 'timestamptz']],
  [[paymentId, keyAccount, paidAmount, 'EUR', date(paidDay), 'BANK_TRANSFER', `SEPA ${receivableNumbers[0]}`, null, finance, iso(paidDay)]]);
  await insertRows(em, 'payment_allocation', [['id', 'text'], ['payment_id', 'text'], ['receivable_id', 'text'], ['amount', 'numeric']],
    [[newId('PaymentAllocation'), paymentId, firstReceivable.id, paidAmount]]);
  audit.push([newId('AuditEvent'), 'Payment', paymentId, keyAccount, 'CREATE', 'USER', finance, iso(paidDay),
    JSON.stringify([{ field: 'amount', old: null, new: paidAmount }])]);
  audit.push([newId('AuditEvent'), 'Receivable', firstReceivable.id, keyAccount, 'UPDATE', 'USER', finance, iso(paidDay),
    JSON.stringify([{ field: 'paidAmount', old: '0.00', new: paidAmount }, { field: 'status', old: 'OPEN', new: 'SETTLED' }])]);
  assessments.forEach(([customerId, rating, limit, day, note], i) => {
    audit.push([newId('AuditEvent'), 'CreditAssessment', assessmentIds[i], customerId, 'CREATE', 'USER', finance, iso(day),
      JSON.stringify([{ field: 'rating', old: null, new: rating }, { field: 'limit', old: null, new: limit },
        { field: 'currency', old: null, new: 'EUR' }, { field: 'note', old: null, new: note }])]);
  });
  await insertRows(em, 'audit_event', [['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'],
    ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb']], audit);

  // ---- exchange rates and part-payments (issue 14: reports in one currency, cash received)
  await seedMoney(em, finance, now);

  // ---- what the hourly job would have done by now
  const job = await applyCollectionRules(em, new Date(now));
  return { assessments: assessments.length, contracts: contractRows.length, receivables: receivableRows.length, payments: 1, ...job };
}

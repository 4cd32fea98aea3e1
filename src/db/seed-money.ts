import type { EntityManager } from '@mikro-orm/postgresql';
import Decimal from 'decimal.js';
import { newId } from '../entities/ids';
import { insertRows } from './seed-sql';

const DAY = 86_400_000;

/** USD→EUR and GBP→EUR on the first of each month, this month first, going back a year (demo values). */
const USD_EUR = ['0.9215', '0.9180', '0.9302', '0.9254', '0.9120', '0.9050', '0.9188', '0.9231', '0.9276', '0.9342', '0.9290', '0.9205', '0.9170'];
const GBP_EUR = ['1.1720', '1.1685', '1.1801', '1.1760', '1.1655', '1.1590', '1.1702', '1.1744', '1.1790', '1.1832', '1.1808', '1.1751', '1.1699'];

/**
 * The demo's money in one reporting currency and cash received (issue 14), after the finance seed:
 * exchange rates set by FINANCE (USD→EUR and GBP→EUR on the first of each of the last 13 months, so
 * `in: "EUR"` and, through the inverse rates, `in: "USD"` / `in: "GBP"` work on every date of the past
 * year), and part-payments (a quarter, by bank transfer) of the two open receivables due first, received
 * 10 and 30 days ago (not before their issue), so that `cashReceived` and DSO show recent cash.
 */
export async function seedMoney(em: EntityManager, financeUserId: string, now = Date.now()): Promise<{ rates: number; payments: number }> {
  const date = (day: number) => new Date(now + day * DAY).toISOString().slice(0, 10);
  const today = new Date(now);
  const rates = USD_EUR.flatMap((usd, i) => {
    const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - i, 1)).toISOString().slice(0, 10);
    return [['USD', 'EUR', first, usd], ['GBP', 'EUR', first, GBP_EUR[i]]];
  });
  await insertRows(em, 'exchange_rate', [['from_currency', 'text'], ['to_currency', 'text'], ['valid_on', 'date'], ['rate', 'numeric'],
    ['set_by', 'text'], ['set_at', 'timestamptz']], rates.map((r) => [...r, financeUserId, today.toISOString()]));

  const open = await em.execute<{ id: string; customer_id: string; currency: string; amount: string; issued_on: string }[]>(
    `select id, customer_id, currency, amount::text as amount, issued_on::text as issued_on from receivable
     where status <> 'SETTLED' and paid_amount = 0 and issued_on <= ? order by due_date, id limit 2`, [date(-1)]);
  const payments: (string | null)[][] = [];
  const allocations: string[][] = [];
  const audit: string[][] = [];
  for (const [i, r] of open.entries()) {
    const paymentId = newId('Payment');
    const amount = new Decimal(r.amount).times('0.25').toFixed(2);
    const wanted = date(-10 - 20 * i);
    const receivedOn = wanted < r.issued_on ? r.issued_on : wanted;
    const at = `${receivedOn}T10:00:00.000Z`;
    payments.push([paymentId, r.customer_id, amount, r.currency, receivedOn, 'BANK_TRANSFER', `SEPA part-payment ${i + 1}`, 'A quarter now, the rest later', financeUserId, at]);
    allocations.push([newId('PaymentAllocation'), paymentId, r.id, amount]);
    await em.execute('update receivable set paid_amount = paid_amount + ?::numeric, updated_at = ?::timestamptz where id = ?', [amount, at, r.id], 'run');
    audit.push([newId('AuditEvent'), 'Payment', paymentId, r.customer_id, 'CREATE', 'USER', financeUserId, at, JSON.stringify([{ field: 'amount', old: null, new: amount }])]);
    audit.push([newId('AuditEvent'), 'Receivable', r.id, r.customer_id, 'UPDATE', 'USER', financeUserId, at,
      JSON.stringify([{ field: 'paidAmount', old: '0.00', new: amount }])]);
  }
  await insertRows(em, 'payment', [['id', 'text'], ['customer_id', 'text'], ['amount', 'numeric'], ['currency', 'text'], ['received_on', 'date'],
    ['method', 'text'], ['reference', 'text'], ['note', 'text'], ['recorded_by', 'text'], ['created_at', 'timestamptz']], payments);
  await insertRows(em, 'payment_allocation', [['id', 'text'], ['payment_id', 'text'], ['receivable_id', 'text'], ['amount', 'numeric']], allocations);
  await insertRows(em, 'audit_event', [['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'],
    ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb']], audit);
  return { rates: rates.length, payments: payments.length };
}

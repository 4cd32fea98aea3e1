import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../entities/ids';
import { insertRows, numbers } from './seed-sql';

/**
 * The demo's bad debt (issue 14), after the money side (seed-finance.ts): the second customer of rep1
 * (the one rated D for bounced cheques) had a 2,000.00 EUR contract, signed 160 days ago, one instalment
 * due 130 days ago; it paid 500.00 by cheque 120 days ago, went to the collection agency, and FINANCE
 * wrote off the remaining 1,500.00 EUR 15 days ago (INSOLVENCY). So `writeOffReport` is not empty and the
 * customer's statement has a WRITE_OFF line. Its collection task is DONE. Deterministic, plain SQL inside
 * the caller's transaction; nothing when the demo has too few customers.
 */

const DAY = 86_400_000;

export async function seedWriteOffs(em: EntityManager, now = Date.now()): Promise<number> {
  const iso = (day: number) => new Date(now + day * DAY).toISOString();
  const date = (day: number) => iso(day).slice(0, 10);
  const users = await em.execute<{ id: string; email: string }[]>(`select id, email from app_user where email in ('finance@demo.crm', 'rep1@demo.crm')`);
  const finance = users.find((u) => u.email === 'finance@demo.crm')?.id;
  const rep1 = users.find((u) => u.email === 'rep1@demo.crm')?.id;
  const [customer] = rep1 ? await em.execute<{ id: string }[]>(
    `select id from customer where deleted_at is null and kind = 'BUSINESS' and not is_partner and status <> 'CHURNED' and owner_id = ?
     order by created_at, id offset 1 limit 1`, [rep1]) : [];
  if (!finance || !rep1 || !customer) return 0;

  const [contractNumber] = await numbers(em, 'contract_number_seq', 'CT', 1);
  const [invoice] = await numbers(em, 'receivable_number_seq', 'INV', 1);
  const contractId = newId('Contract');
  const receivableId = newId('Receivable');
  const paymentId = newId('Payment');
  const taskId = newId('Task');
  const [signed, due, paid, writtenOff] = [-160, -130, -120, -15];
  await insertRows(em, 'contract', [['id', 'text'], ['number', 'text'], ['customer_id', 'text'], ['title', 'text'], ['value', 'numeric'],
    ['currency', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['status', 'text'], ['instalments', 'jsonb'], ['owner_id', 'text'],
    ['signed_at', 'timestamptz'], ['signed_by', 'text'], ['created_by', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['terminated_at', 'timestamptz']],
  [[contractId, contractNumber, customer.id, 'Office furniture', '2000.00', 'EUR', date(signed), date(signed + 30), 'TERMINATED',
    JSON.stringify([{ dueDate: date(due), percent: null }]), rep1, iso(signed), rep1, rep1, iso(signed - 1), iso(-60), iso(-60)]]);
  await insertRows(em, 'receivable', [['id', 'text'], ['number', 'text'], ['customer_id', 'text'], ['contract_id', 'text'], ['instalment', 'int'],
    ['description', 'text'], ['currency', 'text'], ['amount', 'numeric'], ['paid_amount', 'numeric'], ['issued_on', 'date'], ['due_date', 'date'],
    ['status', 'text'], ['dunning_stage', 'text'], ['overdue_since', 'date'], ['written_off_at', 'timestamptz'], ['written_off_by', 'text'],
    ['write_off_category', 'text'], ['write_off_reason', 'text'], ['written_off_amount', 'numeric'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  [[receivableId, invoice, customer.id, contractId, 1, `${contractNumber} instalment 1 of 1`, 'EUR', '2000.00', '500.00', date(signed), date(due),
    'WRITTEN_OFF', 'COLLECTION_AGENCY', date(due + 1), iso(writtenOff), finance, 'INSOLVENCY',
    'Insolvency proceedings opened; the administrator expects no dividend for unsecured creditors.', '1500.00', iso(signed), iso(writtenOff)]]);
  await insertRows(em, 'payment', [['id', 'text'], ['customer_id', 'text'], ['amount', 'numeric'], ['currency', 'text'], ['received_on', 'date'],
    ['method', 'text'], ['reference', 'text'], ['recorded_by', 'text'], ['created_at', 'timestamptz']],
  [[paymentId, customer.id, '500.00', 'EUR', date(paid), 'CHEQUE', 'Cheque 100233', finance, iso(paid)]]);
  await insertRows(em, 'payment_allocation', [['id', 'text'], ['payment_id', 'text'], ['receivable_id', 'text'], ['amount', 'numeric']],
    [[newId('PaymentAllocation'), paymentId, receivableId, '500.00']]);
  await insertRows(em, 'task', [['id', 'text'], ['title', 'text'], ['type', 'text'], ['due_at', 'timestamptz'], ['assignee_id', 'text'],
    ['assigned_by_id', 'text'], ['customer_id', 'text'], ['receivable_id', 'text'], ['status', 'text'], ['completed_at', 'timestamptz'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  [[taskId, `Collect ${invoice}: 1500.00 EUR overdue since ${date(due + 1)}`, 'COLLECTION', iso(due + 1), rep1, rep1, customer.id, receivableId, 'DONE',
    iso(writtenOff), iso(due + 1), iso(writtenOff)]]);
  const audit = (entityType: string, entityId: string, action: string, actorType: string, actorId: string | null, day: number, changes: unknown[]) =>
    [newId('AuditEvent'), entityType, entityId, customer.id, action, actorType, actorId, iso(day), JSON.stringify(changes)];
  await insertRows(em, 'audit_event', [['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'],
    ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb']], [
    audit('Contract', contractId, 'CREATE', 'USER', rep1, signed - 1, [{ field: 'value', old: null, new: '2000.00' }]),
    audit('Receivable', receivableId, 'CREATE', 'USER', rep1, signed, [{ field: 'amount', old: null, new: '2000.00' }, { field: 'dueDate', old: null, new: date(due) }]),
    audit('Receivable', receivableId, 'UPDATE', 'SYSTEM', null, due + 1, [{ field: 'status', old: 'OPEN', new: 'OVERDUE' }]),
    audit('Payment', paymentId, 'CREATE', 'USER', finance, paid, [{ field: 'amount', old: null, new: '500.00' }]),
    audit('Receivable', receivableId, 'UPDATE', 'USER', finance, paid, [{ field: 'paidAmount', old: '0.00', new: '500.00' }]),
    audit('Receivable', receivableId, 'UPDATE', 'USER', finance, writtenOff, [
      { field: 'status', old: 'OVERDUE', new: 'WRITTEN_OFF' }, { field: 'writtenOffAmount', old: null, new: '1500.00' },
      { field: 'writeOffCategory', old: null, new: 'INSOLVENCY' },
      { field: 'writeOffReason', old: null, new: 'Insolvency proceedings opened; the administrator expects no dividend for unsecured creditors.' },
    ]),
  ]);
  return 1;
}

import type { ServiceContext } from './context';
import { Receivable } from '../entities/receivable.entity';
import { Customer } from '../entities/customer.entity';
import { Contract } from '../entities/contract.entity';
import { Order } from '../entities/order.entity';
import { AuditAction } from '../entities/enums';
import { recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { rows, sql } from './sql';

/** Days between billing an ON_ACCOUNT order and its due date. */
export const ORDER_PAYMENT_DAYS = 30;

export interface NewReceivable {
  customerId: string;
  contractId?: string | null;
  instalment?: number | null;
  orderId?: string | null;
  description: string;
  currency: string;
  /** Decimal string, > 0. */
  amount: string;
  /** YYYY-MM-DD. */
  issuedOn: string;
  /** YYYY-MM-DD. */
  dueDate: string;
}

/**
 * The one way receivables come into being (contract signing, orders billed on account): numbered
 * from a sequence ("INV-000042"), audited on the customer, in the caller's transaction.
 */
export async function issueReceivables(tx: ServiceContext, items: NewReceivable[]): Promise<Receivable[]> {
  if (!items.length) return [];
  const numbers = await rows<{ n: string }>(tx.em, sql`select nextval('receivable_number_seq')::text as n from generate_series(1, ${items.length})`);
  const created = items.map((item, i) => {
    const receivable = tx.em.create(Receivable, {
      number: `INV-${numbers[i].n.padStart(6, '0')}`,
      customer: tx.em.getReference(Customer, item.customerId),
      contract: item.contractId ? tx.em.getReference(Contract, item.contractId) : null,
      instalment: item.instalment ?? null,
      order: item.orderId ? tx.em.getReference(Order, item.orderId) : null,
      description: item.description, currency: item.currency, amount: item.amount, paidAmount: '0.00',
      issuedOn: item.issuedOn, dueDate: item.dueDate,
    });
    tx.em.persist(receivable);
    recordAudit(tx.em, tx.principal, {
      entityType: 'Receivable', entityId: receivable.id, customerId: item.customerId, action: AuditAction.CREATE,
      changes: [{ field: 'amount', old: null, new: item.amount }, { field: 'dueDate', old: null, new: item.dueDate }],
    });
    recordEvent(tx.em, tx.principal, { type: 'receivable.issued', entityType: 'Receivable', entityId: receivable.id, customerId: item.customerId });
    return receivable;
  });
  await tx.em.flush();
  return created;
}

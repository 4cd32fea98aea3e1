import { randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers';

/** Fixtures of the money side, written with SQL so tests do not depend on the write API they check. */

const hex = () => randomUUID().replace(/-/g, '');
let seq = 0;

/** A business customer owned by `owner` (optionally resold by a partner); returns its id. */
export async function insertCustomer(t: TestApp, owner: string, name: string, extra: { resoldBy?: string } = {}): Promise<string> {
  const id = `cus_${hex()}`;
  await t.sql(`insert into customer (id, name, kind, sector, owner_id, resold_by_id) values (?, ?, 'BUSINESS', 'OTHER', ?, ?)`,
    [id, name, owner, extra.resoldBy ?? null]);
  return id;
}

export interface ReceivableFixture {
  amount: string;
  dueDate: string;
  currency?: string;
  issuedOn?: string;
  paid?: string;
  status?: 'OPEN' | 'OVERDUE' | 'SETTLED';
  dunningStage?: string;
  number?: string;
}

/** A receivable (the single instalment of a fixture SIGNED contract owned by `contractOwner`); returns its id. */
export async function insertReceivable(t: TestApp, customerId: string, contractOwner: string, f: ReceivableFixture): Promise<string> {
  seq += 1;
  const tag = `${hex().slice(0, 8)}-${seq}`;
  const contractId = `ctr_${hex()}`;
  const id = `rcv_${hex()}`;
  const currency = f.currency ?? 'EUR';
  const status = f.status ?? 'OPEN';
  await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
    values (?, ?, ?, 'Fixture', ?, ?, '2026-01-01', 'SIGNED', ?::jsonb, ?)`,
  [contractId, `CT-F${tag}`, customerId, f.amount, currency, JSON.stringify([{ dueDate: f.dueDate, percent: null }]), contractOwner]);
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount, issued_on, due_date,
      status, dunning_stage, overdue_since, settled_at)
    values (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  [id, f.number ?? `INV-F${tag}`, customerId, contractId, `Fixture ${seq}`, currency, f.amount, f.paid ?? (status === 'SETTLED' ? f.amount : '0'),
    f.issuedOn ?? '2026-01-01', f.dueDate, status, f.dunningStage ?? (status === 'OVERDUE' ? 'NOTICE' : null),
    status === 'OVERDUE' ? f.dueDate : null, status === 'SETTLED' ? new Date() : null]);
  return id;
}

import { registerEnumType } from 'type-graphql';

/** Enumerations of contracts, receivables, payments and credit (issue 4). */

export enum ContractStatus {
  DRAFT = 'DRAFT',
  PENDING_CREDIT_APPROVAL = 'PENDING_CREDIT_APPROVAL',
  SIGNED = 'SIGNED',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  TERMINATED = 'TERMINATED',
}
registerEnumType(ContractStatus, {
  name: 'ContractStatus',
  description: 'DRAFT (editable) → signContract → SIGNED (receivables created), or PENDING_CREDIT_APPROVAL when it would take the customer over its credit limit '
    + '(approveCredit → SIGNED; rejectCredit → DRAFT). SIGNED → ACTIVE on the start date and ACTIVE → EXPIRED after the end date (the daily job); '
    + 'SIGNED/ACTIVE → TERMINATED by terminateContract.',
});

export enum ReceivableStatus { OPEN = 'OPEN', OVERDUE = 'OVERDUE', SETTLED = 'SETTLED' }
registerEnumType(ReceivableStatus, {
  name: 'ReceivableStatus',
  description: 'OPEN (money outstanding, not yet due or not yet flagged), OVERDUE (past due with money outstanding, flagged by the overdue job), SETTLED (paid in full).',
});

export enum DunningStage { REMINDER = 'REMINDER', NOTICE = 'NOTICE', ESCALATED = 'ESCALATED', COLLECTION_AGENCY = 'COLLECTION_AGENCY' }
registerEnumType(DunningStage, {
  name: 'DunningStage',
  description: 'How far collection of an overdue receivable has gone, by days overdue: REMINDER (1–14), NOTICE (15–30), ESCALATED (31–60), '
    + 'COLLECTION_AGENCY (over 60). Stages only move forward.',
});

export enum PaymentMethod { BANK_TRANSFER = 'BANK_TRANSFER', CARD = 'CARD', CASH = 'CASH', CHEQUE = 'CHEQUE', DIRECT_DEBIT = 'DIRECT_DEBIT', OTHER = 'OTHER' }
registerEnumType(PaymentMethod, { name: 'PaymentMethod', description: 'How a payment was made.' });

export enum PaymentTerms { PREPAID = 'PREPAID', ON_ACCOUNT = 'ON_ACCOUNT' }
registerEnumType(PaymentTerms, {
  name: 'PaymentTerms',
  description: 'PREPAID: paid at checkout, no receivable, no credit check. ON_ACCOUNT: billed when FULFILLED (a receivable due 30 days later), '
    + 'counted in the credit exposure while unbilled, and credit-checked when pushed.',
});

export enum CreditHoldStatus { PENDING = 'PENDING', APPROVED = 'APPROVED', REJECTED = 'REJECTED' }
registerEnumType(CreditHoldStatus, { name: 'CreditHoldStatus', description: 'PENDING (waiting for FINANCE), APPROVED or REJECTED.' });

export enum CreditHoldReason { OVER_LIMIT = 'OVER_LIMIT', NO_CREDIT_LIMIT = 'NO_CREDIT_LIMIT', CURRENCY_MISMATCH = 'CURRENCY_MISMATCH' }
registerEnumType(CreditHoldReason, {
  name: 'CreditHoldReason',
  description: 'Why it was held: OVER_LIMIT (exposure + amount > limit), NO_CREDIT_LIMIT (the customer was never assessed: no credit granted), '
    + 'CURRENCY_MISMATCH (the amount is in another currency than the credit limit, so it cannot be compared).',
});

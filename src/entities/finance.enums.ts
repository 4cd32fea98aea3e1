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
    + '(approveCredit → SIGNED; rejectCredit → DRAFT). SIGNED → ACTIVE on the start date and ACTIVE → EXPIRED after the end date (the hourly job); '
    + 'SIGNED/ACTIVE → TERMINATED by terminateContract.',
  valuesConfig: {
    DRAFT: { description: 'Being prepared; the only status in which it can be edited.' },
    PENDING_CREDIT_APPROVAL: { description: 'Signing would take the customer over its credit limit: waits for FINANCE (approveCredit → SIGNED, rejectCredit → DRAFT).' },
    SIGNED: { description: 'Signed; its receivables exist. Becomes ACTIVE on the start date.' },
    ACTIVE: { description: 'Running: between its start and end dates.' },
    EXPIRED: { description: 'Ran until its end date; final.' },
    TERMINATED: { description: 'Ended early by terminateContract; final.' },
  },
});

export enum ReceivableStatus { OPEN = 'OPEN', OVERDUE = 'OVERDUE', SETTLED = 'SETTLED' }
registerEnumType(ReceivableStatus, {
  name: 'ReceivableStatus',
  description: 'Where a receivable stands.',
  valuesConfig: {
    OPEN: { description: 'Money outstanding, not yet due (or not yet flagged by the overdue job).' },
    OVERDUE: { description: 'Past its due date with money outstanding (flagged by the overdue job; stays OVERDUE while partly paid).' },
    SETTLED: { description: 'Paid in full; it leaves the open list.' },
  },
});

export enum DunningStage { REMINDER = 'REMINDER', NOTICE = 'NOTICE', ESCALATED = 'ESCALATED', COLLECTION_AGENCY = 'COLLECTION_AGENCY' }
registerEnumType(DunningStage, {
  name: 'DunningStage',
  description: 'How far collection of an overdue receivable has gone, by days overdue. Stages only move forward.',
  valuesConfig: {
    REMINDER: { description: '1–14 days overdue: a friendly reminder.' },
    NOTICE: { description: '15–30 days overdue: a formal notice.' },
    ESCALATED: { description: '31–60 days overdue: escalated to the account owner\'s manager and finance.' },
    COLLECTION_AGENCY: { description: 'More than 60 days overdue: handed to a collection agency.' },
  },
});

export enum PaymentMethod { BANK_TRANSFER = 'BANK_TRANSFER', CARD = 'CARD', CASH = 'CASH', CHEQUE = 'CHEQUE', DIRECT_DEBIT = 'DIRECT_DEBIT', OTHER = 'OTHER' }
registerEnumType(PaymentMethod, {
  name: 'PaymentMethod',
  description: 'How a payment was made.',
  valuesConfig: {
    BANK_TRANSFER: { description: 'Bank transfer (give the bank reference).' },
    CARD: { description: 'Credit or debit card.' },
    CASH: { description: 'Paid in cash.' },
    CHEQUE: { description: 'Cheque (give its number as the reference).' },
    DIRECT_DEBIT: { description: 'Collected by direct debit from the customer\'s account.' },
    OTHER: { description: 'Anything else (say what in the note).' },
  },
});

export enum PaymentTerms { PREPAID = 'PREPAID', ON_ACCOUNT = 'ON_ACCOUNT' }
registerEnumType(PaymentTerms, {
  name: 'PaymentTerms',
  description: 'PREPAID: paid at checkout, no receivable, no credit check. ON_ACCOUNT: billed when FULFILLED (a receivable due 30 days later), '
    + 'counted in the credit exposure while unbilled, and credit-checked when pushed.',
  valuesConfig: {
    PREPAID: { description: 'Paid at checkout: no receivable, no credit check.' },
    ON_ACCOUNT: { description: 'Paid later: credit-checked when pushed, billed when FULFILLED with a receivable due 30 days later.' },
  },
});

export enum CreditHoldStatus { PENDING = 'PENDING', APPROVED = 'APPROVED', REJECTED = 'REJECTED', WITHDRAWN = 'WITHDRAWN' }
registerEnumType(CreditHoldStatus, {
  name: 'CreditHoldStatus',
  description: 'Where a credit hold stands: PENDING (waiting for FINANCE), APPROVED, REJECTED, or WITHDRAWN.',
  valuesConfig: {
    PENDING: { description: 'Waiting for a FINANCE decision (approveCredit / rejectCredit).' },
    APPROVED: { description: 'FINANCE approved: the order went on (PENDING) or the contract was signed.' },
    REJECTED: { description: 'FINANCE rejected: the order was cancelled or the contract went back to DRAFT.' },
    WITHDRAWN: { description: 'The held order was cancelled (by the partner or staff) before FINANCE decided; nothing is left to decide.' },
  },
});

export enum CreditHoldReason { OVER_LIMIT = 'OVER_LIMIT', NO_CREDIT_LIMIT = 'NO_CREDIT_LIMIT', CURRENCY_MISMATCH = 'CURRENCY_MISMATCH' }
registerEnumType(CreditHoldReason, {
  name: 'CreditHoldReason',
  description: 'Why it was held: OVER_LIMIT (exposure + amount > limit), NO_CREDIT_LIMIT (the customer was never assessed: no credit granted), '
    + 'CURRENCY_MISMATCH (the amount is in another currency than the credit limit, or a debt in another currency has no exchange rate today, so it cannot be compared).',
  valuesConfig: {
    OVER_LIMIT: { description: 'Exposure (outstanding + unbilled) plus this amount would exceed the credit limit.' },
    NO_CREDIT_LIMIT: { description: 'The customer was never assessed, so no credit has been granted.' },
    CURRENCY_MISMATCH: { description: 'The amount is in another currency than the credit limit, or a debt of the customer in another currency has no exchange rate for today (its exposure is unknown), so the two cannot be compared.' },
  },
});

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Order } from '../entities/order.entity';
import { MAX_STATEMENT_DAYS, STATEMENT_LINE_CAP } from '../services/statement.service';
import { DecimalScalar, LocalDateScalar } from './scalars';

export enum StatementLineKind { RECEIVABLE = 'RECEIVABLE', PAYMENT = 'PAYMENT', WRITE_OFF = 'WRITE_OFF' }
registerEnumType(StatementLineKind, {
  name: 'StatementLineKind',
  description: 'What a statement line records.',
  valuesConfig: {
    RECEIVABLE: { description: 'A receivable (invoice) issued to the account: increases the balance (`debit`).' },
    PAYMENT: { description: 'A payment applied to the account\'s invoices on that day: decreases the balance (`credit`).' },
    WRITE_OFF: {
      description: 'A receivable written off as bad debt (writeOffReceivable), on the UTC date it was written off: decreases the balance by the amount written off '
        + '(`credit`, = what was outstanding on it), so the balance is what the account still owes.',
    },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One money movement on an account statement, with the balance after it.' })
export class StatementLine {
  @Field(() => StatementLineKind, { description: 'RECEIVABLE (billed), PAYMENT (paid) or WRITE_OFF (written off as bad debt).' })
  kind!: StatementLineKind;

  @Field(() => LocalDateScalar, {
    description: 'When the receivable was issued, the payment received, or the receivable written off (UTC date) — or, for the part of a payment allocated to an invoice '
      + 'issued after it was received, the invoice\'s issue day (until then that part is unapplied credit).',
  })
  date!: string;

  @Field(() => String, { nullable: true, description: 'The invoice number ("INV-000042") of a receivable or write-off; the bank reference, cheque number, … of a payment (null when it has none).' })
  reference!: string | null;

  @Field({ description: 'What was billed (e.g. "Order WEB-1001", "CT-000042 instalment 2 of 3"), or "Payment (BANK_TRANSFER)" — '
    + 'with " received 2026-11-02, applied" when it was received before the day it is applied on —, or for a write-off "Written off (bad debt): " and what was billed.' })
  description!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Amount billed (decimal string, statement currency); null on a payment line.' })
  debit!: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Amount of the payment applied on this day (decimal string, statement currency): on its received day the amount less its allocations to invoices '
      + 'issued later; on such an invoice\'s issue day the allocations to the invoices issued that day. On a WRITE_OFF line the amount written off. Null on a receivable line.',
  })
  credit!: string | null;

  @Field(() => DecimalScalar, { description: 'Balance of the account after this line: opening balance + debits − credits so far (decimal string; positive = the account owes).' })
  balance!: string;

  @Field(() => ID, { nullable: true, description: 'The receivable (`rcv_…`) of a RECEIVABLE or WRITE_OFF line; null on a payment line.' })
  receivableId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The payment (`pay_…`) of a PAYMENT line; null on a receivable line.' })
  paymentId!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What one account owes in one currency over a period, reconciled: closingBalance = openingBalance + billed − paid − writtenOff, '
    + 'closingUnappliedCredit = openingUnappliedCredit + received − paid, closingBalance = due + notYetDue. '
    + 'A payment counts against an invoice from the later of its received day and the invoice\'s issue day; before that it is unapplied credit. '
    + `A period covers at most ${MAX_STATEMENT_DAYS} days; \`lines\` and \`orders\` keep the earliest ${STATEMENT_LINE_CAP} entries each (see \`truncated\`), the amounts always cover the whole period.`,
})
export class AccountStatement {
  @Field(() => ID, { description: 'The account: the customer (`cus_…`) billed.' })
  accountId!: string;

  @Field({ description: 'ISO 4217 currency of every amount of this statement (an account has one statement per currency).' })
  currency!: string;

  @Field(() => LocalDateScalar, { description: 'First day of the period (included).' })
  from!: string;

  @Field(() => LocalDateScalar, { description: 'Last day of the period (included).' })
  to!: string;

  @Field(() => DecimalScalar, {
    description: 'Balance before `from`: receivables issued before `from` − payments received before `from`, except their allocations to invoices issued on or after `from` '
      + '(those are openingUnappliedCredit until the invoice is issued) − receivables written off before `from` — what the account owes on its invoices '
      + '(decimal string; positive = the account owes; never negative for payments recorded with recordPayment, which are fully allocated).',
  })
  openingBalance!: string;

  @Field(() => DecimalScalar, {
    description: 'Unapplied credit before `from`: the allocations of payments received before `from` to invoices issued on or after `from` — money received for '
      + 'invoices that did not exist yet; not deducted from openingBalance (decimal string, "0.00" when none).',
  })
  openingUnappliedCredit!: string;

  @Field(() => DecimalScalar, { description: 'Sum of the receivables issued in the period (decimal string).' })
  billed!: string;

  @Field(() => DecimalScalar, {
    description: 'Money applied in the period: payments received in the period less their allocations to invoices issued after their received day, plus the '
      + 'allocations of earlier payments to invoices issued in the period on or before their issue day — the sum of the PAYMENT lines (decimal string).',
  })
  paid!: string;

  @Field(() => DecimalScalar, { description: 'Sum of the payments received in the period, applied or not (decimal string): the cash that came in.' })
  received!: string;

  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts written off as bad debt in the period (WRITE_OFF lines: receivables whose UTC write-off date is in the period; decimal string).',
  })
  writtenOff!: string;

  @Field(() => DecimalScalar, {
    description: 'Balance at the end of `to`: openingBalance + billed − paid − writtenOff (decimal string): what the account still owes on its invoices; '
      + 'the next period\'s openingBalance.',
  })
  closingBalance!: string;

  @Field(() => DecimalScalar, {
    description: 'Unapplied credit at the end of `to`: openingUnappliedCredit + received − paid (allocations of payments received by `to` to invoices issued after `to`); '
      + 'the next period\'s openingUnappliedCredit. The net position is closingBalance − closingUnappliedCredit.',
  })
  closingUnappliedCredit!: string;

  @Field(() => DecimalScalar, {
    description: 'The part of closingBalance due by `to`: closingBalance − notYetDue, i.e. the receivables issued by `to` with a due date on or before `to`, outstanding as of `to` '
      + '(amount − allocations of payments received by `to` − the amount written off by `to`). due + notYetDue = closingBalance; unapplied credit is in neither.',
  })
  due!: string;

  @Field(() => DecimalScalar, {
    description: 'The part of closingBalance not yet due at `to`: receivables issued by `to` with a due date after `to`, outstanding as of `to` '
      + '(amount − allocations of payments received by `to` − the amount written off by `to`).',
  })
  notYetDue!: string;

  @Field(() => Int, { description: 'How many lines the period has: receivables issued, (payment, day applied) pairs and write-offs (lines beyond the cap included).' })
  lineCount!: number;

  @Field(() => Int, { description: 'How many orders billed to the account were created in the period (beyond the cap included).' })
  orderCount!: number;

  @Field({ description: `True when \`lines\` or \`orders\` was cut at ${STATEMENT_LINE_CAP} entries: ask for a shorter period to see them all.` })
  truncated!: boolean;

  @Field(() => [StatementLine], {
    description: `Receivables issued, payments applied (one line per payment and day applied) and receivables written off in the period, oldest first `
      + `(on the same day: receivables, then payments, then write-offs, each by document number and instalment), at most ${STATEMENT_LINE_CAP} (the earliest).`,
  })
  lines!: StatementLine[];

  @Field(() => [Order], {
    description: 'Orders billed to the account (for a partner: the orders it pushed for itself and its customers) created in the period (UTC days), in this currency, '
      + `oldest first, at most ${STATEMENT_LINE_CAP}. For information: an ON_ACCOUNT order enters the balance as a receivable when it is billed (FULFILLED); a PREPAID order never does.`,
  })
  orders!: Order[];
}

import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DunningStage, PaymentMethod, ReceivableStatus } from '../entities/finance.enums';
import { Payment } from '../entities/payment.entity';
import { Receivable } from '../entities/receivable.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, DecimalFilter, IdFilter, LocalDateFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, LocalDateScalar } from './scalars';
import type * as payments from '../services/payment.service';
import { RECEIVABLE_FILTER, RECEIVABLE_ORDER } from '../services/receivable.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { PAYMENT_FILTER, PAYMENT_ORDER } from '../services/payment.service';
import type { SortFieldOf } from '../services/read-model';

export const ReceivableConnection = connectionType(Receivable, 'Receivable');
export const PaymentConnection = connectionType(Payment, 'Payment');

const ReceivableStatusFilter = enumFilter(ReceivableStatus, 'ReceivableStatus');
const DunningStageFilter = enumFilter(DunningStage, 'DunningStage');
const PaymentMethodFilter = enumFilter(PaymentMethod, 'PaymentMethod');

// ---------------------------------------------------------------------------------------- receivables

@InputType({ description: 'Which receivables to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class ReceivableFilter {
  @Field(() => [ReceivableFilter], { nullable: true, description: 'All of these hold.' }) and?: ReceivableFilter[];
  @Field(() => [ReceivableFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ReceivableFilter[];
  @Field(() => ReceivableFilter, { nullable: true, description: 'This does not hold.' }) not?: ReceivableFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The receivable id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer who owes it.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The contract it bills an instalment of (`isNull: true`: receivables of orders).' }) contractId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The order it bills (`isNull: true`: receivables of contracts).' }) orderId?: IdFilter;
  @Field(() => ReceivableStatusFilter, { nullable: true, description: 'The status (OPEN, OVERDUE, SETTLED, WRITTEN_OFF).' }) status?: unknown;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency, e.g. `{ eq: "EUR" }`.' }) currency?: StringFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The amount billed (regardless of currency).' }) amount?: DecimalFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The due date.' }) dueDate?: LocalDateFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The day it was billed.' }) issuedOn?: LocalDateFilter;
  @Field(() => DunningStageFilter, { nullable: true, description: 'The collection stage (`isNull: true`: never overdue).' }) dunningStage?: unknown;
  @Field(() => Boolean, { nullable: true, description: 'true: money is still outstanding (OPEN or OVERDUE); false: SETTLED or WRITTEN_OFF.' }) open?: boolean;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Time of the last change (see `Receivable.updatedAt`). Pollers: `{ gt: <the updatedAt of the last record you processed> }` with `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.' }) updatedAt?: DateTimeFilter;
}

export const ReceivableOrderField = sortEnum(RECEIVABLE_ORDER, 'ReceivableOrderField', 'Fields receivables can be sorted by.');
export type ReceivableOrderField = SortFieldOf<typeof RECEIVABLE_ORDER>;
export type ReceivableFilterMatchesService = Assert<SameFilterFields<ReceivableFilter, typeof RECEIVABLE_FILTER>>;

@InputType({ description: 'One sort key for receivables; list several to break ties. The id always breaks the last tie.' })
export class ReceivableOrderBy {
  @Field(() => ReceivableOrderField, { description: 'What to sort by.' }) field!: ReceivableOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

// ---------------------------------------------------------------------------------------- payments

@InputType({ description: 'Which payments to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class PaymentFilter {
  @Field(() => [PaymentFilter], { nullable: true, description: 'All of these hold.' }) and?: PaymentFilter[];
  @Field(() => [PaymentFilter], { nullable: true, description: 'At least one of these holds.' }) or?: PaymentFilter[];
  @Field(() => PaymentFilter, { nullable: true, description: 'This does not hold.' }) not?: PaymentFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The payment id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer who paid.' }) customerId?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency.' }) currency?: StringFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The amount received (regardless of currency).' }) amount?: DecimalFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The day the money was received.' }) receivedOn?: LocalDateFilter;
  @Field(() => PaymentMethodFilter, { nullable: true, description: 'How it was paid.' }) method?: unknown;
}

export const PaymentOrderField = sortEnum(PAYMENT_ORDER, 'PaymentOrderField', 'Fields payments can be sorted by.');
export type PaymentOrderField = SortFieldOf<typeof PAYMENT_ORDER>;
export type PaymentFilterMatchesService = Assert<SameFilterFields<PaymentFilter, typeof PAYMENT_FILTER>>;

@InputType({ description: 'One sort key for payments; list several to break ties. The id always breaks the last tie.' })
export class PaymentOrderBy {
  @Field(() => PaymentOrderField, { description: 'What to sort by.' }) field!: PaymentOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'The part of a payment to apply to one receivable.' })
export class PaymentAllocationInput {
  @Field(() => ID, { description: 'An open (OPEN or OVERDUE; never SETTLED or WRITTEN_OFF) receivable of the paying customer, in the payment\'s currency; each receivable at most once.' })
  receivableId!: string;

  @Field(() => DecimalScalar, { description: 'Amount to apply (> 0, at most 2 decimals), at most what is outstanding on the receivable.' })
  amount!: string;
}

@InputType({ description: 'Money received from a customer.' })
export class RecordPaymentInput implements payments.RecordPaymentInput {
  @Field(() => ID, { description: 'The customer who paid.' }) customerId!: string;
  @Field(() => DecimalScalar, {
    description: 'Amount received (> 0, at most 2 decimals), in `currency`. At most what the customer owes in that currency in all: more is an overpayment (BUSINESS_RULE on input.amount).',
  }) amount!: string;
  @Field({ description: 'ISO 4217 currency, e.g. "EUR"; only receivables in this currency are paid.' }) currency!: string;
  @Field(() => LocalDateScalar, { description: 'The day the money was received; not in the future (at most one day after today in UTC, for time zones ahead of UTC).' }) receivedOn!: string;
  @Field(() => PaymentMethod, { description: 'How it was paid.' }) method!: PaymentMethod;
  @Field(() => String, { nullable: true, description: 'Bank reference, cheque number, … (1–100 characters).' }) reference?: string | null;
  @Field(() => String, { nullable: true, description: 'Internal note (1–2000 characters); not shown to partners.' }) note?: string | null;
  @Field(() => [PaymentAllocationInput], {
    nullable: true,
    description: 'Which receivables to pay and how much of each (1–500 entries, summing exactly to `amount`). '
      + 'Omitted: the oldest open receivables in the currency first (due date, issue date, invoice number), the last one possibly partly. '
      + 'Errors name the entry, e.g. ["input","allocations","1","amount"].',
  }) allocations?: PaymentAllocationInput[] | null;
}

@ObjectType({ description: 'Result of recording a payment.' })
export class PaymentPayload {
  @Field(() => Payment, { nullable: true, description: 'The payment with its allocations; null when `errors` is not empty (then nothing was written).' }) payment!: Payment | null;
  @Field(() => [UserError], { description: 'Why the payment was refused; empty on success.' }) errors!: UserError[];
}

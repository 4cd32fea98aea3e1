import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CreditAssessment, CreditHold } from '../entities/credit.entity';
import { Customer } from '../entities/customer.entity';
import { CreditRating } from '../entities/enums';
import { CreditHoldReason, CreditHoldStatus } from '../entities/finance.enums';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, DecimalFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar } from './scalars';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { CREDIT_HOLD_FILTER, CREDIT_HOLD_ORDER } from '../services/credit.service';
import type { SortFieldOf } from '../services/read-model';

export const CreditHoldConnection = connectionType(CreditHold, 'CreditHold');
export const CreditAssessmentConnection = connectionType(CreditAssessment, 'CreditAssessment');

const CreditHoldStatusFilter = enumFilter(CreditHoldStatus, 'CreditHoldStatus');
const CreditHoldReasonFilter = enumFilter(CreditHoldReason, 'CreditHoldReason');

@InputType({ description: 'Which credit holds to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class CreditHoldFilter {
  @Field(() => [CreditHoldFilter], { nullable: true, description: 'All of these hold.' }) and?: CreditHoldFilter[];
  @Field(() => [CreditHoldFilter], { nullable: true, description: 'At least one of these holds.' }) or?: CreditHoldFilter[];
  @Field(() => CreditHoldFilter, { nullable: true, description: 'This does not hold.' }) not?: CreditHoldFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The hold id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer whose credit is concerned (for a partner\'s resale order: the partner, who is billed).' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The held order (`isNull: false` keeps holds of orders).' }) orderId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The held contract (`isNull: false` keeps holds of contracts).' }) contractId?: IdFilter;
  @Field(() => CreditHoldStatusFilter, { nullable: true, description: 'PENDING, APPROVED, REJECTED or WITHDRAWN.' }) status?: unknown;
  @Field(() => CreditHoldReasonFilter, { nullable: true, description: 'Why it was held.' }) reason?: unknown;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency of the held amount.' }) currency?: StringFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The held amount (regardless of currency).' }) amount?: DecimalFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When it was held.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When it was decided (`isNull: true`: still pending).' }) decidedAt?: DateTimeFilter;
}

export const CreditHoldOrderField = sortEnum(CREDIT_HOLD_ORDER, 'CreditHoldOrderField', 'Fields credit holds can be sorted by.');
export type CreditHoldOrderField = SortFieldOf<typeof CREDIT_HOLD_ORDER>;
export type CreditHoldFilterMatchesService = Assert<SameFilterFields<CreditHoldFilter, typeof CREDIT_HOLD_FILTER>>;

@InputType({ description: 'One sort key for credit holds; list several to break ties. The id always breaks the last tie.' })
export class CreditHoldOrderBy {
  @Field(() => CreditHoldOrderField, { description: 'What to sort by.' }) field!: CreditHoldOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'A credit assessment of a customer by FINANCE: it becomes the customer\'s current rating and limit (earlier assessments stay in the history).' })
export class AssessCreditInput {
  @Field(() => ID, { description: 'The customer (NOT_FOUND when it does not exist or was deleted).' }) customerId!: string;
  @Field(() => CreditRating, { description: 'Rating A (best) to D.' }) rating!: CreditRating;
  @Field(() => DecimalScalar, { description: 'Credit limit granted, ≥ 0 with at most 2 decimals, e.g. "50000.00" ("0" grants no credit: every ON_ACCOUNT order is held).' }) limit!: string;
  @Field({ description: 'ISO 4217 currency of the limit, e.g. "EUR". ON_ACCOUNT orders and contracts in another currency are held (CURRENCY_MISMATCH).' }) currency!: string;
  @Field(() => String, { nullable: true, description: 'Why (at most 1000 characters), e.g. "Audited accounts 2025, no payment incidents".' }) note?: string | null;
}

@InputType({ description: 'Approve a pending credit hold: the order is released (→ PENDING) or the contract is signed (→ SIGNED, receivables issued).' })
export class ApproveCreditInput {
  @Field(() => ID, { description: 'The hold (`crh_…`).' }) holdId!: string;
  @Field(() => Int, { description: 'The version of the hold you read; a stale one is a CONFLICT.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Why (at most 1000 characters); optional.' }) note?: string | null;
}

@InputType({ description: 'Reject a pending credit hold: the order is CANCELLED, or the contract goes back to DRAFT.' })
export class RejectCreditInput {
  @Field(() => ID, { description: 'The hold (`crh_…`).' }) holdId!: string;
  @Field(() => Int, { description: 'The version of the hold you read; a stale one is a CONFLICT.' }) version!: number;
  @Field({ description: 'Why (1–1000 characters, required): the sales side reads it to explain the refusal to the customer.' }) note!: string;
}

@ObjectType({ description: 'Result of assessCredit.' })
export class CreditAssessmentPayload {
  @Field(() => CreditAssessment, { nullable: true, description: 'The new assessment; null when `errors` is not empty.' }) assessment!: CreditAssessment | null;
  @Field(() => Customer, { nullable: true, description: 'The customer with its new rating, limit and currency; null when `errors` is not empty.' }) customer!: Customer | null;
  @Field(() => [UserError], { description: 'Why the assessment was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of approveCredit / rejectCredit.' })
export class CreditHoldPayload {
  @Field(() => CreditHold, { nullable: true, description: 'The decided hold (its `order` / `contract` show the new status); null when `errors` is not empty.' }) creditHold!: CreditHold | null;
  @Field(() => [UserError], { description: 'Why the decision was refused; empty on success.' }) errors!: UserError[];
}

import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Contract } from '../entities/contract.entity';
import { ContractStatus } from '../entities/finance.enums';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, DecimalFilter, IdFilter, LocalDateFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, LocalDateScalar } from './scalars';
import type * as contracts from '../services/contract.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { CONTRACT_FILTER, CONTRACT_ORDER } from '../services/contract.service';
import type { SortFieldOf } from '../services/read-model';

export const ContractConnection = connectionType(Contract, 'Contract');

const ContractStatusFilter = enumFilter(ContractStatus, 'ContractStatus');

@InputType({ description: 'Which contracts to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class ContractFilter {
  @Field(() => [ContractFilter], { nullable: true, description: 'All of these hold.' }) and?: ContractFilter[];
  @Field(() => [ContractFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ContractFilter[];
  @Field(() => ContractFilter, { nullable: true, description: 'This does not hold.' }) not?: ContractFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The contract id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer id.' }) customerId?: IdFilter;
  @Field(() => ContractStatusFilter, { nullable: true, description: 'The status.' }) status?: unknown;
  @Field(() => IdFilter, { nullable: true, description: 'The owner (a user id).' }) ownerId?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency, e.g. "EUR".' }) currency?: StringFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The total value (the number, regardless of currency).' }) value?: DecimalFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The first day of the contract.' }) startDate?: LocalDateFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The last day of the contract; `isNull: true` lists open-ended contracts.' }) endDate?: LocalDateFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The renewal date; `isNull: true` lists contracts without one.' }) renewalDate?: LocalDateFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
}

export const ContractOrderField = sortEnum(CONTRACT_ORDER, 'ContractOrderField', 'Fields contracts can be sorted by.');
export type ContractOrderField = SortFieldOf<typeof CONTRACT_ORDER>;
export type ContractFilterMatchesService = Assert<SameFilterFields<ContractFilter, typeof CONTRACT_FILTER>>;

@InputType({ description: 'One sort key for contracts; list several to break ties. The id always breaks the last tie.' })
export class ContractOrderBy {
  @Field(() => ContractOrderField, { description: 'What to sort by.' }) field!: ContractOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@ObjectType({ description: 'One instalment of a contract\'s payment terms, with the amount it bills (the receivable it has or will have once signed).' })
export class ContractInstalment {
  @Field(() => Int, { description: 'Which instalment: 1, 2, … in due-date order (the receivable\'s `instalment`).' }) position!: number;
  @Field(() => LocalDateScalar, { description: 'When it is due.' }) dueDate!: string;
  @Field(() => LocalDateScalar, {
    description: 'When it is invoiced (becomes a receivable): the date given on the instalment, or its due date − the contract\'s `billingTermsDays`; '
      + 'an instalment whose invoice date is on or before the signing day is invoiced at signing.',
  }) invoiceDate!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Its share of the contract value in percent (e.g. "33.33"); null when the value is split equally.' })
  percent!: string | null;
  @Field(() => DecimalScalar, {
    description: 'The amount in the contract\'s currency (decimal string): value × percent / 100 (or value / number of instalments) rounded half-up to cents; '
      + 'the last instalment takes the remainder, so the amounts sum to exactly the value.',
  }) amount!: string;
}

@InputType({ description: 'One instalment of the payment terms.' })
export class ContractInstalmentInput {
  @Field(() => LocalDateScalar, { description: 'When it is due; due dates must be strictly ascending.' }) dueDate!: string;
  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'When to invoice it (it becomes a receivable on that day; at signing if the day has come by then), on or before the due date '
      + '(VALIDATION on `input.instalments.<i>.invoiceDate` otherwise). Omitted: the due date − the contract\'s `billingTermsDays`.',
  }) invoiceDate?: string | null;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Share of the value in percent, more than 0 with at most 2 decimals (e.g. "33.33"). Give it on every instalment (summing to exactly 100) or on none (equal split).',
  }) percent?: string | null;
}

@InputType({ description: 'A new DRAFT contract on a customer you may write contracts for.' })
export class CreateContractInput implements contracts.CreateContractInput {
  @Field(() => ID, { description: 'The customer (ADMIN and FINANCE: any; managers and reps: customers in their scope; NOT_FOUND otherwise).' }) customerId!: string;
  @Field({ description: 'What the contract is for (1–200 characters).' }) title!: string;
  @Field(() => DecimalScalar, { description: 'Total value, more than 0 with at most 2 decimals, e.g. "12000.00".' }) value!: string;
  @Field({ description: 'ISO 4217 currency of the value, e.g. "EUR".' }) currency!: string;
  @Field(() => LocalDateScalar, { description: 'First day of the contract.' }) startDate!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day (not before the start); omit for an open-ended contract.' }) endDate?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'When to negotiate the renewal (not before the start); omit when none is planned.' }) renewalDate?: string | null;
  @Field(() => ID, { nullable: true, description: 'Owner (a sales user); the customer\'s owner when omitted. A rep always owns their contracts; a manager may pick anyone in their team.' })
  ownerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Internal notes (up to 4000 characters; never shown to partners).' }) notes?: string | null;
  @Field(() => [ContractInstalmentInput], {
    description: 'Payment terms: 1–120 instalments with strictly ascending due dates; percents on all (summing to 100) or none (equal split). '
      + 'Every instalment must come out more than 0 (VALIDATION on `input.instalments` otherwise).',
  }) instalments!: ContractInstalmentInput[];
  @Field(() => Int, {
    nullable: true,
    description: 'Billing terms: days before its due date an instalment without its own `invoiceDate` is invoiced (invoice date = due date − this), '
      + '0–365 (0 = invoiced on the due date; VALIDATION on `input.billingTermsDays` otherwise). Omitted or null: 30.',
  }) billingTermsDays?: number | null;
}

@InputType({ description: 'Changes to a DRAFT contract (BUSINESS_RULE once signed). An omitted field is left as it is; null clears an optional one. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateContractInput implements contracts.UpdateContractInput {
  @Field(() => ID, { description: 'The contract.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'What the contract is for (1–200 characters).' }) title?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Total value, more than 0 with at most 2 decimals.' }) value?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the value.' }) currency?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'First day of the contract.' }) startDate?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day; null makes the contract open-ended.' }) endDate?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Renewal date; null removes it.' }) renewalDate?: string | null;
  @Field(() => ID, { nullable: true, description: 'New owner (a rep may only name themselves; a manager anyone in their team).' }) ownerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Internal notes; null clears them.' }) notes?: string | null;
  @Field(() => [ContractInstalmentInput], { nullable: true, description: 'New payment terms (replace all instalments; same rules as on create).' })
  instalments?: ContractInstalmentInput[] | null;
  @Field(() => Int, {
    nullable: true,
    description: 'New billing terms in days, 0–365 (same rules as on create; VALIDATION on `input.billingTermsDays` otherwise). '
      + 'Fixed once signed: signing schedules the instalments with the billing terms the contract has then.',
  }) billingTermsDays?: number | null;
}

@InputType({ description: 'Sign a DRAFT contract. Pass the `version` you read; a stale one is a CONFLICT.' })
export class SignContractInput implements contracts.SignContractInput {
  @Field(() => ID, { description: 'The contract.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
}

@InputType({ description: 'Terminate a SIGNED or ACTIVE contract. Pass the `version` you read; a stale one is a CONFLICT.' })
export class TerminateContractInput implements contracts.TerminateContractInput {
  @Field(() => ID, { description: 'The contract.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Why (up to 1000 characters); recorded in the customer\'s history.' }) reason?: string | null;
}

@ObjectType({ description: 'Result of a contract mutation.' })
export class ContractPayload {
  @Field(() => Contract, { nullable: true, description: 'The contract after the change; null when `errors` is not empty.' }) contract!: Contract | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success (then nothing was changed).' }) errors!: UserError[];
}

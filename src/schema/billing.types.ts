import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AppliedRate } from './exchange-rate.types';
import { DecimalScalar, LocalDateScalar } from './scalars';

/**
 * Scheduled billing (issue 14, definition 2): a signed contract's instalments on their way to becoming
 * receivables (`Contract.billingSchedule`, `Contract.scheduledBilling`, the `scheduledBilling` report).
 * Amounts are decimal strings in the contract's currency.
 */

export enum BillingState { SCHEDULED = 'SCHEDULED', ISSUED = 'ISSUED', CANCELLED = 'CANCELLED' }

registerEnumType(BillingState, {
  name: 'BillingState',
  description: 'Where an instalment of a signed contract is in its billing.',
  valuesConfig: {
    SCHEDULED: { description: 'Not invoiced yet: no receivable; in no AR figure (summary, aging, statements, dunning); it does count in credit exposure (committed, like an unbilled order).' },
    ISSUED: { description: 'Invoiced: its receivable exists (issued at signing, or by the billing step of the overdue job on its invoice date).' },
    CANCELLED: { description: 'The contract was terminated before its invoice date: never billed.' },
  },
});

@ObjectType({ description: 'One instalment of a signed contract in its billing schedule.' })
export class ContractBillingLine {
  @Field(() => Int, { description: 'Which instalment: 1, 2, … in due-date order (the receivable\'s `instalment`).' })
  instalment!: number;

  @Field(() => LocalDateScalar, {
    description: 'When it is (or was to be) invoiced: the instalment\'s own invoice date, or its due date − the contract\'s `billingTermsDays` (its billing terms when signed). '
      + 'Invoiced at signing when this is on or before the signing day.',
  })
  invoiceDate!: string;

  @Field(() => LocalDateScalar, { description: 'When it is due.' })
  dueDate!: string;

  @Field(() => DecimalScalar, { description: 'The amount it bills, in `currency` (the split of the contract value, see `Contract.instalments`).' })
  amount!: string;

  @Field({ description: 'The ISO 4217 currency (the contract\'s).' })
  currency!: string;

  @Field(() => BillingState, { description: 'SCHEDULED (not yet a receivable), ISSUED (its receivable exists) or CANCELLED (terminated before billing).' })
  state!: BillingState;

  @Field(() => ID, { nullable: true, description: 'The receivable (`rcv_…`) once ISSUED; null while SCHEDULED or when CANCELLED.' })
  receivableId!: string | null;
}

@ObjectType({ description: 'Contract instalments scheduled for billing (not yet receivables), in one currency, optionally in one month of invoice dates.' })
export class ScheduledBillingRow {
  @Field({ description: 'The ISO 4217 currency of `amount`.' })
  currency!: string;

  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'With `byMonth`: the first day of the month (UTC) of the instalments\' invoice dates; null when not grouped by month.',
  })
  month!: string | null;

  @Field(() => DecimalScalar, {
    description: 'The sum of the amounts of the SCHEDULED instalments (signed contracts, invoice date not reached yet, not cancelled): money to be billed, '
      + 'not yet accounts receivable.',
  })
  amount!: string;

  @Field(() => Int, { description: 'How many SCHEDULED instalments make up `amount`.' })
  instalmentCount!: number;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the instalments of this row (one per source currency other than `in`, distinct, in a fixed order). '
      + 'Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

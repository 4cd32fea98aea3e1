import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SummaryGroupBy } from '../services/finance-report.service';
import { AppliedRate } from './exchange-rate.types';
import { DecimalScalar, LocalDateScalar } from './scalars';

/**
 * Result types of the finance reports (`receivablesSummary`, `agingReport`). Every number is computed
 * in SQL over the receivables in the caller's account scope; amounts are decimal strings in the row's
 * currency (currencies are never added together).
 */

registerEnumType(SummaryGroupBy, {
  name: 'ReceivablesSummaryGroupBy',
  description: 'How `receivablesSummary` groups the open receivables.',
  valuesConfig: {
    OWNER: { description: 'By the sales rep who owns the customer now (one row per owner and currency).' },
    CUSTOMER: { description: 'By customer (one row per customer and currency; the row also names the customer\'s owner).' },
  },
});

@ObjectType({ description: 'Open receivables of one owner or one customer, in one currency.' })
export class ReceivablesSummaryRow {
  @Field(() => ID, { description: 'The owner\'s id (`usr_…`): the sales rep who owns the customer(s) now.' })
  ownerId!: string;

  @Field(() => ID, { nullable: true, description: 'The customer\'s id (`cus_…`) when grouped by CUSTOMER; null when grouped by OWNER.' })
  customerId!: string | null;

  @Field({ description: 'The ISO 4217 currency of every amount of this row: the receivables\' currency, or the reporting currency `in` when given.' })
  currency!: string;

  @Field(() => DecimalScalar, { description: 'Money still owed: the sum of amount − paid amount of the receivables not SETTLED (decimal string, in `currency`).' })
  outstanding!: string;

  @Field(() => DecimalScalar, {
    description: 'The part of `outstanding` that is past due: receivables whose due date is before today (UTC), whether or not the hourly overdue job '
      + 'has flagged them yet ("0.00" when none).',
  })
  overdue!: string;

  @Field(() => Int, { description: 'How many receivables have money outstanding (not SETTLED), overdue ones included.' })
  openCount!: number;

  @Field(() => Int, { description: 'How many of those are past due (the receivables that make up `overdue`).' })
  overdueCount!: number;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the money of this row (one per source currency other than `in`, distinct, in a fixed order). '
      + 'Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'Aging of the money outstanding in one currency: how long past due it is, as of a date.' })
export class AgingRow {
  @Field(() => LocalDateScalar, { description: 'The date the ages are counted at (the `asOf` argument, or today in UTC).' })
  asOf!: string;

  @Field({ description: 'The ISO 4217 currency of every amount of this row: the receivables\' currency, or the reporting currency `in` when given.' })
  currency!: string;

  @Field(() => DecimalScalar, { description: 'Outstanding money not yet due as of `asOf` (due date on or after it).' })
  current!: string;

  @Field(() => DecimalScalar, { description: 'Outstanding money 1 to 30 days past due as of `asOf` (days = asOf − due date).' })
  days1To30!: string;

  @Field(() => DecimalScalar, { description: 'Outstanding money 31 to 60 days past due.' })
  days31To60!: string;

  @Field(() => DecimalScalar, { description: 'Outstanding money 61 to 90 days past due.' })
  days61To90!: string;

  @Field(() => DecimalScalar, { description: 'Outstanding money more than 90 days past due.' })
  over90!: string;

  @Field(() => DecimalScalar, { description: 'All outstanding money of this currency: the sum of the five buckets.' })
  total!: string;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the money of this row (one per source currency other than `in`, distinct, in a fixed order). '
      + 'Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

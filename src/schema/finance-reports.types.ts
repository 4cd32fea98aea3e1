import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CashPeriod } from '../services/finance-reports.service';
import { AppliedRate } from './exchange-rate.types';
import { DecimalScalar, LocalDateScalar } from './scalars';

/**
 * Result types of the finance reports of issue 14 (`daysSalesOutstanding`, `cashReceived`,
 * `customerAging`; services/finance-reports.service.ts). Amounts are decimal strings in the row's
 * currency: the receivables' or payments' own, or the reporting currency `in`.
 */

registerEnumType(CashPeriod, {
  name: 'CashPeriod',
  description: 'The periods `cashReceived` sums by.',
  valuesConfig: {
    DAY: { description: 'Each calendar day.' },
    WEEK: { description: 'ISO weeks, Monday to Sunday (the first and last cut to the range).' },
    MONTH: { description: 'Calendar months (the first and last cut to the range).' },
  },
});

const RATES = 'With `in`: the exchange rates applied to the money of this row (distinct, in a fixed order; amounts already in `in` convert at 1 and are not listed). Without `in`: empty.';

@ObjectType({ description: 'Days sales outstanding of one calendar month in one currency (period-end method).' })
export class DsoRow {
  @Field({ description: 'The month, "YYYY-MM".' }) month!: string;
  @Field({ description: 'The ISO 4217 currency of the amounts: the receivables\' own, or the reporting currency `in`.' }) currency!: string;

  @Field(() => DecimalScalar, {
    description: 'AR at the end of the month: the money outstanding at the end of its last day — receivables issued on or before that day, amount minus the '
      + 'payments allocated to them received on or before it (as `agingReport` as of that day: payments received later are added back). With `in`: at the '
      + 'rate of the month\'s last day.',
  })
  receivablesAtEnd!: string;

  @Field(() => DecimalScalar, {
    description: 'Credit sales of the month: the sum of the amounts of the receivables issued in it (whatever has been paid since). With `in`: each at the '
      + 'rate of its issue date.',
  })
  creditSales!: string;

  @Field(() => Int, { description: 'Days in the month (28–31).' }) days!: number;

  @Field(() => Float, { nullable: true, description: 'DSO = receivablesAtEnd ÷ creditSales × days, rounded to 1 decimal; null when creditSales is 0.' })
  dso!: number | null;

  @Field(() => [AppliedRate], { description: RATES }) rates!: AppliedRate[];
}

@ObjectType({ description: 'The payments received in one period, in one currency.' })
export class CashReceivedRow {
  @Field(() => LocalDateScalar, { description: 'The first day of the period (of the range, for a period that starts before `from`).' }) start!: string;
  @Field(() => LocalDateScalar, { description: 'The last day of the period (of the range, for a period that ends after `to`).' }) end!: string;
  @Field({ description: 'The ISO 4217 currency of `amount`: the payments\' own, or the reporting currency `in`.' }) currency!: string;

  @Field(() => DecimalScalar, {
    description: 'The sum of the payments received (by `receivedOn`) from `start` to `end`, in `currency` ("0.00" when none); with `in`, each payment '
      + 'converted at the rate of its received date, rounded to the cent.',
  })
  amount!: string;

  @Field(() => Int, { description: 'How many payments make up `amount`.' }) count!: number;
  @Field(() => [AppliedRate], { description: RATES }) rates!: AppliedRate[];
}

@ObjectType({ description: 'Aging of one customer\'s outstanding money in one currency, as of a date (the buckets of `agingReport`).' })
export class CustomerAgingRow {
  @Field(() => ID, { description: 'The customer\'s id (`cus_…`).' }) customerId!: string;
  @Field(() => LocalDateScalar, { description: 'The date the ages are counted at (the `asOf` argument, or today in UTC).' }) asOf!: string;
  @Field({ description: 'The ISO 4217 currency of every amount of this row: the receivables\' own, or the reporting currency `in`.' }) currency!: string;
  @Field(() => DecimalScalar, { description: 'Outstanding money not yet due as of `asOf` (due date on or after it).' }) current!: string;
  @Field(() => DecimalScalar, { description: 'Outstanding money 1 to 30 days past due as of `asOf` (days = asOf − due date).' }) days1To30!: string;
  @Field(() => DecimalScalar, { description: 'Outstanding money 31 to 60 days past due.' }) days31To60!: string;
  @Field(() => DecimalScalar, { description: 'Outstanding money 61 to 90 days past due.' }) days61To90!: string;
  @Field(() => DecimalScalar, { description: 'Outstanding money more than 90 days past due.' }) over90!: string;
  @Field(() => DecimalScalar, { description: 'All of this customer\'s outstanding money in `currency`: the sum of the five buckets.' }) total!: string;
  @Field(() => [AppliedRate], { description: RATES }) rates!: AppliedRate[];
}

import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SalesQuota } from '../entities/sales-quota.entity';
import type * as quotas from '../services/quota.service';
import { AppliedRate } from './exchange-rate.types';
import { UserError } from './payload';
import { DecimalScalar } from './scalars';

/**
 * Sales quotas and their attainment (services/quota.service.ts). Reads follow the analytics scope: a
 * SALES_REP their own, a SALES_MANAGER their team's (themselves and everyone below), ADMIN, FINANCE and
 * ANALYST everyone's (the `user` fields follow the User rules: no names for ANALYST).
 */

@InputType({ description: 'The quota of a sales user for a month (replaces the one set before for that month).' })
export class SetQuotaInput implements quotas.SetQuotaInput {
  @Field(() => ID, { description: 'The sales user (SALES_REP or SALES_MANAGER, active). A SALES_MANAGER may name only the users below them; others: NOT_FOUND.' })
  userId!: string;

  @Field({ description: 'The calendar month, "YYYY-MM".' }) month!: string;
  @Field(() => DecimalScalar, { description: 'The amount to win, ≥ 0 with at most 2 decimals, e.g. "50000.00".' }) amount!: string;
  @Field({ description: 'ISO 4217 currency of the amount, e.g. "EUR".' }) currency!: string;
}

@ObjectType({ description: 'Result of `setQuota`.' })
export class SalesQuotaPayload {
  @Field(() => SalesQuota, { nullable: true, description: 'The quota as stored; null when `errors` is not empty.' }) quota!: SalesQuota | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Quota, won amount and attainment (of one user or of all listed users) in one month.' })
export class QuotaAttainmentFigures {
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The quota in the report\'s currency: of the user (null when they have none that month, or one in another currency); '
      + 'in a month\'s total, the sum of the users\' quotas (null when nobody has one).',
  })
  quota!: string | null;

  @Field(() => DecimalScalar, {
    description: 'Sum of the amounts of the deals WON in the month (by `closedAt`, UTC) in the report\'s currency, credited to their owner when it was won (recorded at close; reassigning the deal later does not move it); '
      + 'deleted deals and deals of deleted customers do not count. In a month\'s total: of all listed users ("0.00" when none).',
  })
  wonAmount!: string;

  @Field(() => Int, { description: 'How many deals make up `wonAmount`.' }) wonCount!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'wonAmount / quota (1 = quota reached; may exceed 1), rounded to 4 decimals; null when there is no quota or it is 0. '
      + 'In a month\'s total: the won amount of the users who have a quota that month / the sum of their quotas.',
  })
  attainment!: number | null;

  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rates applied to the quota and deals of this row (distinct, in a fixed order). Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'Attainment of one sales user in one month.' })
export class QuotaAttainmentRow extends QuotaAttainmentFigures {
  @Field(() => ID, { description: 'The sales user (`usr_…`).' }) userId!: string;
  @Field({ description: 'The month, "YYYY-MM".' }) month!: string;
}

@ObjectType({ description: 'All listed users together in one month.' })
export class QuotaAttainmentMonth extends QuotaAttainmentFigures {
  @Field({ description: 'The month, "YYYY-MM".' }) month!: string;
}

@ObjectType({ description: 'Quota attainment per sales user and month, and per month in total, in one currency.' })
export class QuotaAttainmentReport {
  @Field({ description: 'First month, "YYYY-MM".' }) from!: string;
  @Field({ description: 'Last month (included), "YYYY-MM".' }) to!: string;
  @Field({ description: 'ISO 4217 currency of every amount: `in` when given (quotas and deals in every currency, converted), else `currency` (others not counted).' })
  currency!: string;

  @Field(() => [QuotaAttainmentRow], {
    description: 'The users in your scope with a quota in `currency` in at least one month of the range, one entry per user and month '
      + '(every month of the range, also those without a quota): by month, then user id.',
  })
  rows!: QuotaAttainmentRow[];

  @Field(() => [QuotaAttainmentMonth], { description: 'One entry per month of the range, in order: the sums over `rows` of that month.' })
  months!: QuotaAttainmentMonth[];
}

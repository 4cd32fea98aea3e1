import { Args, ArgsType, Ctx, Field, Int, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { ExchangeRate } from '../entities/exchange-rate.entity';
import { ExchangeRatePayload, SetExchangeRateInput } from '../schema/exchange-rate.types';
import { LocalDateScalar } from '../schema/scalars';
import * as rates from '../services/exchange-rate.service';
import { InputArg } from './args';

@ArgsType()
class ExchangeRatesArgs {
  @Field(() => String, { nullable: true, description: 'Only rates converting from this ISO 4217 currency. Null: every currency.' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Only rates converting into this ISO 4217 currency. Null: every currency.' })
  to?: string | null;

  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'Only the rate of each pair in force on this day (the latest `validOn` on or before it). Null: every stored rate, newest first per pair.',
  })
  on?: string | null;

  @Field(() => Int, { defaultValue: rates.RATES_DEFAULT_LIMIT, description: `At most this many rates (1–${rates.RATES_MAX_LIMIT}).` })
  limit!: number;
}

/** Exchange rates: maintained by ADMIN and FINANCE, read by those who read the money reports (services/exchange-rate.service.ts). */
@Resolver()
export class ExchangeRateResolver {
  @Query(() => [ExchangeRate], {
    description: 'Stored exchange rates by pair (from, to), newest `validOn` first. The money reports convert with them when asked for a reporting currency (`in`). '
      + 'ADMIN, FINANCE, SALES_MANAGER and SALES_REP (the roles that read the money reports); other roles: FORBIDDEN.',
  })
  exchangeRates(@Args() args: ExchangeRatesArgs, @Ctx() ctx: GraphQLContext) {
    return rates.exchangeRates(serviceContext(ctx), args);
  }

  @Mutation(() => ExchangeRatePayload, {
    description: 'Set the exchange rate of a pair from a day on (ADMIN and FINANCE): one rate per pair and day, a second call for the same day replaces it. '
      + 'Errors (VALIDATION, `field` naming the input field): currencies not ISO 4217, `from` = `to`, rate not > 0 or with more than 10 decimals. '
      + 'Audited (entity type ExchangeRate, id "FROM/TO/YYYY-MM-DD", old and new rate).',
  })
  setExchangeRate(@InputArg() input: SetExchangeRateInput, @Ctx() ctx: GraphQLContext) {
    return rates.setExchangeRate(serviceContext(ctx), input);
  }
}

export const exchangeRateResolvers = [ExchangeRateResolver];

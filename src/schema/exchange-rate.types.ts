import { Field, InputType, ObjectType } from 'type-graphql';
import { ExchangeRate } from '../entities/exchange-rate.entity';
import { UserError } from './payload';
import { LocalDateScalar } from './scalars';

/**
 * Exchange rates (issue 14; the stored rate is the entity `ExchangeRate`): the input that sets one, and the rate a report applied
 * to convert into its reporting currency (`in`). Rates travel as decimal text with up to 10 decimals.
 */

@ObjectType({
  description: 'A rate a report applied to convert money into its reporting currency (`in`): the rate of `from` → `to` with the latest `validOn` on or '
    + 'before the line\'s date; when there is none, 1 / the latest `to` → `from` rate (rounded to 10 decimals; `inverse` true). Amounts already in the '
    + 'reporting currency convert at 1 and are not listed.',
})
export class AppliedRate {
  @Field({ description: 'The currency of the converted lines.' }) from!: string;
  @Field({ description: 'The reporting currency (`in`).' }) to!: string;
  @Field({ description: 'Units of `to` per unit of `from` that were applied, decimal text with 10 decimals.' }) rate!: string;
  @Field(() => LocalDateScalar, { description: 'The `validOn` of the stored rate used (of the `to` → `from` rate when `inverse`).' }) validOn!: string;
  @Field({ description: 'True when no `from` → `to` rate was in force and the rate is 1 / the stored `to` → `from` rate.' }) inverse!: boolean;
}

@InputType({ description: 'Sets the rate of a currency pair from a day on (replaces the rate of that pair and day if there is one).' })
export class SetExchangeRateInput {
  @Field({ description: 'ISO 4217 currency converted from, e.g. "USD".' }) from!: string;
  @Field({ description: 'ISO 4217 currency converted into, e.g. "EUR"; must differ from `from`.' }) to!: string;
  @Field(() => LocalDateScalar, { description: 'The first day the rate applies to.' }) validOn!: string;
  @Field({ description: 'Units of `to` per unit of `from`: a decimal > 0 with at most 10 integer digits and 10 decimals, as text, e.g. "0.9215".' }) rate!: string;
}

@ObjectType({ description: 'The result of `setExchangeRate`.' })
export class ExchangeRatePayload {
  @Field(() => ExchangeRate, { nullable: true, description: 'The stored rate; null when `errors` is not empty.' }) exchangeRate!: ExchangeRate | null;
  @Field(() => [UserError], { description: 'Why the rate was refused (`field` names the input field); empty on success.' }) errors!: UserError[];
}

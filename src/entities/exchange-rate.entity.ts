import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar, LocalDateScalar } from '../schema/scalars';

/**
 * An exchange rate of one currency pair from one day on (issue 14), maintained by ADMIN and FINANCE
 * (services/exchange-rate.service.ts); how reports use it: services/exchange-rate.ts. Global reference
 * data, not a `Node`: its key is the pair and the day.
 */
@Entity({ tableName: 'exchange_rate' })
@ObjectType({ simpleResolvers: true, description: 'A stored exchange rate: one unit of `from` buys `rate` units of `to`, from `validOn` until the next rate of the same pair.' })
export class ExchangeRate {
  [PrimaryKeyProp]?: ['from', 'to', 'validOn'];

  @PrimaryKey({ type: 'text', fieldName: 'from_currency' })
  @Field({ description: 'The ISO 4217 currency converted from.' })
  from!: string;

  @PrimaryKey({ type: 'text', fieldName: 'to_currency' })
  @Field({ description: 'The ISO 4217 currency converted into.' })
  to!: string;

  @PrimaryKey({ type: 'date' })
  @Field(() => LocalDateScalar, { description: 'The first day the rate applies to (it applies until the day before the next rate of the pair).' })
  validOn!: string;

  @Property({ type: 'decimal', precision: 20, scale: 10 })
  @Field({ description: 'Units of `to` per unit of `from`, > 0, as decimal text with 10 decimals, e.g. "0.9215000000".' })
  rate!: string;

  /** Who set it last (a user or API key id). */
  @Property({ type: 'text', nullable: true })
  setBy?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was last set (UTC).' })
  setAt!: Date;
}

import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';

/**
 * The quota of one sales user for one calendar month (issue 14). Keyed by user and month, not a Node:
 * quotas are read by month and user (`quotas`, `quotaAttainment`), written by `setQuota` (an upsert in
 * SQL, services/quota.service.ts), which reads rows with `month` as "YYYY-MM".
 */
@Entity({ tableName: 'sales_quota' })
@ObjectType({ simpleResolvers: true, description: 'The quota of one sales user for one calendar month: the amount they should win.' })
export class SalesQuota {
  [PrimaryKeyProp]?: ['userId', 'month'];
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'text', fieldName: 'user_id' })
  @Field(() => ID, { description: 'The sales user (`usr_…`).' })
  userId!: string;

  /** Stored as the month's first day; read as "YYYY-MM". */
  @PrimaryKey({ type: 'date' })
  @Field({ description: 'The calendar month, "YYYY-MM" (UTC).' })
  month!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'The amount to win in the month (won deals by `closedAt`), in `currency`.' })
  amount!: string;

  @Property({ type: 'text' })
  @Field({ description: 'ISO 4217 currency of the amount; a user has one quota per month, in one currency.' })
  currency!: string;

  @Property({ type: 'text' })
  @Field(() => ID, { description: 'Who set it last (`usr_…`).' })
  setBy!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was last set (UTC).' })
  updatedAt: Date = new Date();
}

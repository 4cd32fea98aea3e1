import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { ServiceCase } from './service-case.entity';

@IdPrefix('srv')
@Entity({ tableName: 'survey' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'The satisfaction survey of a resolved case: CSAT 1–5, NPS 0–10 and a comment, answered once.' })
export class Survey implements Node {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`srv_…`).' })
  id: string = newId('Survey');

  @ManyToOne({ entity: 'ServiceCase', fieldName: 'case_id' })
  serviceCase!: Rel<ServiceCase>;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  /** The secret of the customer's survey link. */
  @Property({ type: 'text' })
  token!: string;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Satisfaction 1 (very unhappy) to 5 (very happy); null until answered.' })
  csat?: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Likelihood to recommend, 0–10 (9–10 promoter, 0–6 detractor); null until answered.' })
  nps?: number | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The customer\'s comment; null when none.' })
  comment?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was sent (the case was resolved), UTC.' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the customer answered (UTC); null until then.' })
  submittedAt?: Date | null;
}

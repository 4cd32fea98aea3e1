import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Product } from './product.entity';
import { FeedbackStatus } from './service.enums';
import { Versioned } from './base.entity';

@IdPrefix('fbk')
@Entity({ tableName: 'product_feedback' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Feedback for the product team, distilled from complaint and suggestion cases.' })
export class ProductFeedback extends Versioned<'status'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`fbk_…`).' })
  id: string = newId('ProductFeedback');

  @ManyToOne({ entity: 'Product', fieldName: 'product_id' })
  product!: Rel<Product>;

  @Property({ type: 'text' })
  @Field({ description: 'What should change, in one line.' })
  summary!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Details; null when none.' })
  description?: string | null;

  @Enum({ items: () => FeedbackStatus })
  @Field(() => FeedbackStatus, { description: 'NEW, ACCEPTED, REJECTED or SHIPPED.' })
  status: FeedbackStatus = FeedbackStatus.NEW;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version.' })
  version!: number;
}

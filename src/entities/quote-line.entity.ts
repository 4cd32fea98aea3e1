import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import type { Quote } from './quote.entity';

@IdPrefix('qln')
@Entity({ tableName: 'quote_line' })
@ObjectType({ simpleResolvers: true, description: 'One priced line of a quote.' })
export class QuoteLine {
  [OptionalProps]?: 'id' | 'discountPercent';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`qln_…`).' })
  id: string = newId('QuoteLine');

  @ManyToOne({ entity: 'Quote', fieldName: 'quote_id' })
  quote!: Rel<Quote>;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Position on the quote, from 1.' })
  position!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Product reference (SKU); null for a free-text line.' })
  productRef?: string | null;

  @Property({ type: 'text' })
  @Field({ description: 'What is offered.' })
  description!: string;

  @Property({ type: 'decimal', precision: 14, scale: 3 })
  @Field(() => DecimalScalar, { description: 'Quantity (up to 3 decimals).' })
  quantity!: string;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Price of one unit in the quote\'s currency.' })
  unitPrice!: string;

  @Property({ type: 'decimal', precision: 5, scale: 2 })
  @Field(() => DecimalScalar, { description: 'Discount in % of the line (0–100).' })
  discountPercent: string = '0';

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  @Field(() => DecimalScalar, { description: 'quantity × unitPrice − discount, rounded half-up to cents.' })
  lineTotal!: string;
}

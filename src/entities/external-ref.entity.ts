import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';

@IdPrefix('ext')
@Entity({ tableName: 'customer_external_ref' })
@Unique({ properties: ['system', 'ref'] })
@ObjectType({ simpleResolvers: true, description: 'The id of a customer in another system (ERP, web shop, dealer portal); unique per system.' })
export class CustomerExternalRef {
  [OptionalProps]?: 'id';

  @PrimaryKey({ type: 'text' })
  id: string = newId('CustomerExternalRef');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'text' })
  @Field({ description: 'The other system, e.g. "erp" or "shopify".' })
  system!: string;

  @Property({ type: 'text' })
  @Field({ description: 'The id of this customer in that system.' })
  ref!: string;
}

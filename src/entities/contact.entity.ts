import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { Email, Phone, PostalAddress } from './contact-points';
import type { Customer } from './customer.entity';
import { BuyingRole, ContactChannel } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import { SoftDeletable } from './base.entity';

@IdPrefix('con')
@Entity({ tableName: 'contact' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A person at a customer, with their role in buying decisions.' })
export class Contact extends SoftDeletable<'phones' | 'emails' | 'addresses' | 'marketingConsent' | 'primary'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`con_…`).' })
  id: string = newId('Contact');

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'First name. PII: hidden from ANALYST.' })
  firstName!: string;

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'Last name. PII: hidden from ANALYST.' })
  lastName!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Job title, e.g. "Head of Purchasing"; null when unknown.' })
  title?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Department; null when unknown.' })
  department?: string | null;

  @Property({ type: 'json' })
  @Field(() => [Phone], { nullable: true, description: 'Phone numbers. PII: never ANALYST; MARKETING only with marketing consent; INTEGRATION keys only for contacts they created.' })
  phones: Phone[] = [];

  @Property({ type: 'json' })
  @Field(() => [Email], { nullable: true, description: 'E-mail addresses. PII: same rule as `phones`.' })
  emails: Email[] = [];

  @Property({ type: 'json' })
  @Field(() => [PostalAddress], { nullable: true, description: 'Postal addresses. PII: same rule as `phones`.' })
  addresses: PostalAddress[] = [];

  @Enum({ items: () => BuyingRole, nullable: true })
  @Field(() => BuyingRole, { nullable: true, description: 'Role in the buying process; null when unknown.' })
  buyingRole?: BuyingRole | null;

  @Enum({ items: () => ContactChannel, nullable: true })
  @Field(() => ContactChannel, { nullable: true, description: 'How the contact prefers to be reached; null when unknown.' })
  preferredChannel?: ContactChannel | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether the contact agreed to marketing contact.' })
  marketingConsent: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When consent was given or withdrawn (UTC); null when never recorded.' })
  consentAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Where consent was recorded, e.g. "trade show form"; null when never recorded.' })
  consentSource?: string | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'The main contact of the customer; at most one per customer.' })
  primary: boolean = false;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When the contact was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the contact was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateContact`.' })
  version!: number;
}

import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Campaign } from './campaign.entity';
import type { Contact } from './contact.entity';
import type { Customer } from './customer.entity';
import { LeadSource, LeadStatus } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { Opportunity } from './opportunity.entity';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

@IdPrefix('led')
@Entity({ tableName: 'lead' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A prospective buyer from a campaign or the web, scored and worked until converted or disqualified.' })
export class Lead extends Versioned<'score' | 'status' | 'marketingConsent'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`led_…`).' })
  id: string = newId('Lead');

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'First name. PII: hidden from ANALYST.' })
  firstName!: string;

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'Last name. PII: hidden from ANALYST.' })
  lastName!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Company, when the lead is for a business; null for consumers.' })
  company?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Job title; null when unknown.' })
  title?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'E-mail, lower-case. PII: as contact details (never ANALYST; MARKETING only with consent).' })
  email?: string | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Phone. PII: as `email`.' })
  phone?: string | null;

  @Enum({ items: () => LeadSource })
  @Field(() => LeadSource, { description: 'Where the lead came from.' })
  source!: LeadSource;

  @ManyToOne({ entity: 'Campaign', nullable: true, fieldName: 'campaign_id' })
  campaign?: Rel<Campaign> | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Score 0–100: how promising the lead is.' })
  score: number = 0;

  @Enum({ items: () => LeadStatus })
  @Field(() => LeadStatus, { description: 'NEW, WORKING, QUALIFIED, DISQUALIFIED or CONVERTED.' })
  status: LeadStatus = LeadStatus.NEW;

  @ManyToOne({ entity: 'User', nullable: true, fieldName: 'owner_id' })
  owner?: Rel<User> | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether the lead agreed to marketing contact.' })
  marketingConsent: boolean = false;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the lead was disqualified; null otherwise.' })
  disqualifiedReason?: string | null;

  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'converted_customer_id' })
  convertedCustomer?: Rel<Customer> | null;

  @ManyToOne({ entity: 'Contact', nullable: true, fieldName: 'converted_contact_id' })
  convertedContact?: Rel<Contact> | null;

  @ManyToOne({ entity: 'Opportunity', nullable: true, fieldName: 'converted_opportunity_id' })
  convertedOpportunity?: Rel<Opportunity> | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the lead was converted (UTC); null until then.' })
  convertedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to `updateLead`.' })
  version!: number;
}

import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Asset } from './asset.entity';
import type { Contact } from './contact.entity';
import type { Customer } from './customer.entity';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import type { ProductFeedback } from './product-feedback.entity';
import { CaseChannel, CasePriority, CaseStatus, CaseType, CommentVisibility } from './service.enums';
import type { ServiceQueue } from './service-queue.entity';
import type { User } from './user.entity';
import { Versioned } from './base.entity';

@IdPrefix('cas')
@Entity({ tableName: 'service_case' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A service case: a customer\'s request or problem, worked by the service desk under SLA targets.' })
export class ServiceCase extends Versioned<'status' | 'reopenCount'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`cas_…`).' })
  id: string = newId('ServiceCase');

  @Property({ type: 'text' })
  @Field({ description: 'Human-readable number, e.g. "CS-000042"; unique.' })
  number!: string;

  @Enum({ items: () => CaseType })
  @Field(() => CaseType, { description: 'What it is about.' })
  type!: CaseType;

  @Enum({ items: () => CaseChannel })
  @Field(() => CaseChannel, { description: 'How it reached us.' })
  channel!: CaseChannel;

  @Enum({ items: () => CasePriority })
  @Field(() => CasePriority, { description: 'Urgency (P1 highest); sets the SLA targets.' })
  priority!: CasePriority;

  @Enum({ items: () => CaseStatus })
  @Field(() => CaseStatus, { description: 'Where it stands.' })
  status: CaseStatus = CaseStatus.NEW;

  @Property({ type: 'text' })
  @Field({ description: 'One-line summary.' })
  subject!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The customer\'s description of the problem; null when none.' })
  description?: string | null;

  @ManyToOne({ entity: 'Customer', fieldName: 'customer_id' })
  customer!: Rel<Customer>;

  @ManyToOne({ entity: 'Contact', fieldName: 'contact_id', nullable: true })
  contact?: Rel<Contact> | null;

  @ManyToOne({ entity: 'Asset', fieldName: 'asset_id', nullable: true })
  asset?: Rel<Asset> | null;

  @ManyToOne({ entity: 'ServiceQueue', fieldName: 'queue_id', nullable: true })
  queue?: Rel<ServiceQueue> | null;

  @ManyToOne({ entity: 'User', fieldName: 'assignee_id', nullable: true })
  assignee?: Rel<User> | null;

  @ManyToOne({ entity: 'ProductFeedback', fieldName: 'feedback_id', nullable: true })
  feedback?: Rel<ProductFeedback> | null;

  /** Who opened it (`usr_…` or `key_…`). */
  @Property({ type: 'text' })
  openedBy!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When the first public reply is due (UTC): opened + the priority\'s first-response target.' })
  firstResponseDueAt!: Date;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it must be resolved (UTC): opened + the priority\'s resolution target.' })
  resolutionDueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When staff first replied publicly (UTC); null until then.' })
  firstRespondedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was (last) resolved (UTC); null while open.' })
  resolvedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was closed (UTC); null unless CLOSED.' })
  closedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the SLA job escalated it (UTC); null when never. A case is escalated once.' })
  escalatedAt?: Date | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How often it was reopened.' })
  reopenCount: number = 0;

  @Field(() => DateTimeScalar, { description: 'When it was opened (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When the case last changed (UTC): its fields (status, priority, assignment, queue, SLA escalation by the job, feedback link) '
      + 'and every PUBLIC comment (a reply). INTERNAL notes do not change it. Poll with `updatedAt: { gt: … }` and `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.',
  })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version; pass it back to updates.' })
  version!: number;
}

@IdPrefix('cmt')
@Entity({ tableName: 'case_comment' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A public reply or an internal note on a case. Internal notes never reach PARTNER or API-key callers.' })
export class CaseComment implements Node {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`cmt_…`).' })
  id: string = newId('CaseComment');

  @ManyToOne({ entity: 'ServiceCase', fieldName: 'case_id' })
  serviceCase!: Rel<ServiceCase>;

  @Enum({ items: () => CommentVisibility })
  @Field(() => CommentVisibility, { description: 'PUBLIC reply or INTERNAL note.' })
  visibility!: CommentVisibility;

  @Property({ type: 'text' })
  @Field({ description: 'The text.' })
  body!: string;

  /** USER or API_KEY. */
  @Property({ type: 'text' })
  authorType!: string;

  /** `usr_…` or `key_…`. */
  @Property({ type: 'text' })
  authorId!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it was written (UTC).' })
  createdAt: Date = new Date();
}

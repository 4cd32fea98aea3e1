import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { ActorType, AuditAction } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';

/** One changed field: values are JSON as stored (decimals as strings, times as ISO strings). */
export interface FieldChangeValue {
  field: string;
  old: unknown;
  new: unknown;
}

@IdPrefix('aud')
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['customerId', 'at', 'id'] })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An entry of the audit log: who changed which record, when, and how.' })
export class AuditEvent implements Node {
  [OptionalProps]?: 'id' | 'at' | 'changes';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`aud_…`).' })
  id: string = newId('AuditEvent');

  @Property({ type: 'text' })
  @Field({ description: 'The type of the changed record, e.g. "Customer" or "Contact".' })
  entityType!: string;

  @Property({ type: 'text' })
  @Field(() => ID, { description: 'The id of the changed record.' })
  entityId!: string;

  /** The customer the record belongs to: history is read per customer. */
  @Property({ type: 'text' })
  customerId!: string;

  @Enum({ items: () => AuditAction })
  @Field(() => AuditAction, { description: 'What happened.' })
  action!: AuditAction;

  @Enum({ items: () => ActorType })
  @Field(() => ActorType, { description: 'Who acted: a USER, an API_KEY or the SYSTEM.' })
  actorType!: ActorType;

  @Property({ type: 'text', nullable: true })
  actorId?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When it happened (UTC).' })
  at: Date = new Date();

  @Property({ type: 'json' })
  changes: FieldChangeValue[] = [];
}

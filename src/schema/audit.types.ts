import { Field, ObjectType } from 'type-graphql';
import { AuditEvent } from '../entities/audit-event.entity';
import { connectionType } from './connection';
import { JSONScalar } from './scalars';

export const AuditEventConnection = connectionType(AuditEvent, 'AuditEvent');

@ObjectType({ description: 'One changed field of an audit entry.' })
export class FieldChange {
  @Field({ description: 'The field name as in the schema, e.g. "tier" or "ownerId".' }) field!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'The value before (JSON); null when it was empty, or when `redacted`.' }) oldValue!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The value after (JSON); null when it is empty, or when `redacted`.' }) newValue!: unknown;
  @Field({ description: 'True when your role may not see this field: the values are withheld.' }) redacted!: boolean;
}

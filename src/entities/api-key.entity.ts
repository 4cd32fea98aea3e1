import { ArrayType, Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import type { Customer } from './customer.entity';
import { Role } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';

@IdPrefix('key')
@Entity({ tableName: 'api_key' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A key for a system (e-commerce site, ERP) or a partner. Only ADMIN sees keys; the secret is shown once, at creation.' })
export class ApiKey implements Node {
  [OptionalProps]?: 'id' | 'scopes' | 'createdAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`key_…`).' })
  id: string = newId('ApiKey');

  @Property({ type: 'text' })
  @Field({ description: 'A name to recognise the key by, e.g. "Web shop EU".' })
  name!: string;

  /** Public part of the key (`crm_<prefix>_…`), used to find it; the rest is only stored hashed. */
  @Property({ type: 'text', unique: true })
  @Field({ description: 'The first, public part of the key, to recognise it in logs.' })
  prefix!: string;

  @Property({ type: 'text', hidden: true })
  secretHash!: string;

  @Enum({ items: () => Role })
  @Field(() => Role, { description: 'INTEGRATION or PARTNER.' })
  role!: Role;

  @Property({ type: ArrayType })
  @Field(() => [String], { description: 'What the key may do, e.g. ["customers:read", "orders:write"].' })
  scopes: string[] = [];

  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'partner_customer_id' })
  partnerCustomer?: Rel<Customer> | null;

  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => DateTimeScalar, { description: 'When the key was created (UTC).' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stops working (UTC); null for no expiry.' })
  expiresAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key was revoked (UTC); null while it is valid.' })
  revokedAt?: Date | null;
}

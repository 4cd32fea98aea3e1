import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Customer } from './customer.entity';
import { Role } from './enums';
import { IdPrefix, newId } from './ids';
import { Node } from './node';
import { DateTimeScalar } from '../schema/scalars';
import { Timestamped } from './base.entity';

@IdPrefix('usr')
@Entity({ tableName: 'app_user' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An employee, or a login of a partner (dealer, reseller).' })
export class User extends Timestamped<'active' | 'sessionVersion'> implements Node {
  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`usr_…`).' })
  id: string = newId('User');

  @Property({ type: 'text', unique: true })
  @Field(() => String, { nullable: true, description: 'Login e-mail, lower-case. Hidden from ANALYST (except their own).' })
  email!: string;

  @Property({ type: 'text' })
  @Field(() => String, { nullable: true, description: 'Full name. Hidden from ANALYST (except their own).' })
  name!: string;

  @Enum({ items: () => Role })
  @Field(() => Role, { description: 'What this user may do and see.' })
  role!: Role;

  @ManyToOne({ entity: 'User', nullable: true, fieldName: 'manager_id' })
  @Index()
  manager?: Rel<User> | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Team name, e.g. "North region"; null when not in a team.' })
  team?: string | null;

  @Property({ type: 'boolean' })
  @Field({ description: 'False once deactivated: the user can no longer sign in; their records stay.' })
  active: boolean = true;

  @ManyToOne({ entity: 'Customer', nullable: true, fieldName: 'partner_customer_id' })
  partnerCustomer?: Rel<Customer> | null;

  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  /** Carried by every token (claim `sv`); raised when the password changes or the user is deactivated, which ends older tokens. */
  @Property({ type: 'integer', hidden: true })
  sessionVersion: number = 0;

  @Field(() => DateTimeScalar, { description: 'When the user was created (UTC).' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the user was last changed (UTC).' })
  updatedAt!: Date;
}

import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ApiKey } from '../entities/api-key.entity';
import { SCOPES, SCOPE_INFO } from '../auth/principal';
import { Role } from '../entities/enums';
import { User } from '../entities/user.entity';
import { connectionType } from './connection';
import { BooleanFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DateTimeScalar } from './scalars';
import type * as users from '../services/user.service';
import type * as apiKeys from '../services/api-key.service';
import type { Assert, SameFilterFields } from './sort-enum';
import type { USER_FILTER } from '../services/user.service';

export const UserConnection = connectionType(User, 'User');
export const ApiKeyConnection = connectionType(ApiKey, 'ApiKey');

const RoleFilter = enumFilter(Role, 'Role');

@InputType({ description: 'Which users to list.' })
export class UserFilter {
  @Field(() => IdFilter, { nullable: true, description: 'The user id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The sign-in e-mail address (stored lower-case).' }) email?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The user\'s full name.' }) name?: StringFilter;
  @Field(() => RoleFilter, { nullable: true, description: 'The user\'s role.' }) role?: object;
  @Field(() => StringFilter, { nullable: true, description: 'The team name (`isNull: true`: users without a team).' }) team?: StringFilter;
  @Field(() => BooleanFilter, { nullable: true, description: 'true: users who can sign in; false: deactivated users.' }) active?: BooleanFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The manager.' }) managerId?: IdFilter;
}
export type UserFilterMatchesService = Assert<SameFilterFields<UserFilter, typeof USER_FILTER>>;

@InputType({ description: 'Credentials.' })
export class LoginInput {
  @Field({ description: 'Login e-mail (case-insensitive).' }) email!: string;
  @Field({ description: 'The user\'s password, as set by an ADMIN (`createUser`) or by the user (`changePassword`).' }) password!: string;
}

@ObjectType({ description: 'A session token.' })
export class LoginPayload {
  @Field({ description: 'Send it as `Authorization: Bearer <token>`.' }) token!: string;
  @Field(() => DateTimeScalar, { description: 'When the token expires (UTC); sign in again after.' }) expiresAt!: Date;
  @Field(() => User, { description: 'The signed-in user.' }) user!: User;
}

@InputType({ description: 'A new API key for a system or a partner.' })
export class CreateApiKeyInput implements apiKeys.CreateApiKeyInput {
  @Field({ description: 'A name to recognise it by.' }) name!: string;
  @Field(() => Role, { description: 'INTEGRATION (a system such as a web shop) or PARTNER.' }) role!: Role;
  @Field(() => [String], { description: `What it may do (at least one; each scope is for the key roles named):\n${SCOPES.map((s) => `- \`${s}\` (${SCOPE_INFO[s].keyRoles.join(', ')}): ${SCOPE_INFO[s].description}`).join('\n')}` }) scopes!: string[];
  @Field(() => ID, { nullable: true, description: 'For PARTNER keys: the partner customer the key acts for.' }) partnerCustomerId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stops working; null for never.' }) expiresAt?: Date | null;
}

@ObjectType({ description: 'Result of `createApiKey`.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key; null when `errors` is not empty.' }) apiKey!: ApiKey | null;
  @Field(() => String, { nullable: true, description: 'The full key, shown only this once: send it as the `x-api-key` header. Only a hash is stored.' }) secret!: string | null;
  @Field(() => [UserError], { description: 'Why the key was refused; empty on success.' }) errors!: UserError[];
}

@InputType({ description: 'Identifies one API key.' })
export class ApiKeyIdInput {
  @Field(() => ID, { description: 'The key id (`key_…`).' }) id!: string;
}

@ObjectType({ description: 'Result of `revokeApiKey`.' })
export class ApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The revoked key.' }) apiKey!: ApiKey | null;
  @Field(() => [UserError], { description: 'Why it failed; empty on success.' }) errors!: UserError[];
}

@InputType({ description: 'A new user (ADMIN).' })
export class CreateUserInput implements users.CreateUserInput {
  @Field({ description: 'Login e-mail; unique, stored lower-case.' }) email!: string;
  @Field({ description: 'Initial password (8–200 characters); the user can change it with `changePassword`.' }) password!: string;
  @Field({ description: 'Full name.' }) name!: string;
  @Field(() => Role, { description: 'Role (not INTEGRATION: that is for API keys).' }) role!: Role;
  @Field(() => ID, { nullable: true, description: 'Manager in the hierarchy.' }) managerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Team name.' }) team?: string | null;
  @Field(() => ID, { nullable: true, description: 'For PARTNER users: the partner customer they act for.' }) partnerCustomerId?: string | null;
}

@InputType({ description: 'Changes to a user (ADMIN). Omitted fields stay; null clears an optional one.' })
export class UpdateUserInput implements users.UpdateUserInput {
  @Field(() => ID, { description: 'The user.' }) id!: string;
  @Field(() => String, { nullable: true, description: 'Full name.' }) name?: string | null;
  @Field(() => Role, { nullable: true, description: 'New role; it applies from the user\'s next request (tokens carry no role).' }) role?: Role | null;
  @Field(() => ID, { nullable: true, description: 'Manager; must not be the user or anyone below them.' }) managerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Team name.' }) team?: string | null;
  @Field(() => ID, { nullable: true, description: 'For PARTNER users: the partner customer.' }) partnerCustomerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'false deactivates: no more sign-in, tokens stop working; records stay (reassign them with `reassignCustomers`).' }) active?: boolean | null;
}

@InputType({ description: 'A new password for yourself.' })
export class ChangePasswordInput {
  @Field({ description: 'Your current password.' }) currentPassword!: string;
  @Field({ description: 'The new password (8–200 characters).' }) newPassword!: string;
}

@ObjectType({ description: 'Result of `changePassword`.' })
export class ChangePasswordPayload {
  @Field(() => User, { nullable: true, description: 'You, after the change; null when `errors` is not empty.' }) user!: User | null;
  @Field(() => String, {
    nullable: true,
    description: 'A new session token: changing the password ends every token of yours, the one of this request included. Send this one from now on. Null when `errors` is not empty.',
  }) token!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the new token expires (UTC); null when `errors` is not empty.' }) expiresAt!: Date | null;
  @Field(() => [UserError], { description: 'Why the change was refused (e.g. the current password is wrong); empty on success.' }) errors!: UserError[];
}

@InputType({ description: 'The user whose sign-in lock to lift (ADMIN).' })
export class UnlockUserInput {
  @Field(() => ID, { description: 'The user (`usr_…`).' }) id!: string;
}

@ObjectType({ description: 'Result of a user mutation.' })
export class UserPayload {
  @Field(() => User, { nullable: true, description: 'The user after the change; null when `errors` is not empty.' }) user!: User | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

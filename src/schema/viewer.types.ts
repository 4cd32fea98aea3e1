import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../entities/enums';
import { DateTimeScalar } from './scalars';

/** What kind of credential the caller presented. */
export enum ViewerKind { USER = 'USER', API_KEY = 'API_KEY' }
registerEnumType(ViewerKind, {
  name: 'ViewerKind',
  description: 'How the caller signed in.',
  valuesConfig: {
    USER: { description: 'A signed-in user (`Authorization: Bearer <token>`); `Viewer.user` is set.' },
    API_KEY: { description: 'An API key (`x-api-key`); `Viewer.apiKey` is set.' },
  },
});

@ObjectType({ description: 'The API key you are calling with (only ever your own key; ADMIN manages keys through `apiKeys`).' })
export class ViewerApiKey {
  @Field(() => ID, { description: 'The key\'s id (`key_…`).' }) id!: string;
  @Field({ description: 'The name an ADMIN gave the key, e.g. "Web shop EU".' }) name!: string;
  @Field({ description: 'The public part of the key (`crm_<prefix>_…`), to recognise it in logs.' }) prefix!: string;
  @Field(() => [String], { description: 'What the key may do, e.g. ["orders:write", "products:read"]; see `CreateApiKeyInput.scopes`.' }) scopes!: string[];
  @Field(() => DateTimeScalar, { description: 'When the key was created (UTC).' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stops working (UTC); null for no expiry.' }) expiresAt!: Date | null;
}

/**
 * Who is calling (the answer of `viewer`). Internal shape: the resolvers fill `user`, `apiKey` and
 * `partnerAccount` from these ids.
 */
@ObjectType({ description: 'Who is calling: a signed-in user or an API key, with its role (and for keys their scopes and expiry).' })
export class Viewer {
  @Field(() => ViewerKind, { description: 'USER or API_KEY.' }) kind!: ViewerKind;
  @Field(() => ID, { description: 'The user\'s id (`usr_…`) or the key\'s id (`key_…`).' }) id!: string;
  @Field(() => Role, { description: 'Your role: what you may do and see (see the README\'s permission matrix).' }) role!: Role;
  @Field(() => ID, {
    nullable: true,
    description: 'For PARTNER users and keys: the id of the partner customer you act for (your own account); null for everyone else.',
  }) partnerAccountId!: string | null;
}

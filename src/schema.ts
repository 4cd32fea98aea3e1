import 'reflect-metadata';
import './schema/enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DOMAINS } from './domains';
import { nonEmpty } from './schema/non-empty';
import { callResolversDirectly } from './schema/plain-resolvers';
import { policyFor } from './auth';
import { describeAccess } from './auth/access';

/** The root types are made by type-graphql, which has no option for their descriptions. */
const ROOT_DESCRIPTIONS = {
  Query: 'Reads. Lists are Relay connections (`first`/`after`, `last`/`before`, `filter`, `orderBy`) scoped to the records you may see; '
    + 'single-record lookups answer null, without an error, for a record that does not exist or is not visible to you.',
  Mutation: 'Writes. Each takes one `input` and returns a payload with the changed object and `errors` (code, message, field path) '
    + 'for validation and business errors, in which case nothing was changed. Missing permission is a FORBIDDEN error instead.',
  Subscription: 'Live updates, over WebSocket at /graphql (graphql-ws protocol; see the README, "Live updates"). Each event carries the '
    + 'record as the matching query would answer it to you; events about records you cannot see never reach you.',
};

/**
 * type-graphql insists on a PubSub as soon as a `@Subscription` exists, even when every subscription
 * brings its own `subscribe` (ours read the transactional outbox, src/realtime). This one is never used.
 */
const NO_PUBSUB = {
  publish() { throw new Error('Subscriptions are fed by the outbox (recordEvent), not by a PubSub.'); },
  subscribe(): AsyncIterable<unknown> { throw new Error('Every @Subscription declares its own subscribe function.'); },
};

/** The schema without permissions (what `npm run schema` prints); root fields say who may call them (from the permission map). */
export async function buildBareSchema(): Promise<GraphQLSchema> {
  const schema = describeAccess(await buildSchema({
    resolvers: nonEmpty(DOMAINS.flatMap((d) => d.resolvers), 'resolvers'),
    validate: false, // input rules live in the services, which return payload errors naming the field
    pubSub: NO_PUBSUB,
  }), policyFor);
  callResolversDirectly(schema);
  schema.getQueryType()!.description = ROOT_DESCRIPTIONS.Query;
  schema.getMutationType()!.description = ROOT_DESCRIPTIONS.Mutation;
  const subscription = schema.getSubscriptionType();
  if (subscription) subscription.description = ROOT_DESCRIPTIONS.Subscription;
  return schema;
}

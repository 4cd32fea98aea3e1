import type { ApolloServerPlugin } from '@apollo/server';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DomainWiring, GraphQLContext } from '../context';
import { createLoaders } from '../loaders';

/**
 * DATABASE_READ_URL: GraphQL `query` operations read from the replica.
 *
 * The seam is the operation's type, known once Apollo has parsed the document (`didResolveOperation`,
 * before execution): for a `query` the request's EntityManager and its loaders are swapped for ones on
 * the replica's ORM, so the services, the loaders and the direct `pg` reads (`services/direct-read.ts`,
 * which reads through the EntityManager's own pool) all read there without knowing it. A `mutation`
 * keeps the primary for everything, its writes and every read after them (the payload), so a client
 * always reads its own writes in the answer to the write.
 *
 * The caller is authenticated on the primary (the context is built before the operation is known): a
 * token or API key revoked a moment ago is refused at once even when the replica lags behind.
 * A later query may read from a replica that has not yet replayed a write acknowledged earlier (usually
 * milliseconds; README "Scaling out"): a screen that must show its own write reads it from the
 * mutation's payload.
 */
export function readReplicaPlugin(replica: MikroORM, wiring: DomainWiring): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'query') return;
          const em = replica.em.fork() as EntityManager;
          contextValue.em = em;
          contextValue.loaders = createLoaders({ em, principal: contextValue.principal }, wiring.loaderFactories);
        },
      };
    },
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

/** What every service call gets: the request's EntityManager and the caller. */
export interface ServiceContext {
  em: EntityManager;
  principal: Principal;
}

/**
 * The caller as the request's loaders see it: the caller may be anonymous (a loader then answers null
 * for every key, see `loaders/batch.ts` `byKeyFor`).
 */
export interface CallerContext {
  em: EntityManager;
  principal: Principal | null;
}

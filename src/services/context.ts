import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

/** What every service call gets: the request's EntityManager and the caller. */
export interface ServiceContext {
  em: EntityManager;
  principal: Principal;
}

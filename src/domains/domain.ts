import type { AnyEntity, EntityClass } from '@mikro-orm/core';
import type { MigrationObject } from '@mikro-orm/core';
import type { ClassType } from 'type-graphql';
import type { PermissionMap } from '../auth/permission-map';
import type { NodeLoader } from '../context';
import type { Job } from '../jobs/job';
import type { AuditScope } from '../services/audit.service';
import type { CallerContext } from '../services/context';
import type { TimelineSource } from '../services/timeline.service';

/**
 * Everything a domain (customers, sales, orders, finance, service, …) adds to the API, in one object.
 * `src/domains/index.ts` lists the domains; every central registry (ORM entities, migrations, schema,
 * permission map, loaders, `node(id)`, audit scopes, unique constraints, timeline, jobs) is built from
 * these, so adding a domain is its own files plus one line there. `test/domains.test.ts` checks that a
 * domain's entities have an id prefix, a node loader, permission rows and an audit scope.
 */
export interface Domain {
  name: string;
  /** MikroORM entities (each declares its id prefix with `@IdPrefix` beside `@Entity`). */
  entities: EntityClass<AnyEntity>[];
  /** The domain's migrations; all domains' migrations run in the order of their names (timestamps). */
  migrations: MigrationObject[];
  /** type-graphql resolver classes. */
  resolvers: ClassType[];
  /** Policies of every field of the domain's GraphQL object types (deny by default: a field without one fails start-up). */
  permissions: PermissionMap[];
  /** The domain's DataLoaders, created per request (batching and caching never cross callers). */
  loaders?: ((ctx: CallerContext) => object)[];
  /** How `node(id)` fetches each of the domain's types, within the caller's scope (a type missing here is never returned). */
  nodes?: Record<string, NodeLoader>;
  /** Who may read the audit entries of each audited type (entries of a type without a scope are hidden from everyone). */
  audit?: AuditScope[];
  /** Unique constraints, by name, and the input field a clash on one is reported at. */
  uniqueFields?: Record<string, string[]>;
  /** Sources of entries of the customer timeline. */
  timeline?: TimelineSource[];
  /** Background jobs, run by the scheduler in the order of the domains. */
  jobs?: Job[];
}

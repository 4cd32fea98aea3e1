import type { MikroORM } from '@mikro-orm/postgresql';

/** An open database (see `openDatabase` in orm.ts); a type of its own so that code using one does not load every domain. */
export interface Database {
  orm: MikroORM;
  /** Which database is behind the ORM. */
  kind: 'postgresql' | 'embedded';
  /**
   * The read replica's ORM when DATABASE_READ_URL is set (its own pool; never migrated, never written):
   * GraphQL queries read through it (see `http/read-replica.ts`). Undefined: everything on `orm`.
   */
  replica?: MikroORM;
  /** The embedded database's files as a tarball (tests reuse a migrated, seeded one); undefined on PostgreSQL. */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

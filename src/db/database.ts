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
  /**
   * The embedded database only: LISTEN on a channel of its (single) connection; the handler gets each
   * NOTIFY payload after the notifying transaction commits. Answers the function that stops listening.
   * On PostgreSQL listeners use a dedicated connection of their own (src/realtime/outbox-feed.ts).
   */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

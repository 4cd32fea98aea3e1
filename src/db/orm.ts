import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { PGliteDriver, type PGliteConnectionConfig } from 'mikro-orm-pglite';
import type { Config } from '../config';
import { DOMAINS } from '../domains';
import { sendSingleStatementsAsQueries } from './pglite-semicolons';
import type { Database } from './database';
import { queryCounter } from './query-counter';
import { enableDirectReads } from '../services/direct-read';

/** Connections of the PostgreSQL pool (the benchmarks give their raw side the same). */
export const POOL_SIZE = 10;

export type { Database };

/** Every domain's migrations, in the order of their names (a timestamp leads each name). */
const migrationsList = () => DOMAINS.flatMap((d) => d.migrations).sort((a, b) => a.name.localeCompare(b.name));

function baseOptions(opts: { replica?: boolean } = {}): Options {
  return {
    entities: DOMAINS.flatMap((d) => d.entities),
    extensions: [Migrator],
    // Jest and the compiled server both load modules with require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dynamicImportProvider: (id: string) => Promise.resolve(require(id)),
    discovery: { disableDynamicFileAccess: true },
    migrations: {
      migrationsList: migrationsList(),
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      tableName: 'mikro_orm_migrations',
      silent: true,
    },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    onQuery: (sql: string) => {
      queryCounter.count += 1;
      if (opts.replica) queryCounter.replica += 1;
      return sql;
    },
  };
}

/**
 * The whole connection string for `pg`: MikroORM reads only host, port, user, password and database from
 * `clientUrl` and drops its parameters (`sslmode`, `application_name`, `options=-c …` such as a replica
 * URL's `default_transaction_read_only=on`); `pg` parses them from `connectionString`.
 */
const connectionParameters = (url: string) => ({ connection: { connectionString: url } });

/**
 * Opens PostgreSQL when `DATABASE_URL` is set, else the embedded database (PGlite) in
 * `<DATA_DIR>/pglite`, or in memory when `inMemory` is asked for (tests), optionally starting from the
 * files of an earlier `dump()` (`loadDataDir`).
 */
export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'> & { DATABASE_READ_URL?: string },
  opts: { inMemory?: boolean; loadDataDir?: Blob } = {},
): Promise<Database> {
  if (config.DATABASE_URL) {
    const orm = await MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: config.DATABASE_URL,
      pool: { min: 0, max: POOL_SIZE },
      driverOptions: connectionParameters(config.DATABASE_URL),
    });
    enableDirectReads(orm.em.getConnection());
    // The replica: a second ORM with a pool of its own on DATABASE_READ_URL (MikroORM's own `replicas`
    // option sends every read outside a transaction to a replica, reads after a write in a mutation too).
    let replica: MikroORM | undefined;
    if (config.DATABASE_READ_URL) {
      replica = await MikroORM.init({
        ...baseOptions({ replica: true }),
        driver: PostgreSqlDriver,
        clientUrl: config.DATABASE_READ_URL,
        pool: { min: 0, max: POOL_SIZE },
        driverOptions: connectionParameters(config.DATABASE_READ_URL),
      }).catch(async (error) => {
        await orm.close(true);
        throw error;
      });
      enableDirectReads(replica.em.getConnection(), { replica: true });
    }
    return {
      orm, kind: 'postgresql', replica,
      async close() {
        await replica?.close(true);
        await orm.close(true);
      },
    };
  }
  let dataDir: string | undefined;
  if (!opts.inMemory) {
    dataDir = join(config.dataDir, 'pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  sendSingleStatementsAsQueries(); // a `;` inside a value must not turn a statement into a "script"
  const pglite = await PGlite.create({ dataDir, extensions: { pg_trgm }, loadDataDir: opts.loadDataDir });
  const orm = await MikroORM.init({
    ...baseOptions(),
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } satisfies PGliteConnectionConfig },
  } as unknown as Options);
  return {
    orm,
    kind: 'embedded',
    dump: () => pglite.dumpDataDir('none'),
    listen: (channel, onPayload) => pglite.listen(channel, onPayload),
    async close() {
      await orm.close(true);
      await pglite.close();
    },
  };
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

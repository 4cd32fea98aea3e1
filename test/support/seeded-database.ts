import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { migrate, openDatabase, type Database } from '../../src/db/orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed';

/**
 * A migrated, seeded database of its own for each test file, without migrating and seeding it each time.
 *
 * Every file used to migrate and seed a fresh database: ~3.5 s per file on the embedded database (most
 * of the suite's set-up time). Now the first file of a Jest run that asks for a given seed builds it
 * once, and every file copies it: on PostgreSQL `create database … template` (copies files, no SQL
 * replayed), on the embedded database a tarball of the database's files (`dumpDataDir`) loaded at
 * start. Each file still gets its own database, so files stay independent. The run id comes from
 * test/support/global-setup.js, whose teardown removes the templates.
 */
export interface SeedOptions { customers?: number; fullDemo?: boolean }

const RUN = process.env.CRM_TEST_RUN ?? `p${process.pid}`;

/** `customers: 40` -> `c40`; the full demo of `npm start` -> `full`. */
function seedKey(seed: SeedOptions): string {
  return seed.fullDemo ? 'full' : `c${seed.customers ?? 40}`;
}

async function seed(db: Database, options: SeedOptions): Promise<void> {
  await migrate(db.orm);
  // `fullDemo`: exactly what `npm start` seeds (src/server.ts)
  await seedDemo(db.orm.em.fork() as any, options.fullDemo ? { sales: true } : { customers: options.customers ?? 40 });
  // The demo users' password, hashed with argon2id at its lowest cost: every test file signs in several
  // times, and a verify at the production cost (64 MiB, 3 passes, 4 lanes) is ~0.1 s of wall time and
  // more of CPU each. The parameters travel in the hash, so only these seeded hashes are cheap; passwords
  // set through the API (createUser, changePassword) are hashed at the production cost as always.
  const cheap = await argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  await db.orm.em.fork().getConnection().execute(`update app_user set password_hash = ? where email like '%@demo.crm'`, [cheap]);
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * PostgreSQL: a database built once per run by `build` under an advisory lock (workers wait for each other),
 * optionally copied from `from`; dropped again when the build fails. A template must have no connections
 * while it is copied, so `build` closes what it opens.
 */
async function postgresDatabaseOnce(url: string, name: string, from: string | null, build: (url: string) => Promise<void>): Promise<string> {
  await admin(url, async (c) => {
    await c.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      if ((await c.query('select 1 from pg_database where datname = $1', [name])).rowCount) return;
      await c.query(`create database ${name}${from ? ` template ${from}` : ''}`);
      await build(withDatabase(url, name)).catch(async (error) => {
        await c.query(`drop database if exists ${name} with (force)`);
        throw error;
      });
    } finally {
      await c.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
  return name;
}

/** Opens the database at `url`, runs `work` on it and closes it, whatever happens. */
async function withOpen(url: string, work: (db: Database) => Promise<void>): Promise<void> {
  const db = await openDatabase({ DATABASE_URL: url, dataDir: '' });
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

/** PostgreSQL: a template database per seed and run, itself a copy of one migrated template (the migrations run once per run). */
async function postgresTemplate(url: string, options: SeedOptions): Promise<string> {
  const migrated = await postgresDatabaseOnce(url, `crm_tpl_${RUN}_migrated`.toLowerCase(), null,
    (db) => withOpen(db, async (d) => { await migrate(d.orm); }));
  return postgresDatabaseOnce(url, `crm_tpl_${RUN}_${seedKey(options)}`.toLowerCase(), migrated,
    (db) => withOpen(db, (d) => seed(d, options)));
}

/** Writes a file whole or not at all: two workers may build the same file at once; each writes its own, the rename is atomic. */
function writeAtomically(file: string, content: Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const partial = `${file}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, content);
  renameSync(partial, file);
}

/** The files of an embedded database once built into `file` by `build` (once per run; later calls read the file). */
async function embeddedFiles(file: string, build: () => Promise<Database>): Promise<Blob> {
  if (!existsSync(file)) {
    const db = await build();
    try {
      writeAtomically(file, Buffer.from(await (await db.dump!()).arrayBuffer()));
    } finally {
      await db.close();
    }
  }
  return new Blob([readFileSync(file)]);
}

/**
 * The embedded database: the files of a seeded database, built once per seed and run, each from the
 * files of one migrated, empty database (an empty in-memory PGlite runs initdb, ~3 s in wasm, and the
 * migrations ~0.5 s: once per run rather than once per seed).
 */
async function embeddedTemplate(options: SeedOptions): Promise<Blob> {
  const dir = join(tmpdir(), `crm-test-${RUN}`);
  return embeddedFiles(join(dir, `${seedKey(options)}.tar`), async () => {
    const migrated = await embeddedFiles(join(dir, 'migrated.tar'), async () => {
      const db = await openDatabase({ DATABASE_URL: undefined, dataDir: '' }, { inMemory: true });
      await migrate(db.orm).catch(async (error) => { await db.close(); throw error; });
      return db;
    });
    const db = await openDatabase({ DATABASE_URL: undefined, dataDir: '' }, { inMemory: true, loadDataDir: migrated });
    await seed(db, options).catch(async (error) => { await db.close(); throw error; });
    return db;
  });
}

/**
 * A fresh, migrated and seeded database for one test file: PostgreSQL (a new database, dropped by the
 * global teardown with the rest of the run's databases) when DATABASE_URL is set, else an in-memory
 * embedded database. `drop` is what remains to do after `db.close()` (nothing, for now).
 */
export async function seededDatabase(options: SeedOptions): Promise<{ config: Config; db: Database; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const template = await postgresTemplate(base, options);
    // Named by the run: test/support/global-teardown.js drops them all at the end. Dropping here, when
    // the file closes, cost every file ~1-3 s (DROP DATABASE waits for a checkpoint) on the critical path.
    const name = `crm_test_${RUN}_${randomBytes(6).toString('hex')}`.toLowerCase();
    await admin(base, (c) => c.query(`create database ${name} template ${template}`));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: withDatabase(base, name) });
    try {
      return { config, db: await openDatabase(config), drop: async () => {} };
    } catch (error) {
      await admin(base, (c) => c.query(`drop database if exists ${name} with (force)`));
      throw error;
    }
  }
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const db = await openDatabase(config, { inMemory: true, loadDataDir: await embeddedTemplate(options) });
  return { config, db, drop: async () => {} };
}

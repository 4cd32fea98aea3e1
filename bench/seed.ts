import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Pool, type PoolClient } from 'pg';
import { loadConfig } from '../src/config';
import { migrate, openDatabase, type Database } from '../src/db/orm';
import { seedDemo } from '../src/db/seed';
import { prefixOf } from '../src/entities/ids';
import { intArg, parseArgs } from './args';
import {
  clearPending, copyInto, dropForeignKeys, dropIndexes, foreignKeys, loadPending, pendingIndexFile, recreateForeignKeys, recreateIndexes, savePending,
  schemaFingerprint, secondaryIndexes, type Dropped, type IndexDef,
} from './copy-load';
import { copyLines } from './copy-text';
import { ensureBenchQueues, ensureSerialProducts, ensureValueProducts, type Query } from './seed-catalogue';
import { inlineSource, workerSource, type BatchSource } from './seed-copy';
import { CASE_NUMBER_COLUMN, SeedGenerator, TABLE_ORDER, TABLES, type Batch, type Row, type SeedContext, type TableName, type Value, type Volumes } from './seed-generate';

/**
 * Bulk data for benchmarks: `npm run bench:seed -- --customers 1000000 [volumes…] [--seed 1]`. Opens the
 * database the way the app does (PostgreSQL when DATABASE_URL is set, else the embedded database in
 * DATA_DIR), applies migrations, makes sure the demo users exist, then adds customers with contacts,
 * external references, sales history (opportunities with stage history, activities, tasks, audit
 * entries), order history with lines, assets with service tags, and service cases with surveys.
 * On PostgreSQL every table is loaded with `COPY … FROM STDIN` (one transaction per batch of customers,
 * rows generated in a worker thread while the previous batch loads); on the embedded database, or with
 * `--method insert`, with multi-row INSERTs. Running it again adds more rows: ids are random and every
 * unique value derives from them or from a sequence.
 */

const USAGE = `Usage: npm run bench:seed -- [--customers N] [--contacts-per-customer AVG] [--activities-per-customer AVG]
    [--opportunities-per-customer AVG] [--task-percent P] [--orders-per-customer AVG] [--months M] [--cases-per-customer AVG]
    [--assets-per-customer AVG] [--products N] [--batch CUSTOMERS] [--seed N] [--method copy|insert] [--drop-indexes 0|1]
    [--drop-foreign-keys 0|1] [--worker 0|1]
  --customers                   customers to add (default 10000)
  --contacts-per-customer       average contacts per customer (default 5; individuals have 1)
  --activities-per-customer     average activities per customer (default 10; 1 % busy accounts have 10 × more)
  --opportunities-per-customer  average opportunities per customer, with stage history (default 0.8)
  --task-percent                this % of customers get a task for their owner (default 20)
  --orders-per-customer         average orders per customer, 1–4 lines each (default 2)
  --months                      orders over the last M months (default 30)
  --cases-per-customer          average service cases per customer (default 0.5)
  --assets-per-customer         average assets (serialised products with a service tag) per customer (default 0.3)
  --products                    size of the bench catalogue BENCH-VAL-0001… orders are made of (default 200)
  --batch                       customers per transaction (default 2000 with COPY, 500 with INSERT)
  --seed                        PRNG seed of the generated values (default: random)
  --method                      copy (PostgreSQL only, the default there) or insert (the embedded database's only way)
  --drop-indexes                1: drop the secondary (non-unique) indexes of the tables written and rebuild them at the end
                                (default 1 with COPY); the schema ends exactly as migrated, which is checked
  --drop-foreign-keys           1: drop the foreign keys of the tables written and add them back at the end, which checks
                                every row at once instead of one lookup per row and key (default 1 with COPY)
  --worker                      1: generate rows in a worker thread while PostgreSQL loads (default 1 with COPY)`;

const MAX_PARAMS = 65_535;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A decimal option within [min, max], or its default. */
function numArg(args: Map<string, string>, name: string, fallback: number, min: number, max: number): number {
  const text = args.get(name);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`\`--${name}\` must be a number from ${min} to ${max}.\n${USAGE}`);
    process.exit(1);
  }
  return value;
}

/** Rows written so far per table, and the progress line. */
class Progress {
  readonly rows = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0])) as Record<TableName, number>;
  /** Seconds spent writing each table (the COPY or the INSERTs, until PostgreSQL acknowledged them). */
  readonly seconds = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0])) as Record<TableName, number>;
  /** Seconds the writer waited for the next batch to be generated. */
  waitSeconds = 0;
  customers = 0;
  phase = 'loading';
  private readonly started = process.hrtime.bigint();
  private last = { at: 0, rows: 0 };
  constructor(private readonly total: number) {}
  elapsed(): number { return Number(process.hrtime.bigint() - this.started) / 1e9; }
  totalRows(): number { return TABLE_ORDER.reduce((sum, t) => sum + this.rows[t], 0); }
  line(): string {
    const t = this.elapsed();
    if (this.phase !== 'loading') return `  [${t.toFixed(0).padStart(5)} s] ${this.phase}`;
    const rows = this.totalRows();
    const recent = (rows - this.last.rows) / Math.max(t - this.last.at, 0.001);
    this.last = { at: t, rows };
    const tables = TABLE_ORDER.filter((x) => this.rows[x]).map((x) => `${x} ${fmt(this.rows[x])}`).join(', ');
    return `  [${t.toFixed(0).padStart(5)} s] ${this.phase}: ${fmt(this.customers)}/${fmt(this.total)} customers; ${fmt(rows)} rows ` +
      `(${fmt(rows / Math.max(t, 0.001))} rows/s overall, ${fmt(recent)} rows/s now) — ${tables}`;
  }
}

/** Case numbers as the API makes them (CS-000123), taken from the sequence in one statement per batch. */
async function numberCases(query: Query, cases: Row[]): Promise<void> {
  if (!cases.length) return;
  const numbers = await query<{ n: string }>(`select nextval('service_case_number_seq')::text as n from generate_series(1, $1::int)`, [cases.length]);
  cases.forEach((row, i) => { row[CASE_NUMBER_COLUMN] = `CS-${numbers[i].n.padStart(6, '0')}`; });
}

// ------------------------------------------------------------------------------------ COPY path

async function loadWithCopy(pool: Pool, source: BatchSource, progress: Progress): Promise<void> {
  const client = await pool.connect();
  const query: Query = async (text, params) => (await client.query(text, params)).rows;
  try {
    // A bench database: losing the last batches in a crash is fine, waiting for each commit's WAL flush is not.
    await client.query('set synchronous_commit = off');
    const next = async () => {
      const t0 = process.hrtime.bigint();
      const batch = await source.next();
      progress.waitSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      return batch;
    };
    for (let batch = await next(); batch; batch = await next()) {
      await client.query('begin');
      try {
        for (const table of TABLE_ORDER) {
          const columns = TABLES[table].map(([name]) => name);
          const t0 = process.hrtime.bigint();
          if (table === 'service_case') {
            if (!batch.cases.length) continue;
            await numberCases(query, batch.cases);
            await copyInto(client, table, columns, new TextEncoder().encode(copyLines(batch.cases)));
            progress.rows[table] += batch.cases.length;
          } else {
            const part = batch.tables[table];
            if (!part) continue;
            await copyInto(client, table, columns, part.data);
            progress.rows[table] += part.rows;
          }
          progress.seconds[table] += Number(process.hrtime.bigint() - t0) / 1e9;
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
      progress.customers += batch.customers;
    }
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------- INSERT path

/** Runs statements of one batch in one transaction: `pg` (real bind parameters) or the ORM's connection. */
interface Writer {
  transaction(fn: (exec: (text: string, params: Value[]) => Promise<void>, query: Query) => Promise<void>): Promise<void>;
}

function insertSql(table: string, columns: readonly (readonly [string, string])[], rows: number, placeholder: (n: number) => string): string {
  let n = 0;
  const tuple = () => `(${columns.map(([, cast]) => `${placeholder(++n)}::${cast}`).join(', ')})`;
  return `insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
}

function pgWriter(pool: Pool): Writer {
  return {
    async transaction(fn) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query('begin');
        await fn(async (text, params) => { await client.query(text, params); }, async (text, params) => (await client.query(text, params)).rows);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * The ORM's `execute` takes `?` placeholders: `$n` (each used once, in order) become `?`. A statement
 * without parameters goes as it is (a function body's own `$1` stays).
 */
const ormQuery = (em: EntityManager): Query => async (text, params = []) =>
  em.execute(params.length ? text.replace(/\$\d+/g, '?') : text, params as unknown[], 'all') as never;

function ormWriter(db: Database): Writer {
  return {
    async transaction(fn) {
      await db.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        await fn(async (text, params) => { await em.execute(text, params, 'run'); }, ormQuery(em));
      });
    },
  };
}

async function loadWithInsert(writer: Writer, placeholder: (n: number) => string, ctx: SeedContext, batchSize: number, progress: Progress) {
  const generator = new SeedGenerator(ctx);
  for (let done = 0; done < ctx.total; done += batchSize) {
    const n = Math.min(batchSize, ctx.total - done);
    const batch: Batch = generator.batch(n);
    await writer.transaction(async (exec, query) => {
      await numberCases(query, batch.service_case);
      for (const table of TABLE_ORDER) {
        const rows = batch[table];
        const columns = TABLES[table];
        const size = Math.min(1000, Math.floor(MAX_PARAMS / columns.length));
        for (let at = 0; at < rows.length; at += size) {
          const part = rows.slice(at, at + size);
          await exec(insertSql(table, columns, part.length, placeholder), part.flat());
        }
      }
    });
    for (const table of TABLE_ORDER) progress.rows[table] += batch[table].length;
    progress.customers += n;
  }
}

// ----------------------------------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2), ['customers', 'contacts-per-customer', 'activities-per-customer', 'opportunities-per-customer',
    'task-percent', 'orders-per-customer', 'months', 'cases-per-customer', 'assets-per-customer', 'products', 'batch', 'seed', 'method',
    'drop-indexes', 'drop-foreign-keys', 'worker'], USAGE);
  const total = intArg(args, 'customers', 10_000, 1, 100_000_000, USAGE);
  const volumes: Volumes = {
    contacts: numArg(args, 'contacts-per-customer', 5, 1, 50),
    activities: numArg(args, 'activities-per-customer', 10, 0, 500),
    opportunities: numArg(args, 'opportunities-per-customer', 0.8, 0, 50),
    taskPercent: intArg(args, 'task-percent', 20, 0, 100, USAGE),
    orders: numArg(args, 'orders-per-customer', 2, 0, 50),
    months: intArg(args, 'months', 30, 1, 120, USAGE),
    cases: numArg(args, 'cases-per-customer', 0.5, 0, 20),
    assets: numArg(args, 'assets-per-customer', 0.3, 0, 20),
  };
  const productCount = intArg(args, 'products', 200, 1, 9999, USAGE);
  const seed = intArg(args, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31, USAGE);

  const config = loadConfig();
  const method = args.get('method') ?? (config.DATABASE_URL ? 'copy' : 'insert');
  if (method !== 'copy' && method !== 'insert') {
    console.error(`\`--method\` is copy or insert.\n${USAGE}`);
    process.exit(1);
  }
  const db = await openDatabase(config);
  if (method === 'copy' && db.kind !== 'postgresql') {
    await db.close();
    console.error('COPY needs PostgreSQL (DATABASE_URL); the embedded database loads with --method insert (the default without DATABASE_URL).');
    process.exit(1);
  }
  const copy = method === 'copy';
  const batchSize = intArg(args, 'batch', copy ? 2000 : 500, 1, 200_000, USAGE);
  const dropIdx = copy && intArg(args, 'drop-indexes', 1, 0, 1, USAGE) === 1;
  const useWorker = copy && intArg(args, 'worker', 1, 0, 1, USAGE) === 1;
  const dropFks = copy && intArg(args, 'drop-foreign-keys', 1, 0, 1, USAGE) === 1;
  // Three connections: this one for set-up and the end (the hash function of the catalogue lives in its session),
  // the loader, and a second one for rebuilding indexes two at a time.
  const pool = db.kind === 'postgresql' ? new Pool({ connectionString: config.DATABASE_URL!, max: 3 }) : null;
  const session = pool ? await pool.connect() : null;
  const query: Query = session ? async (text, params) => (await session.query(text, params)).rows : ormQuery(db.orm.em.fork() as unknown as EntityManager);
  let source = null as BatchSource | null;
  try {
    const applied = await migrate(db.orm);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    if (await seedDemo(db.orm.em.fork() as unknown as EntityManager, { customers: 0 })) console.log('demo users created (*@demo.crm, password demo1234)');
    const users = await query<{ id: string; email: string }>(`select id, email from app_user
      where email in ('rep1@demo.crm', 'rep2@demo.crm', 'manager@demo.crm', 'admin@demo.crm', 'service@demo.crm')`);
    const idOf = (email: string) => {
      const found = users.find((u) => u.email === email);
      if (!found) throw new Error(`Demo user ${email} is missing: this database has a different admin set-up.`);
      return found.id;
    };
    const adminId = idOf('admin@demo.crm');
    const agentId = idOf('service@demo.crm');
    // The tables' id prefixes, from the entities (the generator does not load the ORM).
    const classes = new Map(Object.values(db.orm.getMetadata().getAll()).map((m) => [m.tableName, m.className]));
    const prefixes = Object.fromEntries(TABLE_ORDER.map((t) => [t, prefixOf(classes.get(t)!)])) as Record<TableName, string>;
    const sla = Object.fromEntries((await query<{ priority: string; first_response_minutes: number; resolution_minutes: number }>(
      'select priority, first_response_minutes, resolution_minutes from sla_policy')).map((p) =>
      [p.priority, { first: Number(p.first_response_minutes), resolution: Number(p.resolution_minutes) }]));
    const ctx: SeedContext = {
      seed, now: Date.now(), total, volumes, adminId, agentId,
      owners: { rep1: idOf('rep1@demo.crm'), rep2: idOf('rep2@demo.crm'), manager: idOf('manager@demo.crm') },
      queues: await ensureBenchQueues(query, agentId, adminId),
      products: await ensureValueProducts(query, productCount),
      serialProducts: await ensureSerialProducts(query),
      sla, prefixes,
    };

    console.log(`seeding ${fmt(total)} customers into ${db.kind === 'postgresql' ? 'PostgreSQL' : 'the embedded database'} with ` +
      `${copy ? 'COPY' : 'multi-row INSERT'}, ${fmt(batchSize)} customers per transaction, seed ${seed}; averages per customer: ` +
      `${volumes.contacts} contacts, ${volumes.activities} activities, ${volumes.opportunities} opportunities, ${volumes.orders} orders, ` +
      `${volumes.cases} cases, ${volumes.assets} assets; a task for ${volumes.taskPercent} %` +
      `${copy ? `; ${dropIdx ? 'secondary indexes' : 'no indexes'} and ${dropFks ? 'foreign keys' : 'no foreign keys'} dropped while loading; rows made ${useWorker ? 'in a worker thread' : 'in this thread'}` : ''}`);

    const progress = new Progress(total);
    const ticker = setInterval(() => console.log(progress.line()), 3000);
    ticker.unref();
    let loadSeconds = 0;
    let indexSeconds = 0;
    try {
      if (copy) {
        const pendingFile = pendingIndexFile(config.DATABASE_URL!);
        const admin = await pool!.connect();
        const dropped: Dropped = { indexes: [], foreignKeys: [] };
        let before = '';
        try {
          const pending = loadPending(pendingFile);
          if (pending) {
            console.log(`an earlier run stopped with ${pending.indexes.length} indexes and ${pending.foreignKeys.length} foreign keys dropped ` +
              `(${pendingFile}): putting them back first`);
            await rebuild(pool!, pending, progress);
            clearPending(pendingFile);
          }
          before = await schemaFingerprint(admin);
          if (dropIdx) dropped.indexes = await secondaryIndexes(admin, TABLE_ORDER);
          if (dropFks) dropped.foreignKeys = await foreignKeys(admin, TABLE_ORDER);
          if (dropped.indexes.length || dropped.foreignKeys.length) {
            // Written before dropping: if this process dies, the next run puts them back from the file.
            savePending(pendingFile, dropped);
            await dropForeignKeys(admin, dropped.foreignKeys);
            await dropIndexes(admin, dropped.indexes);
            console.log(`dropped for the load: ${dropped.indexes.length} secondary indexes and ${dropped.foreignKeys.length} foreign keys ` +
              `of the ${TABLE_ORDER.length} tables written (definitions kept in ${pendingFile} until they are back)`);
          }
        } finally {
          admin.release();
        }
        try {
          source = useWorker ? workerSource(ctx, batchSize) : inlineSource(ctx, batchSize);
          await loadWithCopy(pool!, source, progress);
          loadSeconds = progress.elapsed();
          console.log(progress.line());
        } finally {
          await source?.close();
          source = null;
          if (dropped.indexes.length || dropped.foreignKeys.length) {
            const t0 = progress.elapsed();
            await rebuild(pool!, dropped, progress);
            clearPending(pendingFile);
            indexSeconds = progress.elapsed() - t0;
          }
        }
        const check = await pool!.connect();
        try {
          const after = await schemaFingerprint(check);
          if (after !== before) throw new Error('The indexes or constraints differ from those before the load: compare `\\d` of the tables with the migrations.');
          console.log(`schema checked: its ${after.split('\n').length} indexes and constraints are exactly those before the load`);
        } finally {
          check.release();
        }
      } else {
        const writer = pool ? pgWriter(pool) : ormWriter(db);
        await loadWithInsert(writer, pool ? (n) => `$${n}` : () => '?', ctx, batchSize, progress);
        loadSeconds = progress.elapsed();
        console.log(progress.line());
      }
    } finally {
      clearInterval(ticker);
    }
    // Fresh statistics so the planner sees the new sizes right away (autovacuum would take a while).
    progress.phase = 'analyze';
    const t0 = progress.elapsed();
    for (const table of TABLE_ORDER) await query(`analyze ${table}`);
    const analyzeSeconds = progress.elapsed() - t0;
    const seconds = progress.elapsed();
    const rows = progress.totalRows();
    const perTable = TABLE_ORDER.map((t) => `${fmt(progress.rows[t])} ${t}`).join(', ');
    console.log(`done: ${perTable} = ${fmt(rows)} rows`);
    if (copy) {
      console.log(`COPY time per table (rows/s): ${TABLE_ORDER.filter((t) => progress.seconds[t]).map((t) =>
        `${t} ${progress.seconds[t].toFixed(1)} s (${fmt(progress.rows[t] / progress.seconds[t])})`).join(', ')}; ` +
        `waiting for the generator ${progress.waitSeconds.toFixed(1)} s`);
    }
    console.log(`time: load ${loadSeconds.toFixed(1)} s (${fmt(rows / loadSeconds)} rows/s, ${fmt(total / loadSeconds)} customers/s)` +
      `${indexSeconds ? `, indexes and foreign keys back ${indexSeconds.toFixed(1)} s` : ''}, analyze ${analyzeSeconds.toFixed(1)} s; ` +
      `total ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min, ${fmt(rows / seconds)} rows/s)`);
    const [size] = pool ? await query<{ size: string; bytes: string }>(
      'select pg_size_pretty(pg_database_size(current_database())) as size, pg_database_size(current_database())::text as bytes') : [];
    const [counts] = await query<Record<string, number>>(`select (select count(*)::int from customer) as customers,
      (select count(*)::int from contact) as contacts, (select count(*)::int from activity) as activities,
      (select count(*)::int from sales_order) as orders, (select count(*)::int from service_case) as cases`);
    console.log(`database now holds ${fmt(counts.customers)} customers, ${fmt(counts.contacts)} contacts, ${fmt(counts.activities)} activities, ` +
      `${fmt(counts.orders)} orders, ${fmt(counts.cases)} cases${size ? `; size ${size.size}` : ''}; ` +
      `peak RSS of this process (worker included) ${fmt(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await source?.close();
    session?.release();
    await pool?.end();
    await db.close();
  }
}

/**
 * Puts back what was dropped, on two connections (the machine has two CPUs) with room to sort in memory:
 * the indexes, then the foreign keys (adding one checks every row).
 */
async function rebuild(pool: Pool, dropped: Dropped, progress: Progress): Promise<void> {
  const clients = [await pool.connect(), await pool.connect()];
  try {
    for (const c of clients) await c.query(`set maintenance_work_mem = '512MB'`);
    let quick = 0;
    // Only the steps worth knowing about are printed; the rest are counted.
    const report = (kind: string) => (def: IndexDef, seconds: number) => {
      if (seconds >= 1) console.log(`  [${progress.elapsed().toFixed(0).padStart(5)} s] ${kind} ${def.name} on ${def.table}: ${seconds.toFixed(1)} s`);
      else quick++;
    };
    if (dropped.indexes.length) {
      progress.phase = 'rebuilding indexes';
      console.log(`rebuilding ${dropped.indexes.length} indexes, two at a time`);
      await recreateIndexes(clients, dropped.indexes, report('index'));
    }
    if (dropped.foreignKeys.length) {
      progress.phase = 'adding foreign keys back';
      console.log(`adding ${dropped.foreignKeys.length} foreign keys back, two at a time (each checks every row of its table)`);
      await recreateForeignKeys(clients, dropped.foreignKeys, report('foreign key'));
    }
    if (quick) console.log(`  ${quick} more took less than a second each`);
  } finally {
    for (const c of clients) c.release();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});

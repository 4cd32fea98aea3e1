import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp, type App } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { openDatabase, type Database } from '../src/db/orm';
import { queryCounter } from '../src/db/query-counter';
import { newId } from '../src/entities/ids';
import { JOBS, type Job } from '../src/jobs';
import { startScheduler } from '../src/jobs/scheduler';
import { createLogger } from '../src/logger';
import { codes, ok, startTestApp, USERS, type GqlResult, type TestApp } from './helpers';
import { LOGIN, uniquePrefix } from './support/limited-app';

/**
 * Several API instances on one database (issue 15): each instance here is its own `Database` (its own
 * pool, as a second process would have) with its own app and scheduler, on the test file's database.
 * On the embedded database there is one process and one connection: the job test runs one instance,
 * the limits and token tests two apps on the one database, and there is no replica.
 */

let t: TestApp;
/** The second instance's database: another pool on the same PostgreSQL database (the embedded one: the same). */
let second: Database;
const apps: App[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp({ customers: 12 });
  second = t.db.kind === 'postgresql' ? await openDatabase(t.config) : t.db;
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  if (second !== t.db) await second.close();
  await t.close();
});

/** An app (an API instance) on `db` with `config`. */
async function instance(db: Database, config: Config) {
  const created = await createApp(config, db, createLogger('silent'));
  apps.push(created);
  const post = async (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResult> => {
    let req = request(created.app).post('/graphql').set('content-type', 'application/json');
    if (token) req = req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
  };
  return { post, login: (email: string, password: string) => post(LOGIN, { i: { email, password } }) };
}

function memoryLogger() {
  const lines: any[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const until = async (check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

// ------------------------------------------------------------------------------------ jobs

describe('background jobs on several instances', () => {
  test('every job of JOBS runs exactly once per period across two instances (run log, invocations and the overdue job\'s own effect)', async () => {
    // An overdue receivable: the overdue job flags it and opens one collection task, whichever instance runs it.
    const ref = { user: newId('User'), customer: newId('Customer'), contract: newId('Contract'), receivable: newId('Receivable') };
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await t.sql(`insert into app_user (id, email, name, role, password_hash) values (?, 'owner@scale.test', 'Owner', 'SALES_REP', 'x')`, [ref.user]);
    await t.sql(`insert into customer (id, name, kind, sector, owner_id) values (?, 'Scale Payer Ltd', 'BUSINESS', 'SMALL_BUSINESS', ?)`, [ref.customer, ref.user]);
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, 'CT-S1', ?, 'Scale', 100, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [ref.contract, ref.customer, ref.user]);
    await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
      values (?, 'INV-S1', ?, ?, 1, 'x', 'EUR', 100, '2020-01-01', ?)`, [ref.receivable, ref.customer, ref.contract, yesterday]);

    // Every job of every domain (on the test's short period, also those that declare their own), wrapped to
    // count its invocations by instance.
    const PERIOD = 1000;
    const invocations: { job: string; instance: string }[] = [];
    const counted = (instance: () => string): Job[] => JOBS.map((job) => ({
      name: job.name,
      run: async (em, now) => {
        invocations.push({ job: job.name, instance: instance() });
        return job.run(em, now);
      },
    }));
    const dbs = t.db.kind === 'postgresql' ? [t.db, second] : [t.db];
    const logs = dbs.map(() => memoryLogger());
    const names: string[] = [];
    const schedulers = dbs.map((db, i) => {
      const s = startScheduler({ db, log: logs[i].log, intervalMs: PERIOD, jobs: counted(() => names[i]) });
      names[i] = s.instance;
      return s;
    });
    const ours = `instance in (${names.map(() => '?').join(', ')})`;
    try {
      // Four periods of every job, including any a domain adds later.
      await until(async () => {
        const counts = await t.sql<{ job: string; n: number }>(`select job, count(*)::int as n from job_run where ${ours} group by job`, names);
        return JOBS.every((job) => (counts.find((c) => c.job === job.name)?.n ?? 0) >= 4);
      });
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
    }

    const runs = await t.sql<{ job: string; period_start: string | Date; instance: string; succeeded: boolean }>(
      `select job, period_start, instance, succeeded from job_run where ${ours} order by job, period_start`, names);
    const key = (job: string, period: number) => `${job}@${period}`;
    const byJobAndInstance = (list: { job: string; instance: string }[]) => list.map((r) => `${r.job} by ${r.instance}`).sort();
    // Exactly once: each invocation is one row of the run log, whose key is (job, period), so no period of a
    // job ran twice, on one instance or on both (a second run of a period would fail on the key, logged as an error).
    expect(byJobAndInstance(runs)).toEqual(byJobAndInstance(invocations));
    expect(runs.every((r) => r.succeeded)).toBe(true);
    const ranPeriods = runs.map((r) => key(r.job, new Date(r.period_start).getTime()));
    expect(new Set(ranPeriods).size).toBe(runs.length);
    expect(runs.every((r) => new Date(r.period_start).getTime() % PERIOD === 0)).toBe(true);

    if (dbs.length === 2) {
      // Both instances tried every period: the one that did not run a job skipped it (lock held, or already in the log).
      const skipped = logs.map((l) => l.lines.filter((line) => line.msg === 'job skipped'));
      expect(skipped.every((s) => s.length > 0)).toBe(true);
      const tried = new Set(skipped.flat().map((line) => key(line.job, Date.parse(line.period))));
      // Periods of each job were both run by one instance and skipped by the other (every period, unless a
      // busy machine made an instance overrun one).
      for (const job of JOBS) expect(ranPeriods.filter((k) => k.startsWith(`${job.name}@`) && tried.has(k)).length).toBeGreaterThanOrEqual(2);
    }
    expect(logs.flatMap((l) => l.lines.filter((line) => line.level >= 50))).toEqual([]);

    // The job's own effect, once: the receivable flagged, one collection task, one audit entry.
    expect(await t.sql(`select status from receivable where id = ?`, [ref.receivable])).toEqual([{ status: 'OVERDUE' }]);
    expect(await t.sql(`select assignee_id from task where receivable_id = ?`, [ref.receivable])).toEqual([{ assignee_id: ref.user }]);
    expect(await t.sql(`select action from audit_event where entity_id = ?`, [ref.receivable])).toEqual([{ action: 'UPDATE' }]);

    // The run log through the API, for ADMIN: the overdue job's runs, newest first, with what they reported.
    const logged = ok(await t.gql('{ jobRuns(job: "overdue", limit: 2) { job periodStart instance startedAt finishedAt succeeded result } }', {}, 'ADMIN')).jobRuns;
    expect(logged).toHaveLength(2);
    expect(Date.parse(logged[0].periodStart)).toBeGreaterThan(Date.parse(logged[1].periodStart));
    for (const run of logged) {
      expect(run).toMatchObject({ job: 'overdue', succeeded: true, result: expect.objectContaining({ flagged: 0, tasksCreated: 0 }) });
      expect(names).toContain(run.instance);
      expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    }
    const first = runs.find((r) => r.job === 'overdue')!;
    const [firstLogged] = ok(await t.gql('query($l: Int) { jobRuns(job: "overdue", limit: $l) { periodStart result } }', { l: 500 }, 'ADMIN')).jobRuns
      .filter((r: any) => Date.parse(r.periodStart) === new Date(first.period_start).getTime());
    expect(firstLogged.result).toMatchObject({ flagged: 1, tasksCreated: 1 });
  }, 40_000);

  test('jobRuns: ADMIN only; limit from 1 to 500', async () => {
    expect(codes(await t.gql('{ jobRuns { job } }', {}, 'SALES_MANAGER'))).toEqual(['FORBIDDEN']);
    const res = await t.gql('{ jobRuns(limit: 0) { job } }', {}, 'ADMIN');
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/`limit` must be between 1 and 500/) });
    expect(ok(await t.gql('{ jobRuns(job: "no such job") { job } }', {}, 'ADMIN')).jobRuns).toEqual([]);
  });

  test('an instance whose timer fires later in a period skips a job already run in it; a job declares its own period with everyMs', async () => {
    const ran: string[] = [];
    const job: Job = { name: `scale-test-${Date.now()}`, everyMs: 60_000, run: async () => { ran.push('x'); return { ok: true }; } };
    const first = memoryLogger();
    const a = startScheduler({ db: t.db, log: first.log, intervalMs: 3_600_000, jobs: [job] });
    await until(() => first.lines.some((l) => l.msg === 'job done'));
    await a.stop();
    // Started later in the same minute (a restart, or another instance): the run log says the period is done.
    const later = memoryLogger();
    const b = startScheduler({ db: second, log: later.log, intervalMs: 3_600_000, jobs: [job] });
    await until(() => later.lines.some((l) => l.msg === 'job skipped'));
    await b.stop();
    expect(ran).toEqual(['x']);
    expect(later.lines.find((l) => l.msg === 'job skipped')).toMatchObject({ job: job.name, reason: 'already run in this period' });
    expect(later.lines.find((l) => l.msg === 'job scheduler started').jobs).toEqual([{ name: job.name, everyMs: 60_000 }]);
    const [run] = await t.sql(`select period_start, result from job_run where job = ?`, [job.name]);
    expect(new Date(run.period_start).getTime() % 60_000).toBe(0);
    expect(typeof run.result === 'string' ? JSON.parse(run.result) : run.result).toEqual({ ok: true });
    // A period that is not a positive whole number of ms fails at start, not later in a timer.
    for (const everyMs of [0, -1, 2.5]) {
      expect(() => startScheduler({ db: t.db, log: first.log, intervalMs: 1000, jobs: [{ ...job, everyMs }] })).toThrow(/everyMs must be a positive whole number/);
    }
  });

  test('while one instance holds a job\'s advisory lock (in-process on the embedded database), another skips the job', async () => {
    const name = `scale-lock-${Date.now()}`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let runs = 0;
    const slow: Job = { name, run: async () => { runs += 1; await gate; } };
    const one = memoryLogger();
    const two = memoryLogger();
    const a = startScheduler({ db: t.db, log: one.log, intervalMs: 3_600_000, jobs: [slow] });
    await until(() => runs === 1);
    const b = startScheduler({ db: second, log: two.log, intervalMs: 3_600_000, jobs: [slow] });
    await until(() => two.lines.some((l) => l.msg === 'job skipped'));
    release();
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toBe(1);
    expect(two.lines.find((l) => l.msg === 'job skipped').reason).toBe('running on another instance');
  });
});

// --------------------------------------------------------------------------- limits and tokens

describe('shared limits, tokens and cursors', () => {
  const limited = (overrides: Partial<Config>): Config => ({ ...t.config, RATE_LIMIT_PREFIX: uniquePrefix(), ...overrides });

  for (const store of ['PostgreSQL', 'Redis'] as const) {
    test(`a request limit counted on instance A applies on instance B (${store} store)`, async () => {
      const config = limited({ RATE_LIMIT_PER_MINUTE: 3, ...(store === 'Redis' ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}) });
      const [a, b] = [await instance(t.db, config), await instance(second, config)];
      const token = await t.token('ANALYST');
      const seen = [await a.post('{ me { email } }', {}, token), await b.post('{ me { email } }', {}, token), await a.post('{ me { email } }', {}, token)];
      const fourth = await b.post('{ me { email } }', {}, token);
      if (store === 'PostgreSQL' && t.db.kind === 'embedded') {
        // No shared store without PostgreSQL or Redis: each instance counts its own (one process on the embedded database).
        expect(seen.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '2', '1']);
        expect(fourth.status).toBe(200);
      } else {
        expect(seen.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
        expect(fourth.status).toBe(429);
        expect(codes(fourth)).toEqual(['RATE_LIMITED']);
      }
    });

    test(`failed sign-ins on instance A lock the account on instance B (${store} store)`, async () => {
      const config = limited({ LOGIN_MAX_FAILURES: 2, LOGIN_DELAY_AFTER_FAILURES: 1000, ...(store === 'Redis' ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}) });
      const [a, b] = [await instance(t.db, config), await instance(second, config)];
      expect(codes(await a.login(USERS.MARKETING, 'wrong'))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await b.login(USERS.MARKETING, 'wrong'))).toEqual(['UNAUTHENTICATED']);
      const third = await b.login(USERS.MARKETING, 'demo1234');
      if (store === 'PostgreSQL' && t.db.kind === 'embedded') expect(ok(third).login.user.email).toBe(USERS.MARKETING);
      else expect(codes(third)).toEqual(['LOGIN_LOCKED']);
    });
  }

  test('a token issued by instance A and a cursor from instance A work on instance B (same JWT_SECRET)', async () => {
    const [a, b] = [await instance(t.db, t.config), await instance(second, t.config)];
    const token = ok(await a.login(USERS.SALES_MANAGER, 'demo1234')).login.token;
    expect(ok(await b.post('{ me { email } }', {}, token)).me.email).toBe(USERS.SALES_MANAGER);
    const PAGE = 'query($after: String) { customers(first: 3, after: $after) { pageInfo { endCursor hasNextPage } edges { node { id } } } }';
    const first = ok(await a.post(PAGE, {}, token)).customers;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const onB = ok(await b.post(PAGE, { after: first.pageInfo.endCursor }, token)).customers;
    const onA = ok(await a.post(PAGE, { after: first.pageInfo.endCursor }, token)).customers;
    expect(onB.edges.length).toBe(3);
    expect(onB).toEqual(onA);
    expect(onB.edges.map((e: any) => e.node.id)).not.toContain(first.edges[0].node.id);
    // A different secret (a misconfigured instance) refuses both.
    const other = await instance(second, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.config.DATABASE_URL, JWT_SECRET: 'another-secret-of-at-least-32-characters!' }));
    expect(codes(await other.post('{ me { email } }', {}, token))).toEqual(['UNAUTHENTICATED']);
  });
});

// ------------------------------------------------------------------------------ read replica

describe('DATABASE_READ_URL', () => {
  test('needs DATABASE_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_READ_URL: 'postgres://replica/crm' })).toThrow(/DATABASE_READ_URL: a read replica needs DATABASE_URL/);
  });

  test('queries read from the replica pool; mutations, their payload reads and reads after a write stay on the primary', async () => {
    if (t.db.kind === 'embedded') {
      // No replica on the embedded database: nothing is counted as read there.
      queryCounter.reset();
      ok(await t.gql('{ customers(first: 2) { edges { node { id } } } }', {}, 'SALES_REP'));
      expect(queryCounter.replica).toBe(0);
      expect(queryCounter.count).toBeGreaterThan(0);
      return;
    }
    // The "replica": the same database through a connection that refuses every write (as a hot standby does).
    const readUrl = new URL(t.config.DATABASE_URL!);
    readUrl.searchParams.set('options', '-c default_transaction_read_only=on');
    const config: Config = { ...t.config, DATABASE_READ_URL: readUrl.toString() };
    expect(readUrl.toString()).toContain('options=-c+default_transaction_read_only%3Don');
    const db = await openDatabase(config);
    try {
      const replicaSql = (text: string) => db.replica!.em.fork().getConnection().execute(text, [], 'all');
      expect(await replicaSql(`select current_setting('transaction_read_only') as ro`)).toEqual([{ ro: 'on' }]);
      await expect(replicaSql(`update customer set name = name where false`)).rejects.toThrow(/read-only transaction/);
      expect(await db.orm.em.fork().getConnection().execute(`select current_setting('transaction_read_only') as ro`, [], 'all')).toEqual([{ ro: 'off' }]);

      const api = await instance(db, config);
      const token = await t.token('SALES_REP');
      const primaryOf = () => queryCounter.count - queryCounter.replica;

      // A query: a list with nested contacts, a detail read by id (loaders), `node`: all on the replica.
      queryCounter.reset();
      const list = ok(await api.post(`{ customers(first: 5) { edges { node { id name contacts(first: 3) { edges { node { id } } } } } } }`, {}, token)).customers;
      expect(list.edges.length).toBe(5);
      expect(queryCounter.replica).toBeGreaterThan(0);
      expect(primaryOf()).toBeLessThanOrEqual(1); // the caller's authentication (a revoked token is refused at once)
      const id = list.edges[0].node.id;
      queryCounter.reset();
      ok(await api.post('query($id: ID!) { customer(id: $id) { id name owner { id } } node(id: $id) { id } }', { id }, token));
      expect(queryCounter.replica).toBeGreaterThan(0);
      expect(primaryOf()).toBeLessThanOrEqual(1);

      // A mutation: the write and the payload read after it on the primary (on the replica the write would fail).
      queryCounter.reset();
      const created = ok(await api.post(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
        customer { id name owner { id } } errors { code message field } } }`, { input: { name: 'Replica Test GmbH', kind: 'BUSINESS' } }, token)).createCustomer;
      expect(created.errors).toEqual([]);
      expect(created.customer.name).toBe('Replica Test GmbH');
      expect(created.customer.owner.id).toEqual(expect.any(String));
      expect(queryCounter.replica).toBe(0);
      expect(primaryOf()).toBeGreaterThan(1);

      // The next query reads the new customer from the replica.
      queryCounter.reset();
      expect(ok(await api.post('query($id: ID!) { customer(id: $id) { name } }', { id: created.customer.id }, token)).customer.name).toBe('Replica Test GmbH');
      expect(queryCounter.replica).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { migrate, openDatabase } from '../src/db/orm';
import { newId } from '../src/entities/ids';
import { JOBS, type Job } from '../src/jobs';
import { startScheduler } from '../src/jobs/scheduler';
import { dunningStageFor, runOverdueJob } from '../src/services/collection.service';
import { startServer } from '../src/server';
import { freshPostgres, startTestApp, type GqlResult, type TestApp } from './helpers';

/**
 * The overdue job (collections) called directly with chosen clocks, its effects checked in the
 * database and through HTTP (the collection task in the owner's agenda); the scheduler with fake jobs
 * and inside the real server.
 *
 * The job changes every receivable and contract of the database, so the tests run in order on one
 * clock that only moves forward (DAY0, then later), and each test names exactly what it expects.
 */

let t: TestApp;
const DAY = 86_400_000;
/** The job's "today" in the first tests: 2030-03-01 (UTC), at 10:00. */
const DAY0 = Date.parse('2030-03-01T10:00:00.000Z');
const at = (days: number, base = DAY0) => new Date(base + days * DAY);
/** YYYY-MM-DD, `days` after DAY0. */
const date = (days: number, base = DAY0) => at(days, base).toISOString().slice(0, 10);

const ids = { rep1: '', rep2: '', manager: '', c1: '', c2: '', c3: '' };

function ok(res: GqlResult): any {
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

// ------------------------------------------------------------------------------------- fixtures

let invoiceSeq = 0;
const holders = new Map<string, { id: string; next: number }>();

/** A contract that only carries fixture receivables (TERMINATED: the job's contract rules leave it alone). */
async function holderOf(customerId: string) {
  let holder = holders.get(customerId);
  if (!holder) {
    holder = { id: newId('Contract'), next: 1 };
    const owner = (await t.sql<{ owner_id: string }>('select owner_id from customer where id = ?', [customerId]))[0].owner_id;
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, ?, ?, 'Fixture holder', 1000000, 'EUR', '2029-01-01', 'TERMINATED', '[{"dueDate":"2029-01-01","percent":null}]', ?)`,
    [holder.id, `CT-H${holders.size + 1}`, customerId, owner]);
    holders.set(customerId, holder);
  }
  return holder;
}

interface ReceivableFixture { customer: string; due: string; amount: string; paid?: string; currency?: string }

async function receivable(f: ReceivableFixture): Promise<{ id: string; number: string }> {
  const holder = await holderOf(f.customer);
  const id = newId('Receivable');
  invoiceSeq += 1;
  const number = `INV-T${String(invoiceSeq).padStart(5, '0')}`;
  const paid = f.paid ?? '0.00';
  const settled = paid === f.amount;
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, paid_amount,
      issued_on, due_date, status, settled_at)
    values (?, ?, ?, ?, ?, 'fixture', ?, ?, ?, '2029-01-01', ?, ?, ?)`,
  [id, number, f.customer, holder.id, holder.next++, f.currency ?? 'EUR', f.amount, paid, f.due, settled ? 'SETTLED' : 'OPEN',
    settled ? '2029-06-01T00:00:00Z' : null]);
  return { id, number };
}

async function state(id: string) {
  const [row] = await t.sql(`select status, dunning_stage as stage, overdue_since::text as since, version from receivable where id = ?`, [id]);
  return row as { status: string; stage: string | null; since: string | null; version: number };
}

async function collectionTasks(receivableId: string) {
  return t.sql(`select id, title, status, assignee_id, assigned_by_id, customer_id, due_at, completed_at from task
    where type = 'COLLECTION' and receivable_id = ? order by created_at`, [receivableId]);
}

const job = (now: Date) => runOverdueJob(t.db.orm.em.fork() as any, now);

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm', 'manager@demo.crm')`);
  const user = (email: string) => users.find((u) => u.email === email)!.id;
  ids.rep1 = user('rep1@demo.crm');
  ids.rep2 = user('rep2@demo.crm');
  ids.manager = user('manager@demo.crm');
  const own = (owner: string) => t.sql<{ id: string }>('select id from customer where owner_id = ? order by created_at, id', [owner]);
  [{ id: ids.c1 }, { id: ids.c3 }] = await own(ids.rep1);
  [{ id: ids.c2 }] = await own(ids.rep2);
});
afterAll(async () => { await t?.close(); });

// ------------------------------------------------------------------------------------ the stages

test('dunning stages by days overdue: 1–14 REMINDER, 15–30 NOTICE, 31–60 ESCALATED, over 60 COLLECTION_AGENCY', () => {
  expect([1, 14, 15, 30, 31, 60, 61, 400].map(dunningStageFor)).toEqual([
    'REMINDER', 'REMINDER', 'NOTICE', 'NOTICE', 'ESCALATED', 'ESCALATED', 'COLLECTION_AGENCY', 'COLLECTION_AGENCY']);
});

// --------------------------------------------------------------------------------- overdue flags

describe('the overdue job, on one clock that moves forward', () => {
  const r: Record<string, { id: string; number: string }> = {};

  test('flags receivables past due with money outstanding, stages them by days overdue, one COLLECTION task each, audited as SYSTEM', async () => {
    r.d1 = await receivable({ customer: ids.c1, due: date(-1), amount: '1234.56' });
    r.d14 = await receivable({ customer: ids.c1, due: date(-14), amount: '10.00' });
    r.d15 = await receivable({ customer: ids.c1, due: date(-15), amount: '10.00' });
    r.d30 = await receivable({ customer: ids.c2, due: date(-30), amount: '10.00' });
    r.d31 = await receivable({ customer: ids.c2, due: date(-31), amount: '10.00' });
    r.d60 = await receivable({ customer: ids.c2, due: date(-60), amount: '10.00' });
    r.d61 = await receivable({ customer: ids.c2, due: date(-61), amount: '10.00' });
    r.partly = await receivable({ customer: ids.c1, due: date(-3), amount: '500.00', paid: '100.25' });
    r.today = await receivable({ customer: ids.c1, due: date(0), amount: '10.00' });
    r.future = await receivable({ customer: ids.c1, due: date(5), amount: '10.00' });
    r.settled = await receivable({ customer: ids.c1, due: date(-20), amount: '10.00', paid: '10.00' });

    const result = await job(at(0));
    expect(result).toEqual({ instalmentsIssued: 0, flagged: 8, advanced: 0, tasksCreated: 8, tasksClosed: 0, contractsActivated: 0, contractsExpired: 0 });

    const expected: Record<string, [string, string | null, string | null]> = {
      d1: ['OVERDUE', 'REMINDER', date(0)], d14: ['OVERDUE', 'REMINDER', date(-13)], d15: ['OVERDUE', 'NOTICE', date(-14)],
      d30: ['OVERDUE', 'NOTICE', date(-29)], d31: ['OVERDUE', 'ESCALATED', date(-30)], d60: ['OVERDUE', 'ESCALATED', date(-59)],
      d61: ['OVERDUE', 'COLLECTION_AGENCY', date(-60)], partly: ['OVERDUE', 'REMINDER', date(-2)],
      today: ['OPEN', null, null], future: ['OPEN', null, null], settled: ['SETTLED', null, null],
    };
    for (const [key, [status, stage, since]] of Object.entries(expected)) {
      const s = await state(r[key].id);
      expect({ key, status: s.status, stage: s.stage, since: s.since }).toEqual({ key, status, stage, since });
    }

    const [task] = await collectionTasks(r.d1.id);
    expect(task).toMatchObject({
      title: `Collect ${r.d1.number}: 1234.56 EUR overdue since ${date(0)}`, status: 'OPEN',
      assignee_id: ids.rep1, assigned_by_id: ids.rep1, customer_id: ids.c1, completed_at: null,
    });
    expect(new Date(task.due_at).toISOString()).toBe(at(0).toISOString());
    // the title names what is still owed, and the other customer's owner gets theirs
    expect((await collectionTasks(r.partly.id))[0].title).toBe(`Collect ${r.partly.number}: 399.75 EUR overdue since ${date(-2)}`);
    expect((await collectionTasks(r.d61.id))[0]).toMatchObject({ assignee_id: ids.rep2, customer_id: ids.c2 });
    for (const key of ['today', 'future', 'settled']) expect(await collectionTasks(r[key].id)).toEqual([]);

    const audit = await t.sql(`select action, actor_type, actor_id, customer_id, changes from audit_event where entity_id = ?`, [r.d15.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'UPDATE', actor_type: 'SYSTEM', actor_id: null, customer_id: ids.c1 });
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual([
      { field: 'status', old: 'OPEN', new: 'OVERDUE' },
      { field: 'dunningStage', old: null, new: 'NOTICE' },
      { field: 'overdueSince', old: null, new: date(-14) },
    ]);
  });

  test('running again changes nothing: still one task per receivable, no new audit entries, versions unchanged', async () => {
    const before = await t.sql(`select count(*)::int as n from audit_event`);
    const version = (await state(r.d1.id)).version;
    expect(await job(at(0, DAY0 + 3600_000))).toEqual({ instalmentsIssued: 0, flagged: 0, advanced: 0, tasksCreated: 0, tasksClosed: 0, contractsActivated: 0, contractsExpired: 0 });
    expect(await t.sql(`select count(*)::int as n from audit_event`)).toEqual(before);
    expect((await state(r.d1.id)).version).toBe(version);
    const perReceivable = await t.sql(`select receivable_id, count(*)::int as n from task where type = 'COLLECTION' group by receivable_id having count(*) > 1`);
    expect(perReceivable).toEqual([]);
    expect(await t.sql(`select count(*)::int as n from task where type = 'COLLECTION'`)).toEqual([{ n: 8 }]);
  });

  test('concurrent runs never duplicate a task or an audit entry', async () => {
    r.race1 = await receivable({ customer: ids.c1, due: date(-2), amount: '20.00' });
    r.race2 = await receivable({ customer: ids.c2, due: date(-2), amount: '30.00' });
    const results = await Promise.all([job(at(0)), job(at(0)), job(at(0)), job(at(0))]);
    expect(results.reduce((n, x) => n + x.flagged, 0)).toBe(2);
    expect(results.reduce((n, x) => n + x.tasksCreated, 0)).toBe(2);
    for (const key of ['race1', 'race2']) {
      expect(await collectionTasks(r[key].id)).toHaveLength(1);
      expect(await t.sql(`select count(*)::int as n from audit_event where entity_id = ?`, [r[key].id])).toEqual([{ n: 1 }]);
    }
  });

  test('a later clock advances stages (counted as advanced); an earlier one never moves them back', async () => {
    // 20 days later: d1 21 days (REMINDER → NOTICE), d14 34 (REMINDER → ESCALATED), d15 35 (NOTICE → ESCALATED),
    // d30 50 (NOTICE → ESCALATED), d31 51 (ESCALATED, unchanged), d60 80 (ESCALATED → COLLECTION_AGENCY),
    // d61 81 (unchanged), partly 23 (REMINDER → NOTICE), race1/race2 22 (REMINDER → NOTICE): 8 advanced;
    // today (due DAY0) and future (due DAY0+5) become overdue: 20 and 15 days (NOTICE): 2 flagged.
    const later = await job(at(20));
    expect(later).toEqual({ instalmentsIssued: 0, flagged: 2, advanced: 8, tasksCreated: 2, tasksClosed: 0, contractsActivated: 0, contractsExpired: 0 });
    const stages = async (keys: string[]) => Promise.all(keys.map(async (k) => (await state(r[k].id)).stage));
    expect(await stages(['d1', 'd14', 'd15', 'd30', 'd31', 'd60', 'd61', 'partly', 'race1', 'today', 'future'])).toEqual([
      'NOTICE', 'ESCALATED', 'ESCALATED', 'ESCALATED', 'ESCALATED', 'COLLECTION_AGENCY', 'COLLECTION_AGENCY', 'NOTICE', 'NOTICE', 'NOTICE', 'NOTICE']);
    expect((await state(r.future.id)).since).toBe(date(6));
    const changes = await t.sql(`select changes from audit_event where entity_id = ? order by at desc limit 1`, [r.d1.id]);
    const parsed = typeof changes[0].changes === 'string' ? JSON.parse(changes[0].changes) : changes[0].changes;
    expect(parsed).toEqual([{ field: 'dunningStage', old: 'REMINDER', new: 'NOTICE' }]);

    // back to DAY0: the computed stages would be lower; nothing moves
    expect(await job(at(0))).toEqual({ instalmentsIssued: 0, flagged: 0, advanced: 0, tasksCreated: 0, tasksClosed: 0, contractsActivated: 0, contractsExpired: 0 });
    expect(await stages(['d1', 'd14', 'd61'])).toEqual(['NOTICE', 'ESCALATED', 'COLLECTION_AGENCY']);
    // a still later clock moves on again
    expect((await job(at(60))).advanced).toBeGreaterThan(0);
    expect(await stages(['d1', 'race1'])).toEqual(['COLLECTION_AGENCY', 'COLLECTION_AGENCY']);
  });

  test('a settled receivable\'s open COLLECTION task is closed (DONE at the job\'s clock); already closed tasks are left alone', async () => {
    await t.sql(`update receivable set paid_amount = amount, status = 'SETTLED', settled_at = now() where id in (?, ?)`, [r.d1.id, r.d14.id]);
    // d14's task was cancelled by its owner meanwhile: it stays CANCELLED
    await t.sql(`update task set status = 'CANCELLED', completed_at = '2030-03-05T00:00:00Z' where receivable_id = ?`, [r.d14.id]);
    const result = await job(at(61));
    expect(result.tasksClosed).toBe(1);
    const [task] = await collectionTasks(r.d1.id);
    expect(task.status).toBe('DONE');
    expect(new Date(task.completed_at).toISOString()).toBe(at(61).toISOString());
    expect((await collectionTasks(r.d14.id))[0].status).toBe('CANCELLED');
    // settled stays settled: no flag, no new task
    expect(await state(r.d1.id)).toMatchObject({ status: 'SETTLED' });
    expect(await collectionTasks(r.d1.id)).toHaveLength(1);
    expect((await job(at(61))).tasksClosed).toBe(0);
  });
});

// ----------------------------------------------------------------------------- agenda (HTTP)

test('the collection task is in the owner\'s agenda (and their manager\'s view of it), not in another rep\'s', async () => {
  const overdue = await receivable({ customer: ids.c3, due: date(-2, DAY0 + 100 * DAY), amount: '77.70' });
  const now = at(100);
  await job(now);
  const AGENDA = `query($from: DateTime!, $to: DateTime!) { myAgenda(from: $from, to: $to, first: 100) {
    edges { node { id title type status dueAt customer { id } assignee { id } } } } }`;
  const range = { from: new Date(now.getTime() - 3600_000).toISOString(), to: new Date(now.getTime() + 3600_000).toISOString() };
  const mine = ok(await t.gql(AGENDA, range, 'SALES_REP')).myAgenda.edges.map((e: any) => e.node);
  const task = mine.find((n: any) => n.title.startsWith(`Collect ${overdue.number}:`));
  expect(task).toMatchObject({
    title: `Collect ${overdue.number}: 77.70 EUR overdue since ${date(-1, DAY0 + 100 * DAY)}`, type: 'COLLECTION', status: 'OPEN',
    dueAt: now.toISOString(), customer: { id: ids.c3 }, assignee: { id: ids.rep1 },
  });
  const theirs = ok(await t.gql(AGENDA, range, 'SALES_REP_2')).myAgenda.edges.map((e: any) => e.node.id);
  expect(theirs).not.toContain(task.id);
  const TEAM = `query($userId: ID!, $from: DateTime!, $to: DateTime!) { agenda(userId: $userId, from: $from, to: $to, first: 100) { edges { node { id } } } }`;
  const managerView = ok(await t.gql(TEAM, { userId: ids.rep1, ...range }, 'SALES_MANAGER')).agenda.edges.map((e: any) => e.node.id);
  expect(managerView).toContain(task.id);
});

test('a collection task names its receivable; paying it off closes the task at once, without waiting for the job', async () => {
  const overdue = await receivable({ customer: ids.c3, due: date(-5, DAY0 + 300 * DAY), amount: '40.00' });
  await job(at(300));
  const [task] = await collectionTasks(overdue.id);
  const TASK = `query($id: ID!) { node(id: $id) { ... on Task { id status receivableId receivable { id number outstanding } } } }`;
  expect(ok(await t.gql(TASK, { id: task.id }, 'SALES_REP')).node).toEqual({
    id: task.id, status: 'OPEN', receivableId: overdue.id, receivable: { id: overdue.id, number: overdue.number, outstanding: '40.00' },
  });
  const paid = ok(await t.gql(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { errors { code field } } }`,
    { input: { customerId: ids.c3, amount: '40.00', currency: 'EUR', receivedOn: '2026-01-02', method: 'CARD', allocations: [{ receivableId: overdue.id, amount: '40.00' }] } },
    'FINANCE')).recordPayment;
  expect(paid.errors).toEqual([]);
  expect(ok(await t.gql(TASK, { id: task.id }, 'SALES_REP')).node).toMatchObject({ status: 'DONE', receivable: { outstanding: '0.00' } });
});

// --------------------------------------------------------------------------------- contracts

test('contracts: SIGNED → ACTIVE on the start date, SIGNED/ACTIVE → EXPIRED after the end date, audited; others untouched', async () => {
  const base = DAY0 + 200 * DAY;
  const d = (days: number) => date(days, base);
  const mk = async (status: string, start: string, end: string | null) => {
    const id = newId('Contract');
    invoiceSeq += 1;
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, end_date, status, instalments, owner_id)
      values (?, ?, ?, 'Dates', 100, 'EUR', ?, ?, ?, '[{"dueDate":"2029-01-01","percent":null}]', ?)`,
    [id, `CT-D${invoiceSeq}`, ids.c1, start, end, status, ids.rep1]);
    return id;
  };
  const k = {
    startsToday: await mk('SIGNED', d(0), d(100)),
    startsTomorrow: await mk('SIGNED', d(1), d(100)),
    startedOpenEnded: await mk('SIGNED', d(-10), null),
    endedYesterday: await mk('ACTIVE', d(-100), d(-1)),
    endsToday: await mk('ACTIVE', d(-100), d(0)),
    signedAndOver: await mk('SIGNED', d(-100), d(-5)),
    draft: await mk('DRAFT', d(-100), d(-5)),
    terminated: await mk('TERMINATED', d(-100), d(-5)),
    pending: await mk('PENDING_CREDIT_APPROVAL', d(-10), null),
  };
  const result = await job(new Date(base));
  expect(result.contractsActivated).toBe(2);
  expect(result.contractsExpired).toBe(2);
  const status = async (id: string) => (await t.sql(`select status from contract where id = ?`, [id]))[0].status;
  expect(Object.fromEntries(await Promise.all(Object.entries(k).map(async ([name, id]) => [name, await status(id)])))).toEqual({
    startsToday: 'ACTIVE', startsTomorrow: 'SIGNED', startedOpenEnded: 'ACTIVE', endedYesterday: 'EXPIRED', endsToday: 'ACTIVE',
    signedAndOver: 'EXPIRED', draft: 'DRAFT', terminated: 'TERMINATED', pending: 'PENDING_CREDIT_APPROVAL',
  });
  const audit = await t.sql(`select action, actor_type, customer_id, changes from audit_event where entity_id = ?`, [k.signedAndOver]);
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ action: 'UPDATE', actor_type: 'SYSTEM', customer_id: ids.c1 });
  expect(typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes).toEqual([{ field: 'status', old: 'SIGNED', new: 'EXPIRED' }]);
  // the next day: the one starting tomorrow starts; the one ending "today" has ended
  const next = await job(new Date(base + DAY));
  expect(next).toMatchObject({ contractsActivated: 1, contractsExpired: 1 });
  expect(await status(k.startsTomorrow)).toBe('ACTIVE');
  expect(await status(k.endsToday)).toBe('EXPIRED');
  expect(await t.sql(`select count(*)::int as n from audit_event where entity_id = ?`, [k.startsToday])).toEqual([{ n: 1 }]);
});

// ----------------------------------------------------------------------------- statement count

test('the number of statements does not depend on how many rows change', async () => {
  const run = async (base: number, n: number) => {
    for (let i = 0; i < n; i++) await receivable({ customer: i % 2 ? ids.c1 : ids.c2, due: date(-1, base), amount: '5.00' });
    let result: any;
    const statements = await t.countQueries(async () => { result = await job(new Date(base)); });
    return { statements, result };
  };
  const small = await run(DAY0 + 300 * DAY, 1);
  const large = await run(DAY0 + 400 * DAY, 12);
  expect(small.result.flagged).toBe(1);
  expect(large.result.flagged).toBe(12);
  expect(large.result.tasksCreated).toBe(12);
  expect(large.statements).toBe(small.statements);
});

// ---------------------------------------------------------------------------------- scheduler

function memoryLogger() {
  const lines: any[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: 'info' }, stream), lines };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the scheduler', () => {
  test('the job list holds the overdue job and the idempotency-key purge', () => {
    expect(JOBS.map((j) => j.name)).toEqual(expect.arrayContaining(['overdue', 'purgeIdempotencyKeys']));
  });

  test('JOBS_INTERVAL_MS: hourly by default, off under test unless set, 0 disables, must be a non-negative integer', () => {
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: tmpdir(), JWT_SECRET: 'x'.repeat(32) }).JOBS_INTERVAL_MS).toBe(3_600_000);
    expect(loadConfig({ NODE_ENV: 'test' }).JOBS_INTERVAL_MS).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', JOBS_INTERVAL_MS: '250' }).JOBS_INTERVAL_MS).toBe(250);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), JOBS_INTERVAL_MS: '0' }).JOBS_INTERVAL_MS).toBe(0);
    expect(() => loadConfig({ NODE_ENV: 'test', JOBS_INTERVAL_MS: '-1' })).toThrow(/JOBS_INTERVAL_MS/);
    expect(() => loadConfig({ NODE_ENV: 'test', JOBS_INTERVAL_MS: 'hourly' })).toThrow(/JOBS_INTERVAL_MS/);
  });

  test('runs the jobs in order, again and again, never overlapping; a failing job is logged and the others still run', async () => {
    const { log, lines } = memoryLogger();
    const calls: string[] = [];
    let active = 0;
    let maxActive = 0;
    const slow: Job = {
      name: 'slow',
      run: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        calls.push('slow');
        await new Promise((resolve) => setTimeout(resolve, 30)); // longer than the interval
        active -= 1;
        return { done: true };
      },
    };
    const broken: Job = { name: 'broken', run: async () => { calls.push('broken'); throw new Error('boom'); } };
    const scheduler = startScheduler({ db: t.db, log, intervalMs: 5, jobs: [slow, broken] });
    await until(() => calls.length >= 6);
    await scheduler.stop();
    const count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.length).toBe(count); // stopped: nothing runs any more
    expect(maxActive).toBe(1);
    expect(calls.slice(0, 4)).toEqual(['slow', 'broken', 'slow', 'broken']);
    const failed = lines.filter((l) => l.msg === 'job failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]).toMatchObject({ level: 50, job: 'broken', err: { message: 'boom' } });
    expect(lines.filter((l) => l.msg === 'job done' && l.job === 'slow')[0]).toMatchObject({ result: { done: true } });
  });

  test('stop() waits for the job in progress', async () => {
    const { log } = memoryLogger();
    let finished = false;
    let started = false;
    const scheduler = startScheduler({
      db: t.db, log, intervalMs: 1000,
      jobs: [{ name: 'long', run: async () => { started = true; await new Promise((resolve) => setTimeout(resolve, 100)); finished = true; } }],
    });
    await until(() => started);
    await scheduler.stop();
    expect(finished).toBe(true);
  });

  test('interval 0: nothing runs', async () => {
    const { log } = memoryLogger();
    let ran = false;
    const scheduler = startScheduler({ db: t.db, log, intervalMs: 0, jobs: [{ name: 'x', run: async () => { ran = true; } }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scheduler.stop();
    expect(ran).toBe(false);
  });
});

// -------------------------------------------------------------------------- the server's timer

describe('the server runs the jobs when JOBS_INTERVAL_MS is set', () => {
  let dataDir: string;
  let pg: Awaited<ReturnType<typeof freshPostgres>> | null = null;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'crm-jobs-'));
    if (process.env.DATABASE_URL) pg = await freshPostgres(process.env.DATABASE_URL);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await pg?.drop();
  });

  test('an overdue receivable is flagged and gets its task without anyone calling the job, and shutdown is clean', async () => {
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: dataDir, SEED_DEMO: 'false', ...(pg ? { DATABASE_URL: pg.url } : {}) };
    // Fixture on the server's own database, written before it starts (the embedded database is single-process).
    const ref = { user: newId('User'), customer: newId('Customer'), contract: newId('Contract'), receivable: newId('Receivable') };
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    let db = await openDatabase(loadConfig(env));
    await migrate(db.orm);
    const exec = (text: string, params: unknown[] = []) => db.orm.em.fork().getConnection().execute(text, params as any[], 'all');
    await exec(`insert into app_user (id, email, name, role, password_hash) values (?, 'owner@jobs.test', 'Owner', 'SALES_REP', 'x')`, [ref.user]);
    await exec(`insert into customer (id, name, kind, sector, owner_id) values (?, 'Slow Payer Ltd', 'BUSINESS', 'SMALL_BUSINESS', ?)`, [ref.customer, ref.user]);
    await exec(`insert into contract (id, number, customer_id, title, value, currency, start_date, status, instalments, owner_id)
      values (?, 'CT-J1', ?, 'Jobs', 100, 'EUR', '2020-01-01', 'TERMINATED', '[{"dueDate":"2020-01-01","percent":null}]', ?)`, [ref.contract, ref.customer, ref.user]);
    await exec(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
      values (?, 'INV-J1', ?, ?, 1, 'x', 'EUR', 100, '2020-01-01', ?)`, [ref.receivable, ref.customer, ref.contract, yesterday]);
    await db.close();

    const { log, lines } = memoryLogger();
    const running = await startServer(loadConfig({ ...env, JOBS_INTERVAL_MS: '20' }), log);
    try {
      await until(() => lines.filter((l) => l.msg === 'job done' && l.job === 'overdue').length >= 2);
    } finally {
      await running.shutdown('test');
    }
    const runs = lines.filter((l) => l.msg === 'job done' && l.job === 'overdue');
    expect(runs[0].result).toMatchObject({ flagged: 1, tasksCreated: 1 });
    expect(runs[1].result).toMatchObject({ flagged: 0, tasksCreated: 0 });
    expect(lines.some((l) => l.msg === 'job done' && l.job === 'purgeIdempotencyKeys')).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.findIndex((l) => l.msg === 'stopped cleanly')).toBeGreaterThan(lines.lastIndexOf(runs[runs.length - 1]));

    db = await openDatabase(loadConfig(env));
    try {
      expect(await exec(`select status, dunning_stage from receivable where id = ?`, [ref.receivable])).toEqual([{ status: 'OVERDUE', dunning_stage: 'REMINDER' }]);
      expect(await exec(`select assignee_id, status from task where receivable_id = ?`, [ref.receivable])).toEqual([{ assignee_id: ref.user, status: 'OPEN' }]);
    } finally {
      await db.close();
    }
  });
});

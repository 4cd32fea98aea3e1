import { newId } from '../src/entities/ids';
import { JOBS, findJob } from '../src/jobs';
import { runSlaJob } from '../src/services/sla.service';
import { startTestApp, type GqlResult, type TestApp } from './helpers';

/**
 * The SLA escalation job (`sla`), called directly with a fixed clock; fixtures by SQL, effects checked
 * in the database and through HTTP (the ESCALATION task in the queue manager's agenda).
 *
 * The job looks at every case of the database, so the tests run in order on one clock (NOW) and each
 * names exactly the cases it expects to change. The escalation queue is created half-way (the first
 * tests run without one).
 */

let t: TestApp;
const HOUR = 3_600_000;
const NOW = new Date('2030-01-10T10:00:00.000Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();

const ids = { admin: '', agent: '', manager: '', rep1: '', c1: '', c2: '', deleted: '' };
const queues = { managed: '', unmanaged: '', inactive: '', escalation: '' };

function ok(res: GqlResult): any {
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

const job = (now = NOW) => runSlaJob(t.db.orm.em.fork() as any, now);

async function queue(name: string, managerId: string | null, escalation = false) {
  const id = newId('ServiceQueue');
  await t.sql(`insert into service_queue (id, name, manager_id, escalation) values (?, ?, ?, ?)`, [id, name, managerId, escalation]);
  return id;
}

let seq = 0;
interface CaseFixture {
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  status?: string;
  queue?: string | null;
  customer?: string;
  /** Hours relative to NOW. */
  firstDue: number;
  resolutionDue: number;
  respondedAt?: number | null;
  resolvedAt?: number | null;
  escalatedAt?: number | null;
}

async function kase(f: CaseFixture): Promise<{ id: string; number: string; subject: string }> {
  const id = newId('ServiceCase');
  seq += 1;
  const number = `CS-9${String(seq).padStart(5, '0')}`;
  const subject = `Fixture case ${seq}`;
  const status = f.status ?? 'IN_PROGRESS';
  const resolved = status === 'RESOLVED' || status === 'CLOSED';
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, queue_id, opened_by,
      first_response_due_at, resolution_due_at, first_responded_at, resolved_at, closed_at, escalated_at, created_at, updated_at)
    values (?, ?, 'TECH_SUPPORT', 'PHONE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    id, number, f.priority, status, subject, f.customer ?? ids.c1, f.queue ?? null, ids.agent,
    at(f.firstDue), at(f.resolutionDue), f.respondedAt == null ? null : at(f.respondedAt),
    resolved ? at(f.resolvedAt ?? -1) : null, status === 'CLOSED' ? at(-0.5) : null, f.escalatedAt == null ? null : at(f.escalatedAt),
    at(-48), at(-48)]);
  return { id, number, subject };
}

async function state(id: string) {
  const [row] = await t.sql(`select priority, queue_id, escalated_at, version from service_case where id = ?`, [id]);
  return { priority: row.priority as string, queue: row.queue_id as string | null, escalatedAt: row.escalated_at ? new Date(row.escalated_at).toISOString() : null, version: row.version as number };
}

async function tasksOf(caseId: string) {
  return t.sql(`select id, title, type, status, assignee_id, assigned_by_id, customer_id, case_id, due_at from task where case_id = ? order by created_at`, [caseId]);
}

async function auditOf(caseId: string) {
  const found = await t.sql(`select action, actor_type, actor_id, customer_id, changes, at from audit_event where entity_type = 'ServiceCase' and entity_id = ? order by at`, [caseId]);
  return found.map((a: any) => ({ ...a, changes: typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes }));
}

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  const user = (email: string) => users.find((u) => u.email === email)!.id;
  ids.admin = user('admin@demo.crm');
  ids.agent = user('service@demo.crm');
  ids.manager = user('manager@demo.crm');
  ids.rep1 = user('rep1@demo.crm');
  const customers = await t.sql<{ id: string }>(`select id from customer order by created_at, id`);
  [ids.c1, ids.c2, ids.deleted] = [customers[0].id, customers[1].id, customers[2].id];
  await t.sql(`update customer set deleted_at = now() where id = ?`, [ids.deleted]);
  queues.managed = await queue('Hardware', ids.agent);
  queues.unmanaged = await queue('Software', null);
  // A queue whose manager was deactivated (a user created for this).
  const gone = newId('User');
  await t.sql(`insert into app_user (id, email, name, role, password_hash, active) values (?, 'gone@demo.crm', 'Gone Manager', 'SERVICE_AGENT', 'x', false)`, [gone]);
  queues.inactive = await queue('Legacy', gone);
});
afterAll(async () => { await t?.close(); });

test('the job is registered as `sla`', () => {
  expect(JOBS.map((j) => j.name)).toContain('sla');
  expect(findJob('sla')).toBeDefined();
});

describe('escalation, on one clock', () => {
  const k: Record<string, { id: string; number: string; subject: string }> = {};

  test('a breached case is escalated once: priority one step up, escalated_at, one ESCALATION task for the queue manager, audited as SYSTEM', async () => {
    // resolution overdue (not resolved, due an hour ago)
    k.p3 = await kase({ priority: 'P3', queue: queues.managed, firstDue: -40, resolutionDue: -1, respondedAt: -45, customer: ids.c2 });
    const before = await state(k.p3.id);

    expect(await job()).toEqual({ escalated: 1, priorityRaised: 1, movedToEscalationQueue: 0, tasksCreated: 1 });

    expect(await state(k.p3.id)).toEqual({ priority: 'P2', queue: queues.managed, escalatedAt: NOW.toISOString(), version: before.version + 1 });
    const [task, ...more] = await tasksOf(k.p3.id);
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      type: 'ESCALATION', status: 'OPEN', title: `Escalated: ${k.p3.number} ${k.p3.subject} (SLA breached)`,
      assignee_id: ids.agent, assigned_by_id: ids.agent, customer_id: ids.c2, case_id: k.p3.id,
    });
    expect(new Date(task.due_at).toISOString()).toBe(NOW.toISOString());
    const audit = await auditOf(k.p3.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'UPDATE', actor_type: 'SYSTEM', actor_id: null, customer_id: ids.c2 });
    expect(audit[0].changes).toEqual([
      { field: 'priority', old: 'P3', new: 'P2' },
      { field: 'escalatedAt', old: null, new: NOW.toISOString() },
    ]);
  });

  test('running again (same or later clock) changes nothing: still breached, but escalated once — one task, one audit entry', async () => {
    const version = (await state(k.p3.id)).version;
    expect(await job()).toEqual({ escalated: 0, priorityRaised: 0, movedToEscalationQueue: 0, tasksCreated: 0 });
    expect(await job(new Date(NOW.getTime() + 48 * HOUR))).toEqual({ escalated: 0, priorityRaised: 0, movedToEscalationQueue: 0, tasksCreated: 0 });
    expect(await state(k.p3.id)).toMatchObject({ priority: 'P2', version });
    expect(await tasksOf(k.p3.id)).toHaveLength(1);
    expect(await auditOf(k.p3.id)).toHaveLength(1);
    expect(await t.sql(`select count(*)::int as n from task where type = 'ESCALATION'`)).toEqual([{ n: 1 }]);
  });

  test('the escalation task is in the queue manager\'s agenda, linked to the case', async () => {
    const data = ok(await t.gql(`query($from: DateTime!, $to: DateTime!) { myAgenda(from: $from, to: $to) {
      edges { node { title type dueAt caseId customer { id } } } } }`, { from: at(-1), to: at(1) }, 'SERVICE_AGENT'));
    expect(data.myAgenda.edges.map((e: any) => e.node)).toEqual([{
      title: `Escalated: ${k.p3.number} ${k.p3.subject} (SLA breached)`, type: 'ESCALATION', dueAt: NOW.toISOString(), caseId: k.p3.id, customer: { id: ids.c2 },
    }]);
  });

  test('every breach rule counts; cases within SLA, RESOLVED/CLOSED, already escalated or of deleted customers are untouched', async () => {
    // breached: first response late (came after its due time), resolution in the future
    k.lateReply = await kase({ priority: 'P4', queue: queues.managed, firstDue: -10, resolutionDue: 100, respondedAt: -5 });
    // breached: no first response and past its due time
    k.noReply = await kase({ priority: 'P2', queue: queues.managed, firstDue: -0.1, resolutionDue: 10, respondedAt: null });
    // not breached: replied in time, resolution due later; and one due exactly now (not yet late)
    k.fine = await kase({ priority: 'P3', queue: queues.managed, firstDue: -10, resolutionDue: 5, respondedAt: -20 });
    k.dueNow = await kase({ priority: 'P3', queue: queues.managed, firstDue: -10, resolutionDue: 0, respondedAt: -20 });
    // resolved late and closed late: history, not escalated
    k.resolved = await kase({ priority: 'P3', status: 'RESOLVED', queue: queues.managed, firstDue: -30, resolutionDue: -20, respondedAt: -10, resolvedAt: -2 });
    k.closed = await kase({ priority: 'P3', status: 'CLOSED', queue: queues.managed, firstDue: -30, resolutionDue: -20, respondedAt: null, resolvedAt: -1 });
    // escalated before (by an earlier run), still breached
    k.already = await kase({ priority: 'P2', queue: queues.managed, firstDue: -30, resolutionDue: -20, respondedAt: null, escalatedAt: -3 });
    // a soft-deleted customer's case
    k.deleted = await kase({ priority: 'P3', queue: queues.managed, firstDue: -30, resolutionDue: -20, customer: ids.deleted });
    const untouched = ['fine', 'dueNow', 'resolved', 'closed', 'already', 'deleted'];
    const before = Object.fromEntries(await Promise.all(untouched.map(async (key) => [key, await state(k[key].id)])));

    expect(await job()).toEqual({ escalated: 2, priorityRaised: 2, movedToEscalationQueue: 0, tasksCreated: 2 });
    expect(await state(k.lateReply.id)).toMatchObject({ priority: 'P3', escalatedAt: NOW.toISOString() });
    expect(await state(k.noReply.id)).toMatchObject({ priority: 'P1', escalatedAt: NOW.toISOString() });
    for (const key of untouched) {
      expect({ key, ...(await state(k[key].id)) }).toEqual({ key, ...before[key] });
      expect(await tasksOf(k[key].id)).toEqual([]);
      expect(await auditOf(k[key].id)).toEqual([]);
    }
  });

  test('without an escalation queue a breached P1 stays P1 in its queue, is marked, and its queue manager is told', async () => {
    k.p1NoEscalationQueue = await kase({ priority: 'P1', queue: queues.managed, firstDue: -3, resolutionDue: -1, respondedAt: -4 });
    expect(await job()).toEqual({ escalated: 1, priorityRaised: 0, movedToEscalationQueue: 0, tasksCreated: 1 });
    expect(await state(k.p1NoEscalationQueue.id)).toMatchObject({ priority: 'P1', queue: queues.managed, escalatedAt: NOW.toISOString() });
    expect((await tasksOf(k.p1NoEscalationQueue.id))[0]).toMatchObject({ assignee_id: ids.agent });
    expect((await auditOf(k.p1NoEscalationQueue.id))[0].changes).toEqual([{ field: 'escalatedAt', old: null, new: NOW.toISOString() }]);
  });

  test('no manager anywhere (no queue, a queue without manager, a deactivated manager): no task, the case is still marked', async () => {
    k.noQueue = await kase({ priority: 'P3', queue: null, firstDue: -3, resolutionDue: -1 });
    k.unmanaged = await kase({ priority: 'P4', queue: queues.unmanaged, firstDue: -3, resolutionDue: -1 });
    k.inactive = await kase({ priority: 'P2', queue: queues.inactive, firstDue: -3, resolutionDue: -1 });
    expect(await job()).toEqual({ escalated: 3, priorityRaised: 3, movedToEscalationQueue: 0, tasksCreated: 0 });
    for (const key of ['noQueue', 'unmanaged', 'inactive']) {
      expect((await state(k[key].id)).escalatedAt).toBe(NOW.toISOString());
      expect(await tasksOf(k[key].id)).toEqual([]);
      expect(await auditOf(k[key].id)).toHaveLength(1);
    }
    expect(await state(k.inactive.id)).toMatchObject({ priority: 'P1', queue: queues.inactive });
  });

  test('with an escalation queue: a breached P1 moves there (priority stays P1) and the escalation queue\'s manager gets the task', async () => {
    queues.escalation = await queue('Escalations', ids.admin, true);
    k.p1 = await kase({ priority: 'P1', queue: queues.managed, firstDue: -3, resolutionDue: -1, respondedAt: -3.5 });
    k.p2 = await kase({ priority: 'P2', queue: queues.managed, firstDue: -3, resolutionDue: -1, respondedAt: -3.5 });
    expect(await job()).toEqual({ escalated: 2, priorityRaised: 1, movedToEscalationQueue: 1, tasksCreated: 2 });

    expect(await state(k.p1.id)).toMatchObject({ priority: 'P1', queue: queues.escalation, escalatedAt: NOW.toISOString() });
    expect((await tasksOf(k.p1.id))[0]).toMatchObject({ type: 'ESCALATION', assignee_id: ids.admin, assigned_by_id: ids.admin, case_id: k.p1.id });
    expect((await auditOf(k.p1.id))[0].changes).toEqual([
      { field: 'queueId', old: queues.managed, new: queues.escalation },
      { field: 'escalatedAt', old: null, new: NOW.toISOString() },
    ]);
    // P2 → P1 only: it stays in its queue (a case is escalated once, so it never moves on later)
    expect(await state(k.p2.id)).toMatchObject({ priority: 'P1', queue: queues.managed });
    expect((await tasksOf(k.p2.id))[0]).toMatchObject({ assignee_id: ids.agent });
  });

  test('a queue without (active) manager, or no queue: the escalation queue\'s manager is told instead', async () => {
    k.fallbackNoQueue = await kase({ priority: 'P4', queue: null, firstDue: -3, resolutionDue: -1 });
    k.fallbackUnmanaged = await kase({ priority: 'P3', queue: queues.unmanaged, firstDue: -3, resolutionDue: -1 });
    k.fallbackInactive = await kase({ priority: 'P3', queue: queues.inactive, firstDue: -3, resolutionDue: -1 });
    expect(await job()).toEqual({ escalated: 3, priorityRaised: 3, movedToEscalationQueue: 0, tasksCreated: 3 });
    for (const key of ['fallbackNoQueue', 'fallbackUnmanaged', 'fallbackInactive']) {
      expect((await tasksOf(k[key].id)).map((x: any) => x.assignee_id)).toEqual([ids.admin]);
    }
  });

  test('concurrent runs escalate each case once and create one task each', async () => {
    const racers = await Promise.all([1, 2, 3].map(() => kase({ priority: 'P3', queue: queues.managed, firstDue: -3, resolutionDue: -1 })));
    const results = await Promise.all([job(), job(), job(), job()]);
    expect(results.reduce((n, r) => n + r.escalated, 0)).toBe(3);
    expect(results.reduce((n, r) => n + r.tasksCreated, 0)).toBe(3);
    for (const racer of racers) {
      expect(await state(racer.id)).toMatchObject({ priority: 'P2' });
      expect(await tasksOf(racer.id)).toHaveLength(1);
      expect(await auditOf(racer.id)).toHaveLength(1);
    }
  });

  test('the due dates are not recomputed when the priority rises', async () => {
    const [row] = await t.sql(`select first_response_due_at, resolution_due_at from service_case where id = ?`, [k.p3.id]);
    expect(new Date(row.first_response_due_at).toISOString()).toBe(at(-40));
    expect(new Date(row.resolution_due_at).toISOString()).toBe(at(-1));
  });

  test('the number of statements does not depend on the number of cases', async () => {
    // 1000 h later `fine` and `dueNow` are breached too (2 cases); then 5 more, due before that clock.
    const later = new Date(NOW.getTime() + 1000 * HOUR);
    let first: unknown;
    const few = await t.countQueries(async () => { first = await job(later); });
    expect(first).toMatchObject({ escalated: 2 });
    for (let i = 0; i < 5; i++) await kase({ priority: 'P4', queue: queues.managed, firstDue: 500, resolutionDue: 999 });
    let second: unknown;
    const many = await t.countQueries(async () => { second = await job(later); });
    expect(second).toMatchObject({ escalated: 5, tasksCreated: 5 });
    expect(many).toBe(few);
  });
});

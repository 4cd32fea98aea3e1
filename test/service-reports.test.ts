import { newId } from '../src/entities/ids';
import { codes, ok, startTestApp, type Caller, type TestApp } from './helpers';

/**
 * The service reports (`slaAttainment`, `caseBacklog`, `reopenRate`, `firstContactResolution`) and
 * `serviceStats`' breach as of the period's end (issue 14, definition 7), against hand-computed numbers:
 * fixture cases, comments and reopening audit entries by SQL with fixed timestamps in 2024 (reports over
 * March, definition 7 over June), then one case moved through the API (its reopening's audit entry is
 * what the reports read).
 */

let t: TestApp;
const ids = { admin: '', agent: '', partner: '', c1: '', adminOwned: '', deleted: '', qa: '', qb: '' };
const FROM = '2024-03-01T00:00:00.000Z';
const TO = '2024-04-01T00:00:00.000Z';
const FAR = '2099-01-01T00:00:00.000Z';
const AS_OF = '2024-03-05T12:00:00.000Z';

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

let seq = 0;
interface Fixture {
  created: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  queue: 'qa' | 'qb' | null;
  customer?: string;
  type?: string;
  /** Minutes after `created`, or an absolute ISO time. */
  firstDue: number | string;
  resolutionDue: number | string;
  responded?: number | string;
  resolved?: number | string;
  /** Earlier resolutions undone by a reopening: [resolved, reopened] (absolute ISO times); reopenCount = their number. */
  undone?: [string, string][];
  /** Comments: [minutes after `created`, PUBLIC|INTERNAL, by agent|partner]. */
  comments?: [number, 'PUBLIC' | 'INTERNAL', 'agent' | 'partner'][];
}

async function kase(f: Fixture): Promise<string> {
  const id = newId('ServiceCase');
  seq += 1;
  const time = (v: number | string | undefined) => (v == null ? null : typeof v === 'number' ? plus(f.created, v) : v);
  const resolvedAt = time(f.resolved);
  const customer = f.customer ?? ids.c1;
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, queue_id, assignee_id, opened_by,
      first_response_due_at, resolution_due_at, first_responded_at, resolved_at, reopen_count, created_at, updated_at)
    values (?, ?, ?, 'PHONE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    id, `CS-8${String(seq).padStart(5, '0')}`, f.type ?? 'TECH_SUPPORT', f.priority, resolvedAt ? 'RESOLVED' : 'IN_PROGRESS', `Report fixture ${seq}`,
    customer, f.queue ? ids[f.queue] : null, ids.agent, ids.agent, time(f.firstDue), time(f.resolutionDue), time(f.responded), resolvedAt,
    f.undone?.length ?? 0, f.created, f.created]);
  for (const [minutes, visibility, by] of f.comments ?? []) {
    await t.sql(`insert into case_comment (id, case_id, visibility, body, author_type, author_id, created_at) values (?, ?, ?, 'text', 'USER', ?, ?)`,
      [newId('CaseComment'), id, visibility, by === 'agent' ? ids.agent : ids.partner, plus(f.created, minutes)]);
  }
  for (const [i, [resolved, reopened]] of (f.undone ?? []).entries()) {
    // What reopenCase writes: status back, resolvedAt cleared (the old value kept), reopenCount + 1.
    const changes = [{ field: 'status', old: 'RESOLVED', new: 'IN_PROGRESS' }, { field: 'resolvedAt', old: resolved, new: null },
      { field: 'reopenCount', old: i, new: i + 1 }];
    await t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      values (?, 'ServiceCase', ?, ?, 'UPDATE', 'USER', ?, ?, ?::jsonb)`, [newId('AuditEvent'), id, customer, ids.agent, reopened, JSON.stringify(changes)]);
  }
  return id;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  ids.admin = users.find((u) => u.email === 'admin@demo.crm')!.id;
  ids.agent = users.find((u) => u.email === 'service@demo.crm')!.id;
  ids.partner = users.find((u) => u.email === 'partner@demo.crm')!.id;
  const customers = await t.sql<{ id: string }>(`select id from customer where not is_partner order by created_at, id`);
  [ids.c1, , ids.adminOwned, ids.deleted] = customers.map((c) => c.id);
  await t.sql(`update customer set owner_id = ? where id = ?`, [ids.admin, ids.adminOwned]);
  await t.sql(`update customer set deleted_at = now() where id = ?`, [ids.deleted]);
  ids.qa = newId('ServiceQueue');
  ids.qb = newId('ServiceQueue');
  await t.sql(`insert into service_queue (id, name) values (?, 'Alpha desk'), (?, 'Beta desk')`, [ids.qa, ids.qb]);

  // r1 P1 Alpha: both SLAs met; one agent reply before the resolution (the partner's comment, the internal note
  // and the reply after the resolution are not replies that count): first contact.
  await kase({ created: '2024-03-01T00:00:00.000Z', priority: 'P1', queue: 'qa', firstDue: 60, resolutionDue: 240, responded: 30, resolved: 120,
    comments: [[10, 'PUBLIC', 'partner'], [30, 'PUBLIC', 'agent'], [40, 'INTERNAL', 'agent'], [500, 'PUBLIC', 'agent']] });
  // r2 P1 Beta: response late (90 > 60), resolution late (300 > 240); two agent replies: not first contact.
  await kase({ created: '2024-03-02T00:00:00.000Z', priority: 'P1', queue: 'qb', firstDue: 60, resolutionDue: 240, responded: 90, resolved: 300,
    comments: [[90, 'PUBLIC', 'agent'], [200, 'PUBLIC', 'agent']] });
  // r3 P2 Alpha: resolved after 30 min without a reply (the resolution is the response): both met; first contact (0 replies).
  await kase({ created: '2024-03-03T00:00:00.000Z', priority: 'P2', queue: 'qa', firstDue: 60, resolutionDue: 480, resolved: 30 });
  // r4 P2 no queue: first resolved 01:40, reopened 03:20, resolved again 06:40 (<= due 08:00): both met; reopened.
  await kase({ created: '2024-03-04T00:00:00.000Z', priority: 'P2', queue: null, firstDue: 60, resolutionDue: 480, responded: 20, resolved: 400,
    undone: [['2024-03-04T01:40:00.000Z', '2024-03-04T03:20:00.000Z']], comments: [[20, 'PUBLIC', 'agent']] });
  // r5 P3 Beta: opened in February, first resolved 03-05, reopened 03-06, open now.
  await kase({ created: '2024-02-28T00:00:00.000Z', priority: 'P3', queue: 'qb', firstDue: 60, resolutionDue: FAR, responded: 10,
    undone: [['2024-03-05T00:00:00.000Z', '2024-03-06T00:00:00.000Z']] });
  // r6 P3 Alpha: first resolved 02-25 (reopened 02-26), resolved again 03-10, after its due 03-01: resolution late, response met.
  await kase({ created: '2024-02-20T00:00:00.000Z', priority: 'P3', queue: 'qa', firstDue: 60, resolutionDue: '2024-03-01T00:00:00.000Z', responded: 10,
    resolved: '2024-03-10T00:00:00.000Z', undone: [['2024-02-25T00:00:00.000Z', '2024-02-26T00:00:00.000Z']] });
  // r7 P4 Beta: resolved at the end of the period (excluded).
  await kase({ created: '2024-03-31T00:00:00.000Z', priority: 'P4', queue: 'qb', firstDue: 60, resolutionDue: 2880, responded: 5, resolved: TO });
  // r8 P4 Beta: resolved in the last millisecond of the period; met; one reply.
  await kase({ created: '2024-03-31T12:00:00.000Z', priority: 'P4', queue: 'qb', firstDue: 60, resolutionDue: 1440, responded: 30,
    resolved: '2024-03-31T23:59:59.999Z', comments: [[30, 'PUBLIC', 'agent']] });
  // r9 P1 Alpha, a customer outside the sales manager's team: met; one reply.
  await kase({ created: '2024-03-08T00:00:00.000Z', priority: 'P1', queue: 'qa', customer: ids.adminOwned, firstDue: 60, resolutionDue: 240, responded: 5,
    resolved: 50, comments: [[5, 'PUBLIC', 'agent']] });
  // r10: a deleted customer's case, never counted (resolved in March; open at the backlog's instant).
  await kase({ created: '2024-03-01T00:00:00.000Z', priority: 'P1', queue: 'qa', customer: ids.deleted, firstDue: 60, resolutionDue: 240, resolved: '2024-03-06T00:00:00.000Z' });

  // Backlog at AS_OF (2024-03-05T12:00Z): open cases by age.
  await kase({ created: '2024-03-05T11:00:00.000Z', priority: 'P1', queue: 'qa', firstDue: FAR, resolutionDue: FAR }); // b1: 1 h
  await kase({ created: '2024-03-04T12:00:00.000Z', priority: 'P2', queue: 'qb', firstDue: FAR, resolutionDue: FAR }); // b2: exactly 1 day
  await kase({ created: '2024-03-02T12:00:00.001Z', priority: 'P2', queue: null, firstDue: FAR, resolutionDue: FAR }); // b3: 3 days − 1 ms
  await kase({ created: '2024-01-01T00:00:00.000Z', priority: 'P4', queue: 'qb', firstDue: FAR, resolutionDue: FAR, resolved: '2024-04-10T00:00:00.000Z' }); // b4: 64.5 days
  await kase({ created: '2024-03-05T12:00:00.001Z', priority: 'P1', queue: 'qa', firstDue: FAR, resolutionDue: FAR }); // b5: after AS_OF
  await kase({ created: AS_OF, priority: 'P1', queue: 'qa', firstDue: FAR, resolutionDue: FAR }); // b6: age 0
});
afterAll(async () => { await t?.close(); });

const GROUP = 'key label total';
const SLA = `query($from: DateTime!, $to: DateTime!, $groupBy: ServiceReportGroupBy!) { slaAttainment(from: $from, to: $to, groupBy: $groupBy) {
  ${GROUP} resolvedCount resolutionMetCount resolutionAttainment firstResponseMetCount firstResponseAttainment } }`;
const BACKLOG = `query($asOf: DateTime, $groupBy: ServiceReportGroupBy) { caseBacklog(asOf: $asOf, groupBy: $groupBy) {
  ${GROUP} asOf openCount days0To1 days1To3 days3To7 days7To30 over30 } }`;
const REOPEN = `query($from: DateTime!, $to: DateTime!, $groupBy: ServiceReportGroupBy!) { reopenRate(from: $from, to: $to, groupBy: $groupBy) {
  ${GROUP} resolvedCount reopenedCount reopenRate } }`;
const FCR = `query($from: DateTime!, $to: DateTime!, $groupBy: ServiceReportGroupBy!) { firstContactResolution(from: $from, to: $to, groupBy: $groupBy) {
  ${GROUP} resolvedCount firstContactCount firstContactRate } }`;

const g = (key: string | null, label: string | null) => ({ key, label, total: false });
const TOTAL = { key: null, label: null, total: true };
const sla = (group: object, resolvedCount: number, resolutionMetCount: number, resolutionAttainment: number | null, firstResponseMetCount: number,
  firstResponseAttainment: number | null) => ({ ...group, resolvedCount, resolutionMetCount, resolutionAttainment, firstResponseMetCount, firstResponseAttainment });

describe('slaAttainment', () => {
  test('by PRIORITY: the cases resolved (now) in [from, to), resolution and first response met, total row last', async () => {
    const data = ok(await t.gql(SLA, { from: FROM, to: TO, groupBy: 'PRIORITY' }, 'ADMIN'));
    expect(data.slaAttainment).toEqual([
      sla(g('P1', 'P1'), 3, 2, 0.6667, 2, 0.6667), // r1, r2, r9: r2 late on both
      sla(g('P2', 'P2'), 2, 2, 1, 2, 1), // r3 (no reply: the resolution is the response), r4 (its last resolution counts)
      sla(g('P3', 'P3'), 1, 0, 0, 1, 1), // r6: resolved again 03-10, due 03-01 (r5 is open now: not counted)
      sla(g('P4', 'P4'), 1, 1, 1, 1, 1), // r8 (r7 resolved at `to`: not in the period)
      sla(TOTAL, 7, 5, 0.7143, 6, 0.8571), // 5/7, 6/7
    ]);
  });

  test('by QUEUE: ordered by queue name, "no queue" last; the queue resolves', async () => {
    const q = `query($from: DateTime!, $to: DateTime!) { slaAttainment(from: $from, to: $to, groupBy: QUEUE) {
      key label total queue { id name } resolvedCount resolutionMetCount resolutionAttainment firstResponseMetCount firstResponseAttainment } }`;
    const data = ok(await t.gql(q, { from: FROM, to: TO }, 'SERVICE_AGENT'));
    expect(data.slaAttainment).toEqual([
      { ...sla(g(ids.qa, 'Alpha desk'), 4, 3, 0.75, 4, 1), queue: { id: ids.qa, name: 'Alpha desk' } }, // r1, r3, r6, r9
      { ...sla(g(ids.qb, 'Beta desk'), 2, 1, 0.5, 1, 0.5), queue: { id: ids.qb, name: 'Beta desk' } }, // r2, r8
      { ...sla(g(null, null), 1, 1, 1, 1, 1), queue: null }, // r4
      { ...sla(TOTAL, 7, 5, 0.7143, 6, 0.8571), queue: null },
    ]);
  });

  test('a SALES_MANAGER counts the cases of their team\'s customers only; an empty period gives the zero total row', async () => {
    const data = ok(await t.gql(SLA, { from: FROM, to: TO, groupBy: 'PRIORITY' }, 'SALES_MANAGER'));
    expect(data.slaAttainment[0]).toEqual(sla(g('P1', 'P1'), 2, 1, 0.5, 1, 0.5)); // without r9
    expect(data.slaAttainment[4]).toEqual(sla(TOTAL, 6, 4, 0.6667, 5, 0.8333));
    const empty = ok(await t.gql(SLA, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z', groupBy: 'QUEUE' }, 'ANALYST'));
    expect(empty.slaAttainment).toEqual([sla(TOTAL, 0, 0, null, 0, null)]);
  });
});

const backlog = (group: object, openCount: number, days0To1: number, days1To3: number, days3To7: number, days7To30: number, over30: number) =>
  ({ ...group, asOf: AS_OF, openCount, days0To1, days1To3, days3To7, days7To30, over30 });

describe('caseBacklog', () => {
  test('by PRIORITY as of an instant: opened at or before it, not resolved then (an undone resolution is open again after the reopening)', async () => {
    const data = ok(await t.gql(BACKLOG, { asOf: AS_OF, groupBy: 'PRIORITY' }, 'ADMIN'));
    expect(data.caseBacklog).toEqual([
      backlog(g('P1', 'P1'), 2, 2, 0, 0, 0, 0), // b1 (1 h), b6 (0: opened at the instant); b5 opened 1 ms later
      backlog(g('P2', 'P2'), 2, 0, 2, 0, 0, 0), // b2 (exactly 1 day: 1–3), b3 (3 days − 1 ms); r4 resolved then
      backlog(g('P3', 'P3'), 1, 0, 0, 0, 1, 0), // r6: resolved 02-25, reopened 02-26, open until 03-10: 14.5 days. r5 was resolved (03-05 .. 03-06)
      backlog(g('P4', 'P4'), 1, 0, 0, 0, 0, 1), // b4: 64.5 days, resolved only in April
      backlog(TOTAL, 6, 2, 2, 0, 1, 1),
    ]);
  });

  test('by QUEUE; a SALES_MANAGER\'s scope; the default grouping is PRIORITY', async () => {
    const data = ok(await t.gql(BACKLOG, { asOf: AS_OF, groupBy: 'QUEUE' }, 'ANALYST'));
    expect(data.caseBacklog).toEqual([
      backlog(g(ids.qa, 'Alpha desk'), 3, 2, 0, 0, 1, 0), // b1, b6, r6
      backlog(g(ids.qb, 'Beta desk'), 2, 0, 1, 0, 0, 1), // b2, b4
      backlog(g(null, null), 1, 0, 1, 0, 0, 0), // b3
      backlog(TOTAL, 6, 2, 2, 0, 1, 1),
    ]);
    // One case of the admin's customer open at the instant: the manager does not see it.
    await kase({ created: '2024-03-05T00:00:00.000Z', priority: 'P3', queue: 'qa', customer: ids.adminOwned, firstDue: FAR, resolutionDue: FAR,
      resolved: '2024-05-01T00:00:00.000Z' });
    const admin = ok(await t.gql(BACKLOG, { asOf: AS_OF }, 'ADMIN')).caseBacklog;
    expect(admin.map((r: any) => r.key)).toEqual(['P1', 'P2', 'P3', 'P4', null]);
    expect(admin[2]).toEqual(backlog(g('P3', 'P3'), 2, 1, 0, 0, 1, 0));
    const manager = ok(await t.gql(BACKLOG, { asOf: AS_OF }, 'SALES_MANAGER')).caseBacklog;
    expect(manager[2]).toEqual(backlog(g('P3', 'P3'), 1, 0, 0, 0, 1, 0));
    expect(manager[4]).toEqual(backlog(TOTAL, 6, 2, 2, 0, 1, 1));
  });
});

const reopen = (group: object, resolvedCount: number, reopenedCount: number, reopenRate: number | null) => ({ ...group, resolvedCount, reopenedCount, reopenRate });
const fcr = (group: object, resolvedCount: number, firstContactCount: number, firstContactRate: number | null) =>
  ({ ...group, resolvedCount, firstContactCount, firstContactRate });

describe('reopenRate and firstContactResolution', () => {
  test('reopenRate: the cases first resolved in the period (an undone resolution counts), reopened at least once', async () => {
    // First resolved in March: r1, r2, r3, r4 (01:40), r5 (03-05, open again now), r8, r9 — not r6 (02-25), r7 (April), r10 (deleted).
    expect(ok(await t.gql(REOPEN, { from: FROM, to: TO, groupBy: 'PRIORITY' }, 'ADMIN')).reopenRate).toEqual([
      reopen(g('P1', 'P1'), 3, 0, 0), // r1, r2, r9
      reopen(g('P2', 'P2'), 2, 1, 0.5), // r3, r4
      reopen(g('P3', 'P3'), 1, 1, 1), // r5
      reopen(g('P4', 'P4'), 1, 0, 0), // r8
      reopen(TOTAL, 7, 2, 0.2857),
    ]);
    expect(ok(await t.gql(REOPEN, { from: FROM, to: TO, groupBy: 'QUEUE' }, 'SERVICE_AGENT')).reopenRate).toEqual([
      reopen(g(ids.qa, 'Alpha desk'), 3, 0, 0), // r1, r3, r9
      reopen(g(ids.qb, 'Beta desk'), 3, 1, 0.3333), // r2, r5, r8
      reopen(g(null, null), 1, 1, 1), // r4
      reopen(TOTAL, 7, 2, 0.2857),
    ]);
    // February: r6 (first resolved 02-25, reopened); r5 and b-cases were not resolved in February.
    expect(ok(await t.gql(REOPEN, { from: '2024-02-01T00:00:00Z', to: FROM, groupBy: 'PRIORITY' }, 'ANALYST')).reopenRate).toEqual([
      reopen(g('P3', 'P3'), 1, 1, 1),
      reopen(TOTAL, 1, 1, 1),
    ]);
  });

  test('firstContactResolution: never reopened and at most one agent reply up to the resolution', async () => {
    expect(ok(await t.gql(FCR, { from: FROM, to: TO, groupBy: 'PRIORITY' }, 'ADMIN')).firstContactResolution).toEqual([
      fcr(g('P1', 'P1'), 3, 2, 0.6667), // r1 (1 agent reply), r9 (1); not r2 (2 replies)
      fcr(g('P2', 'P2'), 2, 1, 0.5), // r3 (no reply); not r4 (reopened)
      fcr(g('P3', 'P3'), 1, 0, 0), // r5 reopened
      fcr(g('P4', 'P4'), 1, 1, 1), // r8
      fcr(TOTAL, 7, 4, 0.5714),
    ]);
    const manager = ok(await t.gql(FCR, { from: FROM, to: TO, groupBy: 'PRIORITY' }, 'SALES_MANAGER')).firstContactResolution;
    expect(manager[0]).toEqual(fcr(g('P1', 'P1'), 2, 1, 0.5)); // without r9
    expect(manager[4]).toEqual(fcr(TOTAL, 6, 3, 0.5));
  });
});

describe('inputs, roles, statements', () => {
  test('a period that is not [from < to) or longer than 10 years, and a future asOf, are BAD_USER_INPUT naming the argument', async () => {
    for (const q of [SLA, REOPEN, FCR]) {
      for (const [from, to] of [[TO, FROM], [FROM, FROM], ['2000-01-01T00:00:00Z', '2020-01-01T00:00:00Z']]) {
        const res = await t.gql(q, { from, to, groupBy: 'PRIORITY' }, 'ADMIN');
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.body.errors![0].extensions!.field).toBe('to');
      }
    }
    const res = await t.gql(BACKLOG, { asOf: plus(new Date().toISOString(), 60) }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].extensions!.field).toBe('asOf');
  });

  test('roles: FINANCE, MARKETING, SALES_REP, PARTNER and API keys FORBIDDEN; anonymous UNAUTHENTICATED', async () => {
    const key = async (role: string, extra: Record<string, unknown>): Promise<Caller> => ({
      apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
        { input: { name: `key ${role}`, role, scopes: ['customers:read'], ...extra } }, 'ADMIN')).createApiKey.secret,
    });
    const dealer = (await t.sql(`select partner_customer_id from app_user where email = 'partner@demo.crm'`))[0].partner_customer_id;
    const callers: (Caller | 'FINANCE' | 'MARKETING' | 'SALES_REP' | 'PARTNER')[] = [
      'FINANCE', 'MARKETING', 'SALES_REP', 'PARTNER', await key('INTEGRATION', {}), await key('PARTNER', { partnerCustomerId: dealer }),
    ];
    const vars = { from: FROM, to: TO, groupBy: 'PRIORITY', asOf: AS_OF };
    for (const [q, field] of [[SLA, 'slaAttainment'], [BACKLOG, 'caseBacklog'], [REOPEN, 'reopenRate'], [FCR, 'firstContactResolution']]) {
      for (const who of callers) {
        const res = await t.gql(q, vars, who);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.body.data?.[field] ?? null).toBeNull();
      }
      expect(codes(await t.gql(q, vars, null))).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('the queues of QUEUE rows: one statement count whatever the number of queues (2 vs 5); ANALYST gets null queues', async () => {
    const q = `query($asOf: DateTime) { caseBacklog(asOf: $asOf, groupBy: QUEUE) { key queue { id name } openCount } }`;
    const few = await t.countQueries(async () => expect(ok(await t.gql(q, { asOf: AS_OF }, 'ADMIN')).caseBacklog).toHaveLength(4));
    for (let i = 0; i < 3; i++) {
      const queue = newId('ServiceQueue');
      await t.sql(`insert into service_queue (id, name) values (?, ?)`, [queue, `Queue ${i}`]);
      const id = await kase({ created: '2024-03-05T06:00:00.000Z', priority: 'P4', queue: null, firstDue: FAR, resolutionDue: FAR });
      await t.sql(`update service_case set queue_id = ? where id = ?`, [queue, id]);
    }
    const many = await t.countQueries(async () => expect(ok(await t.gql(q, { asOf: AS_OF }, 'ADMIN')).caseBacklog).toHaveLength(7));
    expect(few).toBeGreaterThan(1);
    expect(many).toBe(few);
    const analyst = ok(await t.gql(q, { asOf: AS_OF }, 'ANALYST')).caseBacklog;
    expect(analyst.every((r: any) => r.queue === null)).toBe(true);
  });
});

describe('through the API: a reopening is read from its audit entry', () => {
  test('a case resolved and reopened now counts as first resolved now and reopened; open again in the backlog', async () => {
    const now = Date.now();
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 3_600_000).toISOString();
    const before = ok(await t.gql(REOPEN, { from, to, groupBy: 'PRIORITY' }, 'ADMIN')).reopenRate;
    expect(before).toEqual([reopen(TOTAL, 0, 0, null)]);
    const created = ok(await t.gql(`mutation($input: CreateCaseInput!) { createCase(input: $input) { case { id version } errors { message } } }`,
      { input: { customerId: ids.c1, type: 'COMPLAINT', channel: 'EMAIL', priority: 'P2', subject: 'Reopened through the API' } }, 'SERVICE_AGENT')).createCase.case;
    const resolved = ok(await t.gql(`mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { case { version } errors { message } } }`,
      { input: { id: created.id, version: created.version, status: 'RESOLVED' } }, 'SERVICE_AGENT')).changeCaseStatus.case;
    ok(await t.gql(`mutation($input: ReopenCaseInput!) { reopenCase(input: $input) { case { id } errors { message } } }`,
      { input: { id: created.id, version: resolved.version, reason: 'Still broken' } }, 'SERVICE_AGENT'));
    expect(ok(await t.gql(REOPEN, { from, to, groupBy: 'PRIORITY' }, 'ADMIN')).reopenRate).toEqual([
      reopen(g('P2', 'P2'), 1, 1, 1),
      reopen(TOTAL, 1, 1, 1),
    ]);
    expect(ok(await t.gql(FCR, { from, to, groupBy: 'PRIORITY' }, 'ADMIN')).firstContactResolution[1]).toEqual(fcr(TOTAL, 1, 0, 0));
    // Not resolved now: not in slaAttainment; open in the backlog (age under a day).
    expect(ok(await t.gql(SLA, { from, to, groupBy: 'PRIORITY' }, 'ADMIN')).slaAttainment).toEqual([sla(TOTAL, 0, 0, null, 0, null)]);
    const open = ok(await t.gql(BACKLOG, { groupBy: 'PRIORITY' }, 'ADMIN')).caseBacklog;
    expect(open.find((r: any) => r.key === 'P2')).toMatchObject({ days0To1: 1 });
  });
});

// ------------------------------------------------------------------------------------ definition 7

const STATS = `query($from: DateTime!, $to: DateTime!) { serviceStats(from: $from, to: $to, groupBy: TYPE) { key caseCount breachedCount slaAttainmentPercent } }`;
const JUNE = { from: '2024-06-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' };

describe('serviceStats: a breach is judged at the resolution or at the period\'s end', () => {
  const d: Record<string, string> = {};
  beforeAll(async () => {
    const f = (created: string, firstDue: number | string, resolutionDue: number | string, responded?: number | string, resolved?: number | string) =>
      kase({ created, priority: 'P3', queue: null, type: 'REPAIR', firstDue, resolutionDue, responded, resolved });
    // d1 resolved late (300 > 240): breached at its resolution.
    d.d1 = await f('2024-06-02T00:00:00.000Z', 60, 240, 30, 300);
    // d2 resolved in time: not breached.
    d.d2 = await f('2024-06-03T00:00:00.000Z', 60, 240, 20, 100);
    // d3 still open at the period's end, resolution due 06-10 04:00: breached at the period's end.
    d.d3 = await f('2024-06-10T00:00:00.000Z', 60, 240, 30);
    // d4 resolved 07-01 12:00, after its due 07-01 10:00 but after the period's end: at the end it was in time (replied 20:30, due 21:00).
    d.d4 = await f('2024-06-30T20:00:00.000Z', 60, '2024-07-01T10:00:00.000Z', 30, '2024-07-01T12:00:00.000Z');
    // d5 open at the end, first response due 23:00 and missing at the end (replied 07-01 01:00): breached.
    d.d5 = await f('2024-06-30T22:00:00.000Z', 60, FAR, '2024-07-01T01:00:00.000Z');
    // d6 open at the end, first response due 07-01 00:30 (after the end), never replied, resolution due 07-02: not breached in June.
    d.d6 = await f('2024-06-30T23:30:00.000Z', 60, '2024-07-02T00:00:00.000Z');
  });

  // d1, d3, d5 breached of six: 50 %. (Judged as of now, d4 and d6 would be breached too.)
  const JUNE_ROW = { key: 'REPAIR', caseCount: 6, breachedCount: 3, slaAttainmentPercent: 50 };

  test('hand-computed: resolved late, resolved in time, open past due at the end, resolved after the end but in time at the end', async () => {
    expect(ok(await t.gql(STATS, JUNE, 'ADMIN')).serviceStats).toEqual([JUNE_ROW]);
  });

  test('the figures of June do not change as time passes (cases resolved, replied to and overdue later)', async () => {
    await t.sql(`update service_case set status = 'RESOLVED', resolved_at = '2024-07-05T00:00:00Z' where id = ?`, [d.d3]);
    await t.sql(`update service_case set status = 'RESOLVED', resolved_at = '2024-07-01T05:00:00Z' where id = ?`, [d.d5]);
    await t.sql(`update service_case set status = 'RESOLVED', first_responded_at = '2024-07-01T02:00:00Z', resolved_at = '2024-07-03T00:00:00Z' where id = ?`, [d.d6]);
    expect(ok(await t.gql(STATS, JUNE, 'ADMIN')).serviceStats).toEqual([JUNE_ROW]);
    // A period ending earlier judges at its own end: 06-01 .. 06-10 02:00 holds d1 (breached) and d2, d3 (due 04:00, not yet).
    expect(ok(await t.gql(STATS, { from: JUNE.from, to: '2024-06-10T02:00:00.000Z' }, 'ADMIN')).serviceStats)
      .toEqual([{ key: 'REPAIR', caseCount: 3, breachedCount: 1, slaAttainmentPercent: 66.67 }]);
  });

  test('a case resolved in time in June and reopened in July is still judged at its June resolution', async () => {
    // d2: resolved 06-03 01:40 (due 04:00). Reopened 07-02 as reopenCase does it (resolvedAt cleared, the old value in the audit entry):
    // judged at June's end it would be breached (07-01 > 04:00); judged at the resolution that stood then, it is not.
    const resolved = '2024-06-03T01:40:00.000Z';
    await t.sql(`update service_case set status = 'IN_PROGRESS', resolved_at = null, reopen_count = 1 where id = ?`, [d.d2]);
    await t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      values (?, 'ServiceCase', ?, ?, 'UPDATE', 'USER', ?, '2024-07-02T00:00:00Z', ?::jsonb)`, [newId('AuditEvent'), d.d2, ids.c1, ids.agent,
      JSON.stringify([{ field: 'status', old: 'RESOLVED', new: 'IN_PROGRESS' }, { field: 'resolvedAt', old: resolved, new: null }, { field: 'reopenCount', old: 0, new: 1 }])]);
    expect(ok(await t.gql(STATS, JUNE, 'ADMIN')).serviceStats).toEqual([JUNE_ROW]);
    // resolved again later (late): June still unchanged
    await t.sql(`update service_case set status = 'RESOLVED', resolved_at = '2024-07-10T00:00:00Z' where id = ?`, [d.d2]);
    expect(ok(await t.gql(STATS, JUNE, 'ADMIN')).serviceStats).toEqual([JUNE_ROW]);
  });
});

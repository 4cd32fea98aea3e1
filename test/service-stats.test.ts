import { newId } from '../src/entities/ids';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp } from './helpers';

/**
 * `serviceStats` against hand-computed numbers: fixture cases and surveys by SQL with fixed timestamps
 * in March 2024 (open cases due in 2099 are not breached; those due in 2024 are, whatever today is),
 * for each grouping, the period bounds [from, to), the scope (a SALES_MANAGER's team), the roles, and
 * statement counts with the agents' names at two sizes.
 */

let t: TestApp;
const ids = { admin: '', agent: '', c1: '', c2: '', adminOwned: '', deleted: '' };
const FROM = '2024-03-01T00:00:00.000Z';
const TO = '2024-04-01T00:00:00.000Z';
const FAR = '2099-01-01T00:00:00.000Z';

const STATS = `query($from: DateTime!, $to: DateTime!, $groupBy: ServiceStatsGroupBy!) { serviceStats(from: $from, to: $to, groupBy: $groupBy) {
  key caseCount breachedCount slaAttainmentPercent medianFirstResponseMinutes medianResolutionMinutes surveyCount averageCsat nps } }`;

function ok(res: GqlResult): any {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
}

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

let seq = 0;
interface Fixture {
  created: string;
  type: string;
  channel: string;
  assignee: string | null;
  customer?: string;
  /** Minutes after `created`, or an absolute ISO time. */
  firstDue: number | string;
  resolutionDue: number | string;
  responded?: number;
  resolved?: number;
  /** A survey: [csat, nps] submitted, or 'sent' (not answered). */
  survey?: [number, number] | 'sent';
}

async function kase(f: Fixture): Promise<string> {
  const id = newId('ServiceCase');
  seq += 1;
  const time = (v: number | string) => (typeof v === 'number' ? plus(f.created, v) : v);
  const resolvedAt = f.resolved == null ? null : plus(f.created, f.resolved);
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, assignee_id, opened_by,
      first_response_due_at, resolution_due_at, first_responded_at, resolved_at, created_at, updated_at)
    values (?, ?, ?, ?, 'P3', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    id, `CS-7${String(seq).padStart(5, '0')}`, f.type, f.channel, resolvedAt ? 'RESOLVED' : 'IN_PROGRESS', `Stats fixture ${seq}`,
    f.customer ?? ids.c1, f.assignee, ids.agent, time(f.firstDue), time(f.resolutionDue),
    f.responded == null ? null : plus(f.created, f.responded), resolvedAt, f.created, f.created]);
  if (f.survey) {
    const answered = f.survey !== 'sent';
    await t.sql(`insert into survey (id, case_id, customer_id, token, csat, nps, created_at, submitted_at) values (?, ?, ?, ?, ?, ?, ?, ?)`, [
      newId('Survey'), id, f.customer ?? ids.c1, `token-${seq}`, answered ? (f.survey as number[])[0] : null, answered ? (f.survey as number[])[1] : null,
      resolvedAt, answered ? plus(resolvedAt!, 60) : null]);
  }
  return id;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  ids.admin = users.find((u) => u.email === 'admin@demo.crm')!.id;
  ids.agent = users.find((u) => u.email === 'service@demo.crm')!.id;
  const customers = await t.sql<{ id: string }>(`select id from customer where not is_partner order by created_at, id`);
  [ids.c1, ids.c2, ids.adminOwned, ids.deleted] = customers.map((c) => c.id);
  // A customer outside the sales manager's team (owned by the admin), and a deleted one.
  await t.sql(`update customer set owner_id = ? where id = ?`, [ids.admin, ids.adminOwned]);
  await t.sql(`update customer set deleted_at = now() where id = ?`, [ids.deleted]);

  const A = ids.agent;
  const B = ids.admin;
  // 1: A, in time; first response 30 min, resolution 120 min; promoter.
  await kase({ created: '2024-03-01T00:00:00.000Z', type: 'TECH_SUPPORT', channel: 'PHONE', assignee: A, firstDue: 60, resolutionDue: 240, responded: 30, resolved: 120, survey: [5, 10] });
  // 2: A, first response late (90 > 60): breached; resolution 200; passive.
  await kase({ created: '2024-03-02T00:00:00.000Z', type: 'TECH_SUPPORT', channel: 'EMAIL', assignee: A, firstDue: 60, resolutionDue: 240, responded: 90, resolved: 200, survey: [3, 7], customer: ids.c2 });
  // 3: A, open, replied after 10 min, resolution due in 2099: not breached.
  await kase({ created: '2024-03-03T00:00:00.000Z', type: 'COMPLAINT', channel: 'PHONE', assignee: A, firstDue: 60, resolutionDue: FAR, responded: 10 });
  // 4: B, open, never replied, first response due in 2024: breached.
  await kase({ created: '2024-03-04T00:00:00.000Z', type: 'COMPLAINT', channel: 'WEB', assignee: B, firstDue: 60, resolutionDue: FAR });
  // 5: B, resolved late (500 > 480): breached; first response 20; detractor.
  await kase({ created: '2024-03-05T00:00:00.000Z', type: 'REPAIR', channel: 'PHONE', assignee: B, firstDue: 60, resolutionDue: 480, responded: 20, resolved: 500, survey: [1, 2] });
  // 6: unassigned, open, the last millisecond of the period, everything due in 2099.
  await kase({ created: '2024-03-31T23:59:59.999Z', type: 'REPAIR', channel: 'WEB', assignee: null, firstDue: FAR, resolutionDue: FAR });
  // 10: B, resolved after 30 min without a public reply (the clock stops): not breached; promoter.
  await kase({ created: '2024-03-06T00:00:00.000Z', type: 'TECH_SUPPORT', channel: 'CHAT', assignee: B, firstDue: 60, resolutionDue: 240, resolved: 30, survey: [4, 9] });
  // 11: A, in time (40 / 100); survey sent, not answered.
  await kase({ created: '2024-03-07T00:00:00.000Z', type: 'TECH_SUPPORT', channel: 'PHONE', assignee: A, firstDue: 60, resolutionDue: 240, responded: 40, resolved: 100, survey: 'sent' });
  // 12: A, in time (5 / 50), a customer outside the sales manager's team.
  await kase({ created: '2024-03-08T00:00:00.000Z', type: 'RETURN', channel: 'FAX', assignee: A, customer: ids.adminOwned, firstDue: 60, resolutionDue: 240, responded: 5, resolved: 50 });
  // Not counted: just outside the period on both sides, and a deleted customer's case.
  await kase({ created: TO, type: 'TECH_SUPPORT', channel: 'PHONE', assignee: A, firstDue: 60, resolutionDue: 240 });
  await kase({ created: '2024-02-29T23:59:59.999Z', type: 'TECH_SUPPORT', channel: 'PHONE', assignee: A, firstDue: 60, resolutionDue: 240, survey: [1, 0], resolved: 1000 });
  await kase({ created: '2024-03-10T00:00:00.000Z', type: 'TECH_SUPPORT', channel: 'PHONE', assignee: A, customer: ids.deleted, firstDue: 60, resolutionDue: 240 });
});
afterAll(async () => { await t?.close(); });

const row = (key: string | null, caseCount: number, breachedCount: number, sla: number, fr: number | null, res: number | null,
  surveyCount: number, csat: number | null, nps: number | null) => ({
  key, caseCount, breachedCount, slaAttainmentPercent: sla, medianFirstResponseMinutes: fr, medianResolutionMinutes: res, surveyCount, averageCsat: csat, nps,
});

test('by AGENT: the agent\'s cases, the unassigned ones in a row with a null key', async () => {
  const data = ok(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'AGENT' }, 'ADMIN'));
  expect(data.serviceStats).toEqual([
    // A: 1, 2, 3, 11, 12 — 2 breached; FR 5,10,30,40,90 → 30; RES 50,100,120,200 → 110; surveys (5,10), (3,7): CSAT 4, NPS (1 − 0)/2 = 50
    row(ids.agent, 5, 1, 80, 30, 110, 2, 4, 50),
    // B: 4, 5, 10 — 4 and 5 breached (1/3 = 33.33 %); FR 20; RES 30, 500 → 265; surveys (1,2), (4,9): CSAT 2.5, NPS 0
    row(ids.admin, 3, 2, 33.33, 20, 265, 2, 2.5, 0),
    // unassigned: 6
    row(null, 1, 0, 100, null, null, 0, null, null),
  ]);
});

test('by TYPE', async () => {
  const data = ok(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'TYPE' }, 'SERVICE_AGENT'));
  expect(data.serviceStats).toEqual([
    // 1, 2, 10, 11: 2 breached; FR 30,40,90 → 40; RES 30,100,120,200 → 110; surveys (5,10), (3,7), (4,9): CSAT 4, NPS 2/3 = 66.7
    row('TECH_SUPPORT', 4, 1, 75, 40, 110, 3, 4, 66.7),
    row('COMPLAINT', 2, 1, 50, 10, null, 0, null, null), // 3, 4
    row('REPAIR', 2, 1, 50, 20, 500, 1, 1, -100), // 5, 6
    row('RETURN', 1, 0, 100, 5, 50, 0, null, null), // 12
  ]);
});

test('by CHANNEL; ties by key', async () => {
  const data = ok(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'CHANNEL' }, 'ANALYST'));
  expect(data.serviceStats).toEqual([
    // 1, 3, 5, 11: 5 breached; FR 10,20,30,40 → 25; RES 100,120,500 → 120; surveys (5,10), (1,2): CSAT 3, NPS 0
    row('PHONE', 4, 1, 75, 25, 120, 2, 3, 0),
    row('WEB', 2, 1, 50, null, null, 0, null, null), // 4, 6
    row('CHAT', 1, 0, 100, null, 30, 1, 4, 100), // 10
    row('EMAIL', 1, 1, 0, 90, 200, 1, 3, 0), // 2
    row('FAX', 1, 0, 100, 5, 50, 0, null, null), // 12
  ]);
});

test('a SALES_MANAGER counts the cases of their team\'s customers only', async () => {
  const data = ok(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'CHANNEL' }, 'SALES_MANAGER'));
  expect(data.serviceStats.map((r: any) => r.key)).toEqual(['PHONE', 'WEB', 'CHAT', 'EMAIL']); // not 12 (FAX, the admin's customer)
  const agents = ok(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'AGENT' }, 'SALES_MANAGER')).serviceStats;
  // A without 12: 1, 2, 3, 11; FR 10,30,40,90 → 35; RES 100,120,200 → 120
  expect(agents[0]).toEqual(row(ids.agent, 4, 1, 75, 35, 120, 2, 4, 50));
});

test('an empty period gives no rows; a period that is not [from < to) or longer than 10 years is refused', async () => {
  expect(ok(await t.gql(STATS, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z', groupBy: 'TYPE' }, 'ADMIN')).serviceStats).toEqual([]);
  for (const [from, to] of [[TO, FROM], [FROM, FROM], ['2000-01-01T00:00:00Z', '2020-01-01T00:00:00Z']]) {
    const res = await t.gql(STATS, { from, to, groupBy: 'TYPE' }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].extensions!.field).toBe('to');
  }
});

test('agents: ADMIN sees their names; ANALYST gets the ids, the names are null with FORBIDDEN', async () => {
  const q = `query($from: DateTime!, $to: DateTime!) { serviceStats(from: $from, to: $to, groupBy: AGENT) { key agent { id name } } }`;
  const admin = ok(await t.gql(q, { from: FROM, to: TO }, 'ADMIN')).serviceStats;
  expect(admin).toEqual([
    { key: ids.agent, agent: { id: ids.agent, name: 'Sam Service' } },
    { key: ids.admin, agent: { id: ids.admin, name: 'Ada Admin' } },
    { key: null, agent: null },
  ]);
  const analyst = await t.gql(q, { from: FROM, to: TO }, 'ANALYST');
  expect(analyst.body.data.serviceStats).toEqual([
    { key: ids.agent, agent: { id: ids.agent, name: null } },
    { key: ids.admin, agent: { id: ids.admin, name: null } },
    { key: null, agent: null },
  ]);
  expect(codes(analyst)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  const byType = ok(await t.gql(`query($from: DateTime!, $to: DateTime!) { serviceStats(from: $from, to: $to, groupBy: TYPE) { agent { id } } }`,
    { from: FROM, to: TO }, 'ADMIN')).serviceStats;
  expect(byType.every((r: any) => r.agent === null)).toBe(true);
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
  for (const who of callers) {
    const res = await t.gql(STATS, { from: FROM, to: TO, groupBy: 'TYPE' }, who);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.data?.serviceStats ?? null).toBeNull();
  }
  expect(codes(await t.gql(STATS, { from: FROM, to: TO, groupBy: 'TYPE' }, null))).toEqual(['UNAUTHENTICATED']);
});

test('statements do not depend on the number of rows (agents with names: 2 agents vs 5)', async () => {
  const q = `query($from: DateTime!, $to: DateTime!) { serviceStats(from: $from, to: $to, groupBy: AGENT) { key caseCount agent { id name role } } }`;
  const few = await t.countQueries(async () => expect(ok(await t.gql(q, { from: FROM, to: TO }, 'ADMIN')).serviceStats).toHaveLength(3));
  // three more agents with a case each, in the period
  for (let i = 0; i < 3; i++) {
    const agent = newId('User');
    await t.sql(`insert into app_user (id, email, name, role, password_hash) values (?, ?, ?, 'SERVICE_AGENT', 'x')`, [agent, `agent${i}@demo.crm`, `Agent ${i}`]);
    await kase({ created: '2024-03-20T00:00:00.000Z', type: 'DELIVERY', channel: 'PHONE', assignee: agent, firstDue: FAR, resolutionDue: FAR });
  }
  const many = await t.countQueries(async () => expect(ok(await t.gql(q, { from: FROM, to: TO }, 'ADMIN')).serviceStats).toHaveLength(6));
  expect(few).toBeGreaterThan(1);
  expect(many).toBe(few);
});

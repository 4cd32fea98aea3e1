import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Service cases through HTTP: SLA due dates per priority (and after updateSlaPolicy, for new cases
 * only), the status transition table, the reopen window, firstRespondedAt, filters (incl. breached),
 * ordering, myQueue, queues, roles and record scopes, version conflicts, Customer.cases, N+1.
 */

let t: TestApp;
let agentId: string;
let adminId: string;
let rep1Id: string;
let rep1Customer: string;
let rep2Customer: string;
let resoldCustomer: string;
let filterCustomer: string;
let partnerCustomer: string;
let rep1Contact: string;
let rep2Contact: string;

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));

const CASE = 'id number type channel priority status subject description customerId contactId assetId queueId assigneeId '
  + 'firstResponseDueAt resolutionDueAt firstRespondedAt resolvedAt closedAt escalatedAt reopenCount slaBreached createdAt updatedAt version';
/** What a partner may select (the queue is the desk's internal organisation). */
const PARTNER_CASE = CASE.replace(' queueId', '');
const CREATE = `mutation($i: CreateCaseInput!) { createCase(input: $i) { case { ${CASE} } errors { code message field } } }`;
const CREATE_P = `mutation($i: CreateCaseInput!) { createCase(input: $i) { case { ${PARTNER_CASE} } errors { code message field } } }`;
const UPDATE = `mutation($i: UpdateCaseInput!) { updateCase(input: $i) { case { ${CASE} } errors { code message field } } }`;
const ASSIGN = `mutation($i: AssignCaseInput!) { assignCase(input: $i) { case { ${CASE} } errors { code message field } } }`;
const STATUS = `mutation($i: ChangeCaseStatusInput!) { changeCaseStatus(input: $i) { case { ${CASE} } errors { code message field } } }`;
const REOPEN = `mutation($i: ReopenCaseInput!) { reopenCase(input: $i) { case { ${CASE} } errors { code message field } } }`;
const REOPEN_P = `mutation($i: ReopenCaseInput!) { reopenCase(input: $i) { case { ${PARTNER_CASE} } errors { code message field } } }`;
const COMMENT = 'mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { comment { id caseId visibility body createdAt author { id } } errors { code message field } } }';
const ONE = `query($id: ID!) { case(id: $id) { ${CASE} } }`;
const LIST = `query($f: CaseFilter, $o: [CaseOrderBy!], $first: Int, $after: String) {
  cases(first: $first, after: $after, filter: $f, orderBy: $o) { totalCount pageInfo { hasNextPage endCursor } edges { node { id number status priority resolutionDueAt slaBreached } } } }`;

const base = (extra: Record<string, unknown> = {}) => ({
  customerId: rep1Customer, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: 'Laptop does not boot', ...extra,
});
const staff = (who: Who | Caller) => typeof who === 'string' && who !== 'PARTNER';
async function create(i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') {
  return ok(await t.gql(staff(who) ? CREATE : CREATE_P, { i }, who)).createCase as { case: any; errors: any[] };
}
async function created(i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') {
  const res = await create(i, who);
  expect(res.errors).toEqual([]);
  return res.case;
}
const mutate = async (doc: string, name: string, i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') =>
  ok(await t.gql(doc, { i }, who))[name] as { case: any; errors: any[] };
const caseCount = async () => Number((await t.sql('select count(*)::int as n from service_case'))[0].n);
const dbCase = async (id: string) => (await t.sql('select status, version, priority, subject, assignee_id, queue_id, resolved_at, closed_at, reopen_count, first_responded_at from service_case where id = ?', [id]))[0];
const minutes = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 60_000;

/** A case of rep1's customer with an assignee, forced into `status` by SQL (with the timestamps its status needs). */
async function caseIn(status: string, extra: Record<string, unknown> = {}) {
  const c = await created(base({ assigneeId: agentId, ...extra }));
  const resolved = ['RESOLVED', 'CLOSED'].includes(status) ? 'now()' : 'null';
  const closed = status === 'CLOSED' ? 'now()' : 'null';
  await t.sql(`update service_case set status = ?, resolved_at = ${resolved}, closed_at = ${closed}, version = version + 1 where id = ?`, [status, c.id]);
  return { id: c.id as string, version: (c.version as number) + 1 };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  const users = await t.sql<{ id: string; email: string }>(`select id, email from app_user`);
  const user = (email: string) => users.find((u) => u.email === email)!.id;
  agentId = user('service@demo.crm');
  adminId = user('admin@demo.crm');
  rep1Id = user('rep1@demo.crm');
  const rep2Id = user('rep2@demo.crm');
  partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  const of = async (owner: string) => (await t.sql<{ id: string }>('select id from customer where owner_id = ? and not is_partner order by created_at, id', [owner])).map((r) => r.id);
  const rep1s = await of(rep1Id);
  const rep2s = await of(rep2Id);
  [rep1Customer, filterCustomer] = rep1s;
  [rep2Customer, resoldCustomer] = rep2s;
  expect([rep1Customer, filterCustomer, rep2Customer, resoldCustomer].every(Boolean)).toBe(true);
  await t.sql('update customer set resold_by_id = ? where id = ?', [partnerCustomer, resoldCustomer]);
  const contactOf = async (customer: string) => (await t.sql<{ id: string }>('select id from contact where customer_id = ? order by id limit 1', [customer]))[0].id;
  rep1Contact = await contactOf(rep1Customer);
  rep2Contact = await contactOf(rep2Customer);
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema, serialised, warranty_months) values
    ('prd_${'a'.repeat(32)}', 'SRV-LAP', 'Service laptop', 'Laptops', 999, '{}', true, 24)`);
  await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date) values
    ('ast_${'1'.repeat(32)}', 'TAG-REP1', 'prd_${'a'.repeat(32)}', ?, '2026-01-10'),
    ('ast_${'2'.repeat(32)}', 'TAG-REP2', 'prd_${'a'.repeat(32)}', ?, '2026-01-10')`, [rep1Customer, rep2Customer]);
});
afterAll(async () => { await t.close(); });

describe('opening a case and the SLA', () => {
  it('numbers the case, sets status, opener and the due dates from the default policy of each priority', async () => {
    const expected: Record<string, [number, number]> = { P1: [60, 240], P2: [240, 1440], P3: [480, 4320], P4: [1440, 10080] };
    const numbers: number[] = [];
    for (const [priority, [first, resolution]] of Object.entries(expected)) {
      const c = await created(base({ priority, description: 'Black screen after the update' }));
      expect(c).toMatchObject({
        type: 'TECH_SUPPORT', channel: 'PHONE', priority, status: 'NEW', subject: 'Laptop does not boot', description: 'Black screen after the update',
        customerId: rep1Customer, assigneeId: null, queueId: null, firstRespondedAt: null, resolvedAt: null, closedAt: null, reopenCount: 0,
        slaBreached: false, version: 1,
      });
      expect(c.id).toMatch(/^cas_[0-9a-f]{32}$/);
      expect(c.number).toMatch(/^CS-\d{6}$/);
      numbers.push(Number(c.number.slice(3)));
      expect(minutes(c.createdAt, c.firstResponseDueAt)).toBe(first);
      expect(minutes(c.createdAt, c.resolutionDueAt)).toBe(resolution);
      const [row] = await t.sql<{ opened_by: string }>('select opened_by from service_case where id = ?', [c.id]);
      expect(row.opened_by).toBe(agentId);
    }
    expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2, numbers[0] + 3]);
  });

  it('starts ASSIGNED with an assignee, links contact, asset and queue of the customer, and audits the opening', async () => {
    const queue = ok(await t.gql('mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id } errors { field } } }',
      { i: { name: 'Hardware' } }, 'ADMIN')).createServiceQueue.serviceQueue;
    const c = await created(base({ assigneeId: agentId, contactId: rep1Contact, assetId: `ast_${'1'.repeat(32)}`, queueId: queue.id }));
    expect(c).toMatchObject({ status: 'ASSIGNED', assigneeId: agentId, contactId: rep1Contact, assetId: `ast_${'1'.repeat(32)}`, queueId: queue.id });
    const nested = ok(await t.gql(`query($id: ID!) { case(id: $id) { customer { id } contact { id } assignee { id } openedBy { id } queue { id name } } }`, { id: c.id }, 'ADMIN')).case;
    expect(nested).toEqual({ customer: { id: rep1Customer }, contact: { id: rep1Contact }, assignee: { id: agentId }, openedBy: { id: agentId }, queue: { id: queue.id, name: 'Hardware' } });
    const audit = await t.sql<{ action: string; customer_id: string; actor_id: string; changes: any }>(
      `select action, customer_id, actor_id, changes from audit_event where entity_type = 'ServiceCase' and entity_id = ?`, [c.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'CREATE', customer_id: rep1Customer, actor_id: agentId });
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual(expect.arrayContaining([{ field: 'status', old: null, new: 'ASSIGNED' }, { field: 'assigneeId', old: null, new: agentId }]));
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await caseCount();
    const bad = async (extra: Record<string, unknown>) => errorsOf(await create(base(extra)));
    expect(await bad({ subject: '  ' })).toEqual([{ code: 'VALIDATION', field: ['input', 'subject'] }]);
    expect(await bad({ channel: null })).toEqual([{ code: 'VALIDATION', field: ['input', 'channel'] }]);
    expect(await bad({ customerId: 'nope' })).toEqual([{ code: 'VALIDATION', field: ['input', 'customerId'] }]);
    expect(await bad({ customerId: `cus_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(await bad({ contactId: rep2Contact })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'contactId'] }]);
    expect(await bad({ assetId: `ast_${'2'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'assetId'] }]);
    expect(await bad({ queueId: `que_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'queueId'] }]);
    expect(await bad({ assigneeId: `usr_${'0'.repeat(32)}` })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'assigneeId'] }]);
    expect(await bad({ assigneeId: rep1Id })).toEqual([{ code: 'VALIDATION', field: ['input', 'assigneeId'] }]);
    expect(codes(await t.gql(CREATE, { i: base({ priority: 'P9' }) }, 'SERVICE_AGENT'))).toEqual(['BAD_USER_INPUT']);
    expect(await caseCount()).toBe(before);
  });

  it('applies a changed SLA policy to new cases only; a new priority recomputes the due dates from the opening', async () => {
    const policies = ok(await t.gql('{ slaPolicies { priority firstResponseMinutes resolutionMinutes version } }', {}, 'SALES_REP')).slaPolicies;
    expect(policies.map((p: any) => p.priority)).toEqual(['P1', 'P2', 'P3', 'P4']);
    const p2 = policies.find((p: any) => p.priority === 'P2');
    expect(p2).toMatchObject({ firstResponseMinutes: 240, resolutionMinutes: 1440 });
    const old = await created(base({ priority: 'P2' }));

    const UPD = 'mutation($i: UpdateSlaPolicyInput!) { updateSlaPolicy(input: $i) { slaPolicy { priority firstResponseMinutes resolutionMinutes version } errors { code field } } }';
    const upd = async (i: Record<string, unknown>, who: Who = 'ADMIN') => ok(await t.gql(UPD, { i: { priority: 'P2', version: p2.version, ...i } }, who)).updateSlaPolicy;
    expect(codes(await t.gql(UPD, { i: { priority: 'P2', version: p2.version, firstResponseMinutes: 30, resolutionMinutes: 90 } }, 'SERVICE_AGENT'))).toEqual(['FORBIDDEN']);
    expect(errorsOf(await upd({ firstResponseMinutes: 30, resolutionMinutes: 20 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'resolutionMinutes'] }]);
    expect(errorsOf(await upd({ firstResponseMinutes: 0, resolutionMinutes: 20 }))).toEqual([{ code: 'VALIDATION', field: ['input', 'firstResponseMinutes'] }]);
    expect(errorsOf(await upd({ version: p2.version + 5, firstResponseMinutes: 30, resolutionMinutes: 90 }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect((await t.sql(`select first_response_minutes as f from sla_policy where priority = 'P2'`))[0].f).toBe(240);
    const changed = await upd({ firstResponseMinutes: 30, resolutionMinutes: 90 });
    expect(changed).toEqual({ slaPolicy: { priority: 'P2', firstResponseMinutes: 30, resolutionMinutes: 90, version: p2.version + 1 }, errors: [] });

    const fresh = await created(base({ priority: 'P2' }));
    expect(minutes(fresh.createdAt, fresh.firstResponseDueAt)).toBe(30);
    expect(minutes(fresh.createdAt, fresh.resolutionDueAt)).toBe(90);
    const again = ok(await t.gql(ONE, { id: old.id }, 'SERVICE_AGENT')).case;
    expect(minutes(again.createdAt, again.firstResponseDueAt)).toBe(240);
    expect(minutes(again.createdAt, again.resolutionDueAt)).toBe(1440);

    // Re-prioritising recomputes from createdAt with the current policy of the new priority.
    const p1 = await mutate(UPDATE, 'updateCase', { id: old.id, version: old.version, priority: 'P1' });
    expect(p1.errors).toEqual([]);
    expect(p1.case.createdAt).toBe(old.createdAt);
    expect(minutes(old.createdAt, p1.case.firstResponseDueAt)).toBe(60);
    expect(minutes(old.createdAt, p1.case.resolutionDueAt)).toBe(240);
    const p2again = await mutate(UPDATE, 'updateCase', { id: old.id, version: p1.case.version, priority: 'P2' });
    expect(minutes(old.createdAt, p2again.case.firstResponseDueAt)).toBe(30);
    expect(minutes(old.createdAt, p2again.case.resolutionDueAt)).toBe(90);

    await upd({ version: p2.version + 1, firstResponseMinutes: 240, resolutionMinutes: 1440 }); // back to the default for the other tests
  });
});

describe('changing a case', () => {
  it('updates details, audits them, clears optional fields with null and refuses nulls, stale versions and CLOSED cases', async () => {
    const c = await created(base({ contactId: rep1Contact }));
    const res = await mutate(UPDATE, 'updateCase', { id: c.id, version: 1, subject: 'Laptop boots slowly', type: 'REPAIR', contactId: null });
    expect(res.errors).toEqual([]);
    expect(res.case).toMatchObject({ subject: 'Laptop boots slowly', type: 'REPAIR', contactId: null, version: 2 });
    const audit = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE'`, [c.id]);
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual(expect.arrayContaining([
      { field: 'subject', old: 'Laptop does not boot', new: 'Laptop boots slowly' }, { field: 'contactId', old: rep1Contact, new: null },
    ]));
    expect(errorsOf(await mutate(UPDATE, 'updateCase', { id: c.id, version: 2, subject: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'subject'] }]);
    expect(errorsOf(await mutate(UPDATE, 'updateCase', { id: c.id, version: 1, subject: 'x' }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect(errorsOf(await mutate(UPDATE, 'updateCase', { id: c.id, version: 2, contactId: rep2Contact }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'contactId'] }]);
    expect(await dbCase(c.id)).toMatchObject({ subject: 'Laptop boots slowly', version: 2 });

    const closed = await caseIn('CLOSED');
    expect(errorsOf(await mutate(UPDATE, 'updateCase', { id: closed.id, version: closed.version, subject: 'x' }))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
  });

  it('assigns (NEW → ASSIGNED), unassigns (ASSIGNED → NEW), moves queues, and refuses non-agents', async () => {
    const c = await created(base());
    const assigned = await mutate(ASSIGN, 'assignCase', { id: c.id, version: 1, assigneeId: agentId });
    expect(assigned.case).toMatchObject({ status: 'ASSIGNED', assigneeId: agentId, version: 2 });
    expect(errorsOf(await mutate(ASSIGN, 'assignCase', { id: c.id, version: 2, assigneeId: rep1Id }))).toEqual([{ code: 'VALIDATION', field: ['input', 'assigneeId'] }]);
    expect(errorsOf(await mutate(ASSIGN, 'assignCase', { id: c.id, version: 1, assigneeId: adminId }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    await t.sql(`update app_user set active = false where id = ?`, [adminId]);
    try {
      expect(errorsOf(await mutate(ASSIGN, 'assignCase', { id: c.id, version: 2, assigneeId: adminId }))).toEqual([{ code: 'VALIDATION', field: ['input', 'assigneeId'] }]);
    } finally {
      await t.sql(`update app_user set active = true where id = ?`, [adminId]);
    }
    const queue = ok(await t.gql('mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id } } }', { i: { name: 'Moves' } }, 'ADMIN')).createServiceQueue.serviceQueue;
    const moved = await mutate(ASSIGN, 'assignCase', { id: c.id, version: 2, queueId: queue.id });
    expect(moved.case).toMatchObject({ status: 'ASSIGNED', assigneeId: agentId, queueId: queue.id, version: 3 });
    const unassigned = await mutate(ASSIGN, 'assignCase', { id: c.id, version: 3, assigneeId: null });
    expect(unassigned.case).toMatchObject({ status: 'NEW', assigneeId: null, queueId: queue.id, version: 4 });
    const working = await caseIn('IN_PROGRESS');
    expect((await mutate(ASSIGN, 'assignCase', { id: working.id, version: working.version, assigneeId: adminId })).case).toMatchObject({ status: 'IN_PROGRESS', assigneeId: adminId });
    expect(await dbCase(c.id)).toMatchObject({ status: 'NEW', assignee_id: null, queue_id: queue.id, version: 4 });
  });
});

describe('status transitions', () => {
  const STATUSES = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED'];
  const LEGAL: Record<string, string[]> = {
    NEW: ['ASSIGNED', 'IN_PROGRESS', 'RESOLVED'],
    ASSIGNED: ['IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED'],
    IN_PROGRESS: ['WAITING_ON_CUSTOMER', 'RESOLVED'],
    WAITING_ON_CUSTOMER: ['IN_PROGRESS', 'RESOLVED'],
    RESOLVED: ['CLOSED'],
    CLOSED: [],
  };

  it('allows exactly the legal moves (every pair tried) and refuses the others with BUSINESS_RULE, changing nothing', async () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        const c = await caseIn(from);
        const res = await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: c.version, status: to });
        if (LEGAL[from].includes(to)) {
          expect({ from, to, errors: res.errors }).toEqual({ from, to, errors: [] });
          expect(res.case).toMatchObject({ status: to, version: c.version + 1 });
          const row = await dbCase(c.id);
          expect(row.status).toBe(to);
          if (to === 'RESOLVED') expect(res.case.resolvedAt).not.toBeNull();
          if (to === 'CLOSED') expect(res.case.closedAt).not.toBeNull();
        } else {
          expect({ from, to, errors: errorsOf(res) }).toEqual({ from, to, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'status'] }] });
          expect(await dbCase(c.id)).toMatchObject({ status: from, version: c.version });
        }
      }
    }
  });

  it('needs an assignee for ASSIGNED, sets resolvedAt/closedAt, records the note, and refuses a stale version', async () => {
    const c = await created(base());
    expect(errorsOf(await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 1, status: 'ASSIGNED' }))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'status'] }]);
    const working = await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 1, status: 'IN_PROGRESS' });
    expect(working.case).toMatchObject({ status: 'IN_PROGRESS', resolvedAt: null, version: 2 });
    expect(errorsOf(await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 1, status: 'RESOLVED' }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    const resolved = await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 2, status: 'RESOLVED', note: 'Replaced the power supply' });
    expect(resolved.case.status).toBe('RESOLVED');
    expect(Math.abs(new Date(resolved.case.resolvedAt).getTime() - Date.now())).toBeLessThan(60_000);
    const closed = await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 3, status: 'CLOSED' });
    expect(closed.case).toMatchObject({ status: 'CLOSED', resolvedAt: resolved.case.resolvedAt, version: 4 });
    expect(closed.case.closedAt).not.toBeNull();
    const notes = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE' order by at`, [c.id]);
    const all = notes.flatMap((n) => (typeof n.changes === 'string' ? JSON.parse(n.changes) : n.changes));
    expect(all).toEqual(expect.arrayContaining([{ field: 'statusNote', old: null, new: 'Replaced the power supply' }, { field: 'status', old: 'RESOLVED', new: 'CLOSED' }]));
  });
});

describe('reopening', () => {
  it('reopens within 14 days after resolution (IN_PROGRESS by staff), not after; only RESOLVED or CLOSED cases', async () => {
    const recent = await caseIn('CLOSED');
    await t.sql(`update service_case set resolved_at = now() - interval '13 days', closed_at = now() - interval '12 days' where id = ?`, [recent.id]);
    const res = await mutate(REOPEN, 'reopenCase', { id: recent.id, version: recent.version, reason: 'Broke again' });
    expect(res.errors).toEqual([]);
    expect(res.case).toMatchObject({ status: 'IN_PROGRESS', reopenCount: 1, resolvedAt: null, closedAt: null, version: recent.version + 1 });
    const audit = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE'`, [recent.id]);
    const changes = audit.flatMap((a) => (typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes));
    expect(changes).toEqual(expect.arrayContaining([{ field: 'reopenReason', old: null, new: 'Broke again' }, { field: 'reopenCount', old: 0, new: 1 }]));

    const old = await caseIn('RESOLVED');
    await t.sql(`update service_case set resolved_at = now() - interval '15 days' where id = ?`, [old.id]);
    expect(errorsOf(await mutate(REOPEN, 'reopenCase', { id: old.id, version: old.version, reason: 'Too late' }))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    expect(await dbCase(old.id)).toMatchObject({ status: 'RESOLVED', reopen_count: 0, version: old.version });

    const open = await caseIn('IN_PROGRESS');
    expect(errorsOf(await mutate(REOPEN, 'reopenCase', { id: open.id, version: open.version, reason: 'x' }))).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'] }]);
    expect(errorsOf(await mutate(REOPEN, 'reopenCase', { id: open.id, version: open.version, reason: '' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'reason'] }]);
    const resolved = await caseIn('RESOLVED');
    expect(errorsOf(await mutate(REOPEN, 'reopenCase', { id: resolved.id, version: resolved.version - 1, reason: 'x' }))).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    // A reopened case can be resolved and reopened again.
    const twice = await mutate(REOPEN, 'reopenCase', { id: resolved.id, version: resolved.version, reason: 'again' });
    const again = await mutate(STATUS, 'changeCaseStatus', { id: resolved.id, version: twice.case.version, status: 'RESOLVED' });
    expect((await mutate(REOPEN, 'reopenCase', { id: resolved.id, version: again.case.version, reason: 'and again' })).case).toMatchObject({ reopenCount: 2, status: 'IN_PROGRESS' });
  });

  it('lets a partner reopen its cases: back to ASSIGNED for the agent, or NEW when nobody is assigned', async () => {
    const assigned = await caseIn('RESOLVED', { customerId: resoldCustomer });
    const res = await mutate(REOPEN_P, 'reopenCase', { id: assigned.id, version: assigned.version, reason: 'Still broken' }, 'PARTNER');
    expect(res.case).toMatchObject({ status: 'ASSIGNED', reopenCount: 1 });
    const c = await created(base({ customerId: resoldCustomer }));
    const resolved = await mutate(STATUS, 'changeCaseStatus', { id: c.id, version: 1, status: 'RESOLVED' });
    expect((await mutate(REOPEN_P, 'reopenCase', { id: c.id, version: resolved.case.version, reason: 'No' }, 'PARTNER')).case).toMatchObject({ status: 'NEW', reopenCount: 1 });
    const notTheirs = await caseIn('RESOLVED');
    expect(errorsOf(await mutate(REOPEN_P, 'reopenCase', { id: notTheirs.id, version: notTheirs.version, reason: 'x' }, 'PARTNER'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(codes(await t.gql(REOPEN, { i: { id: notTheirs.id, version: notTheirs.version, reason: 'x' } }, 'SALES_REP'))).toEqual(['FORBIDDEN']);
  });
});

describe('comments and the first response', () => {
  it('sets firstRespondedAt once, on the first PUBLIC comment by staff only', async () => {
    const c = await created(base({ customerId: resoldCustomer }));
    const comment = async (visibility: string, who: Who, body = 'text') => ok(await t.gql(COMMENT, { i: { caseId: c.id, body, visibility } }, who)).addCaseComment;
    const internal = await comment('INTERNAL', 'SERVICE_AGENT', 'Check the PSU batch');
    expect(internal.errors).toEqual([]);
    expect(internal.comment).toMatchObject({ caseId: c.id, visibility: 'INTERNAL', body: 'Check the PSU batch', author: { id: agentId } });
    expect((await dbCase(c.id)).first_responded_at).toBeNull();
    expect((await comment('PUBLIC', 'PARTNER', 'Any news?')).errors).toEqual([]);
    expect((await dbCase(c.id)).first_responded_at).toBeNull();
    const reply = await comment('PUBLIC', 'SERVICE_AGENT', 'We are on it');
    const first = (await dbCase(c.id)).first_responded_at;
    expect(new Date(first).toISOString()).toBe(reply.comment.createdAt);
    const after = ok(await t.gql(ONE, { id: c.id }, 'SERVICE_AGENT')).case;
    expect(after).toMatchObject({ firstRespondedAt: reply.comment.createdAt, version: 2 });
    await comment('PUBLIC', 'ADMIN', 'Second reply');
    expect(new Date((await dbCase(c.id)).first_responded_at).toISOString()).toBe(reply.comment.createdAt);
    const audit = await t.sql<{ changes: any }>(`select changes from audit_event where entity_id = ? and action = 'UPDATE'`, [c.id]);
    expect(audit).toHaveLength(1);
    const changes = typeof audit[0].changes === 'string' ? JSON.parse(audit[0].changes) : audit[0].changes;
    expect(changes).toEqual([{ field: 'firstRespondedAt', old: null, new: reply.comment.createdAt }]);

    const list = ok(await t.gql(`query($id: ID!) { case(id: $id) { comments(first: 10) { totalCount edges { node { body visibility author { id } } } } } }`, { id: c.id }, 'SERVICE_AGENT')).case.comments;
    expect(list.totalCount).toBe(4);
    expect(list.edges.map((e: any) => e.node.body)).toEqual(['Check the PSU batch', 'Any news?', 'We are on it', 'Second reply']); // oldest first
    expect(list.edges[1].node.author).toEqual({ id: expect.stringMatching(/^usr_/) });
    const last = ok(await t.gql(`query($id: ID!) { case(id: $id) { comments(last: 2) { pageInfo { hasPreviousPage } edges { node { body } } } } }`, { id: c.id }, 'SERVICE_AGENT')).case.comments;
    expect(last).toEqual({ pageInfo: { hasPreviousPage: true }, edges: [{ node: { body: 'We are on it' } }, { node: { body: 'Second reply' } }] });
  });

  it('refuses comments on CLOSED cases, unknown cases, empty bodies and from sales', async () => {
    const closed = await caseIn('CLOSED');
    const add = (i: Record<string, unknown>, who: Who = 'SERVICE_AGENT') => t.gql(COMMENT, { i }, who);
    const before = Number((await t.sql('select count(*)::int as n from case_comment'))[0].n);
    expect(errorsOf(ok(await add({ caseId: closed.id, body: 'x', visibility: 'PUBLIC' })).addCaseComment)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'caseId'] }]);
    expect(errorsOf(ok(await add({ caseId: `cas_${'0'.repeat(32)}`, body: 'x', visibility: 'PUBLIC' })).addCaseComment)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
    expect(errorsOf(ok(await add({ caseId: closed.id, body: ' ', visibility: 'PUBLIC' })).addCaseComment)).toEqual([{ code: 'VALIDATION', field: ['input', 'body'] }]);
    expect(codes(await add({ caseId: closed.id, body: 'x', visibility: 'PUBLIC' }, 'SALES_REP'))).toEqual(['FORBIDDEN']);
    expect(Number((await t.sql('select count(*)::int as n from case_comment'))[0].n)).toBe(before);
  });
});

describe('reads, filters and order', () => {
  let ids: Record<string, string>;
  const only = (f: Record<string, unknown>) => ({ and: [{ customerId: { eq: filterCustomer } }, f] });
  const listIds = async (f: Record<string, unknown>, who: Who = 'SERVICE_AGENT', o?: unknown) => {
    const data = ok(await t.gql(LIST, { f: only(f), o, first: 100 }, who)).cases;
    expect(data.totalCount).toBe(data.edges.length);
    return data.edges.map((e: any) => e.node.id) as string[];
  };

  beforeAll(async () => {
    const queue = ok(await t.gql('mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id } } }', { i: { name: 'Filters' } }, 'ADMIN')).createServiceQueue.serviceQueue;
    const mk = async (extra: Record<string, unknown>) => (await created(base({ customerId: filterCustomer, ...extra }))).id as string;
    ids = {
      p1: await mk({ priority: 'P1', type: 'COMPLAINT', channel: 'EMAIL' }),
      p4: await mk({ priority: 'P4', type: 'REPAIR', channel: 'WEB', queueId: queue.id, assigneeId: agentId }),
      p2: await mk({ priority: 'P2', type: 'REPAIR', channel: 'PHONE', queueId: queue.id }),
      late: await mk({ priority: 'P3' }),
      lateResolved: await mk({ priority: 'P3' }),
      quickResolved: await mk({ priority: 'P3' }),
    };
    ids.queue = queue.id;
    // Overdue first response; resolved after its due time; resolved in time without a public reply.
    await t.sql(`update service_case set first_response_due_at = now() - interval '1 hour' where id = ?`, [ids.late]);
    await t.sql(`update service_case set status = 'RESOLVED', first_responded_at = created_at, resolved_at = now(), resolution_due_at = now() - interval '1 minute' where id = ?`, [ids.lateResolved]);
    await t.sql(`update service_case set status = 'RESOLVED', resolved_at = now() - interval '2 minutes', first_response_due_at = now() - interval '1 minute' where id = ?`, [ids.quickResolved]);
  });

  it('filters by status, type, priority, channel, queue, assignee, number, created range and customer', async () => {
    expect((await listIds({})).sort()).toEqual([ids.p1, ids.p4, ids.p2, ids.late, ids.lateResolved, ids.quickResolved].sort());
    expect(await listIds({ status: { eq: 'ASSIGNED' } })).toEqual([ids.p4]);
    expect((await listIds({ status: { notIn: ['RESOLVED', 'CLOSED'] } })).sort()).toEqual([ids.p1, ids.p4, ids.p2, ids.late].sort());
    expect((await listIds({ type: { eq: 'REPAIR' } })).sort()).toEqual([ids.p4, ids.p2].sort());
    expect((await listIds({ priority: { in: ['P1', 'P2'] } })).sort()).toEqual([ids.p1, ids.p2].sort());
    expect(await listIds({ channel: { eq: 'EMAIL' } })).toEqual([ids.p1]);
    expect((await listIds({ queueId: { eq: ids.queue } })).sort()).toEqual([ids.p4, ids.p2].sort());
    expect(await listIds({ assigneeId: { eq: agentId } })).toEqual([ids.p4]);
    expect((await listIds({ assigneeId: { isNull: true }, queueId: { isNull: false } }))).toEqual([ids.p2]);
    const one = ok(await t.gql(ONE, { id: ids.p2 }, 'SERVICE_AGENT')).case;
    expect(await listIds({ number: { eq: one.number } })).toEqual([ids.p2]);
    expect((await listIds({ createdAt: { gte: one.createdAt } })).includes(ids.p1)).toBe(false);
    expect((await listIds({ createdAt: { lt: one.createdAt } })).sort()).toEqual([ids.p1, ids.p4].sort());
    expect(await listIds({ or: [{ priority: { eq: 'P1' } }, { channel: { eq: 'WEB' } }] }, 'SERVICE_AGENT', [{ field: 'CREATED_AT', direction: 'ASC' }])).toEqual([ids.p1, ids.p4]);
  });

  it('filters breached cases with the same rule as slaBreached', async () => {
    expect((await listIds({ breached: { eq: true } })).sort()).toEqual([ids.late, ids.lateResolved].sort());
    expect((await listIds({ breached: { eq: false } })).sort()).toEqual([ids.p1, ids.p4, ids.p2, ids.quickResolved].sort());
    const data = ok(await t.gql(LIST, { f: only({}), first: 100 }, 'SERVICE_AGENT')).cases;
    const flags = Object.fromEntries(data.edges.map((e: any) => [e.node.id, e.node.slaBreached]));
    expect(flags).toEqual({ [ids.p1]: false, [ids.p4]: false, [ids.p2]: false, [ids.late]: true, [ids.lateResolved]: true, [ids.quickResolved]: false });
    // the first public reply stops the first-response clock, late or not
    await t.sql(`update service_case set first_responded_at = first_response_due_at - interval '1 minute' where id = ?`, [ids.late]);
    expect(await listIds({ breached: { eq: true } })).toEqual([ids.lateResolved]);
    await t.sql(`update service_case set first_responded_at = first_response_due_at + interval '1 minute' where id = ?`, [ids.late]);
    expect((await listIds({ breached: { eq: true } })).sort()).toEqual([ids.late, ids.lateResolved].sort());
  });

  it('orders by priority and by resolution due date, and pages with cursors', async () => {
    const byPriority = await listIds({ id: { in: [ids.p4, ids.p1, ids.p2] } }, 'SERVICE_AGENT', [{ field: 'PRIORITY', direction: 'ASC' }]);
    expect(byPriority).toEqual([ids.p1, ids.p2, ids.p4]);
    const byDue = await listIds({ id: { in: [ids.p4, ids.p1, ids.p2] } }, 'SERVICE_AGENT', [{ field: 'RESOLUTION_DUE_AT', direction: 'DESC' }]);
    expect(byDue).toEqual([ids.p4, ids.p2, ids.p1]);
    const newest = await listIds({}, 'SERVICE_AGENT');
    const pages: string[] = [];
    let after: string | null = null;
    do {
      const page: any = ok(await t.gql(LIST, { f: only({}), first: 4, after }, 'SERVICE_AGENT')).cases;
      pages.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages).toEqual(newest);
    expect(codes(await t.gql(LIST, { f: only({}), first: 101 }, 'SERVICE_AGENT'))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists Customer.cases batched, with the same filters', async () => {
    const q = `query($f: CaseFilter) { customers(first: 20) { edges { node { id cases(first: 3, filter: $f) { totalCount edges { node { id customerId } } } } } } }`;
    const data = ok(await t.gql(q, {}, 'SERVICE_AGENT')).customers.edges;
    const withCases = data.filter((e: any) => e.node.cases.totalCount > 0);
    expect(withCases.length).toBeGreaterThan(1);
    for (const e of data) {
      const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from service_case where customer_id = ?', [e.node.id]);
      expect(e.node.cases.totalCount).toBe(Number(n));
      expect(e.node.cases.edges.length).toBe(Math.min(3, Number(n)));
      for (const c of e.node.cases.edges) expect(c.node.customerId).toBe(e.node.id);
    }
    const breached = ok(await t.gql(q, { f: { breached: { eq: true } } }, 'SERVICE_AGENT')).customers.edges.find((e: any) => e.node.id === filterCustomer);
    expect(breached.node.cases.totalCount).toBe(2);
  });
});

describe('myQueue', () => {
  it('lists my open cases and the unassigned cases of the queues I manage, soonest resolution due first', async () => {
    const made = ok(await t.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } errors { field } } }',
      { i: { email: 'agent2@demo.crm', password: 'longenough', name: 'Second Agent', role: 'SERVICE_AGENT' } }, 'ADMIN')).createUser.user;
    const token = ok(await t.gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: 'agent2@demo.crm', password: 'longenough' } })).login.token;
    const me: Caller = { token };
    const mine = ok(await t.gql('mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id managerId manager { id } } errors { code field } } }',
      { i: { name: 'Agent2 queue', managerId: made.id } }, 'ADMIN')).createServiceQueue.serviceQueue;
    expect(mine).toMatchObject({ managerId: made.id, manager: { id: made.id } });
    const P = (priority: string, extra: Record<string, unknown> = {}) => created(base({ priority, ...extra }));
    const assignedP3 = await P('P3', { assigneeId: made.id });
    const assignedP1 = await P('P1', { assigneeId: made.id });
    const queuedP2 = await P('P2', { queueId: mine.id });
    await P('P1', { queueId: mine.id, assigneeId: agentId }); // in my queue but someone else's
    await P('P1', { assigneeId: agentId }); // someone else's
    const resolved = await P('P1', { assigneeId: made.id });
    await mutate(STATUS, 'changeCaseStatus', { id: resolved.id, version: 1, status: 'RESOLVED' });
    const waiting = await P('P4', { assigneeId: made.id });
    await mutate(STATUS, 'changeCaseStatus', { id: waiting.id, version: 1, status: 'WAITING_ON_CUSTOMER' });

    const Q = 'query($after: String, $first: Int) { myQueue(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id resolutionDueAt } } } }';
    const res = ok(await t.gql(Q, { first: 10 }, me)).myQueue;
    expect(res.edges.map((e: any) => e.node.id)).toEqual([assignedP1.id, queuedP2.id, assignedP3.id, waiting.id]);
    expect(res.totalCount).toBe(4);
    const first = ok(await t.gql(Q, { first: 2 }, me)).myQueue;
    const second = ok(await t.gql(Q, { first: 2, after: first.pageInfo.endCursor }, me)).myQueue;
    expect([...first.edges, ...second.edges].map((e: any) => e.node.id)).toEqual([assignedP1.id, queuedP2.id, assignedP3.id, waiting.id]);
    expect(codes(await t.gql(Q, {}, 'PARTNER'))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(Q, {}, 'FINANCE'))).toEqual(['FORBIDDEN']);
    expect(ok(await t.gql(Q, {}, 'SALES_REP')).myQueue.totalCount).toBe(0);
  });
});

describe('queues', () => {
  const CQ = 'mutation($i: CreateServiceQueueInput!) { createServiceQueue(input: $i) { serviceQueue { id name description escalation managerId version } errors { code field } } }';
  const UQ = 'mutation($i: UpdateServiceQueueInput!) { updateServiceQueue(input: $i) { serviceQueue { id name description escalation managerId version } errors { code field } } }';
  const queueCount = async () => Number((await t.sql('select count(*)::int as n from service_queue'))[0].n);

  it('creates and changes queues (ADMIN): unique names, one escalation queue, an agent or admin as manager', async () => {
    const made = ok(await t.gql(CQ, { i: { name: 'Escalations', escalation: true, managerId: agentId, description: 'Breached P1s' } }, 'ADMIN')).createServiceQueue;
    expect(made).toMatchObject({ errors: [], serviceQueue: { name: 'Escalations', escalation: true, managerId: agentId, description: 'Breached P1s', version: 1 } });
    const before = await queueCount();
    expect(errorsOf(ok(await t.gql(CQ, { i: { name: 'Escalations' } }, 'ADMIN')).createServiceQueue)).toEqual([{ code: 'DUPLICATE', field: ['input', 'name'] }]);
    expect(errorsOf(ok(await t.gql(CQ, { i: { name: 'Second escalation', escalation: true } }, 'ADMIN')).createServiceQueue)).toEqual([{ code: 'DUPLICATE', field: ['input', 'escalation'] }]);
    expect(errorsOf(ok(await t.gql(CQ, { i: { name: 'Sales queue', managerId: rep1Id } }, 'ADMIN')).createServiceQueue)).toEqual([{ code: 'VALIDATION', field: ['input', 'managerId'] }]);
    expect(errorsOf(ok(await t.gql(CQ, { i: { name: '' } }, 'ADMIN')).createServiceQueue)).toEqual([{ code: 'VALIDATION', field: ['input', 'name'] }]);
    expect(codes(await t.gql(CQ, { i: { name: 'Agent made' } }, 'SERVICE_AGENT'))).toEqual(['FORBIDDEN']);
    expect(await queueCount()).toBe(before);

    const other = ok(await t.gql(CQ, { i: { name: 'Software' } }, 'ADMIN')).createServiceQueue.serviceQueue;
    expect(errorsOf(ok(await t.gql(UQ, { i: { id: other.id, version: 1, name: 'Escalations' } }, 'ADMIN')).updateServiceQueue)).toEqual([{ code: 'DUPLICATE', field: ['input', 'name'] }]);
    expect(errorsOf(ok(await t.gql(UQ, { i: { id: other.id, version: 1, escalation: true } }, 'ADMIN')).updateServiceQueue)).toEqual([{ code: 'DUPLICATE', field: ['input', 'escalation'] }]);
    expect(errorsOf(ok(await t.gql(UQ, { i: { id: other.id, version: 7, name: 'Apps' } }, 'ADMIN')).updateServiceQueue)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    const renamed = ok(await t.gql(UQ, { i: { id: other.id, version: 1, name: 'Apps', managerId: adminId } }, 'ADMIN')).updateServiceQueue;
    expect(renamed).toMatchObject({ errors: [], serviceQueue: { name: 'Apps', managerId: adminId, escalation: false, version: 2 } });
    // moving the escalation flag: off the old one, then onto the new one
    ok(await t.gql(UQ, { i: { id: made.serviceQueue.id, version: 1, escalation: false } }, 'ADMIN'));
    expect(ok(await t.gql(UQ, { i: { id: other.id, version: 2, escalation: true } }, 'ADMIN')).updateServiceQueue.serviceQueue).toMatchObject({ escalation: true, version: 3 });

    const list = ok(await t.gql('{ serviceQueues { id name escalation } }', {}, 'SALES_REP')).serviceQueues;
    expect(list.map((q: any) => q.name)).toEqual([...list.map((q: any) => q.name)].sort());
    expect(list.find((q: any) => q.id === other.id)).toEqual({ id: other.id, name: 'Apps', escalation: true });
    for (const who of ['PARTNER', 'FINANCE', 'MARKETING', 'ANALYST'] as const) expect(codes(await t.gql('{ serviceQueues { id } }', {}, who))).toEqual(['FORBIDDEN']);
    const node = 'query($id: ID!) { node(id: $id) { id ... on ServiceQueue { name } } }';
    expect(ok(await t.gql(node, { id: other.id }, 'SERVICE_AGENT')).node).toEqual({ id: other.id, name: 'Apps' });
    expect(ok(await t.gql(node, { id: other.id }, 'PARTNER')).node).toBeNull();
  });
});

describe('roles and scopes', () => {
  let rep1Case: any;
  let rep2Case: any;
  let resoldCase: any;
  beforeAll(async () => {
    rep1Case = await created(base());
    rep2Case = await created(base({ customerId: rep2Customer }));
    resoldCase = await created(base({ customerId: resoldCustomer }));
  });
  const idsOf = async (who: Who | Caller) => (ok(await t.gql(LIST, { first: 100 }, who)).cases.edges as any[]).map((e) => e.node.id);

  it('lets reps and managers read the cases of their customers only; a case outside the scope is NOT_FOUND', async () => {
    const rep1 = await idsOf('SALES_REP');
    expect(rep1).toContain(rep1Case.id);
    expect(rep1).not.toContain(rep2Case.id);
    const rep1Ids = (await t.sql<{ id: string }>('select k.id from service_case k join customer c on c.id = k.customer_id where c.owner_id = ?', [rep1Id])).map((r) => r.id);
    expect(rep1.sort()).toEqual(rep1Ids.sort());
    expect(ok(await t.gql(ONE, { id: rep2Case.id }, 'SALES_REP')).case).toBeNull();
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: rep2Case.id }, 'SALES_REP')).node).toBeNull();
    expect(ok(await t.gql(ONE, { id: rep2Case.id }, 'SALES_REP_2')).case.id).toBe(rep2Case.id);
    expect(await idsOf('SALES_MANAGER')).toEqual(expect.arrayContaining([rep1Case.id, rep2Case.id]));
    const all = await idsOf('SERVICE_AGENT');
    expect(all).toEqual(expect.arrayContaining([rep1Case.id, rep2Case.id, resoldCase.id]));
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id ... on ServiceCase { number } } }', { id: rep1Case.id }, 'ADMIN')).node.number).toBe(rep1Case.number);
  });

  it('keeps sales read-only: every write is FORBIDDEN for SALES_*', async () => {
    for (const who of ['SALES_REP', 'SALES_MANAGER'] as const) {
      expect(codes(await t.gql(CREATE, { i: base() }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(UPDATE, { i: { id: rep1Case.id, version: 1, subject: 'x' } }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(ASSIGN, { i: { id: rep1Case.id, version: 1, assigneeId: agentId } }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(STATUS, { i: { id: rep1Case.id, version: 1, status: 'IN_PROGRESS' } }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(COMMENT, { i: { caseId: rep1Case.id, body: 'x', visibility: 'PUBLIC' } }, who))).toEqual(['FORBIDDEN']);
    }
    expect(await dbCase(rep1Case.id)).toMatchObject({ version: 1, status: 'NEW' });
  });

  it('gives FINANCE, MARKETING, ANALYST and INTEGRATION keys no cases (FORBIDDEN at the root, Customer.cases null)', async () => {
    const integration = { apiKey: ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }',
      { i: { name: 'shop', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret as string };
    for (const who of ['FINANCE', 'MARKETING', 'ANALYST', integration] as const) {
      expect(codes(await t.gql(LIST, {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(ONE, { id: rep1Case.id }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(CREATE, { i: base() }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql('{ slaPolicies { priority } }', {}, who))).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: rep1Case.id }, who)).node).toBeNull();
    }
    const res = await t.gql('query($id: ID!) { customer(id: $id) { id cases(first: 5) { totalCount } } }', { id: rep1Customer }, 'FINANCE');
    expect(res.body.data.customer).toEqual({ id: rep1Customer, cases: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  it('lets a partner open cases for itself and the customers it resells to (channel PARTNER), and read only those', async () => {
    const res = await create(base({ customerId: resoldCustomer, channel: 'PHONE', priority: 'P2' }), 'PARTNER');
    expect(res.errors).toEqual([]);
    expect(res.case).toMatchObject({ channel: 'PARTNER', status: 'NEW', customerId: resoldCustomer, priority: 'P2' });
    const own = await created({ customerId: partnerCustomer, type: 'PRE_SALES', priority: 'P4', subject: 'Question' }, 'PARTNER');
    expect(own.channel).toBe('PARTNER');
    const [{ id: partnerUser }] = await t.sql<{ id: string }>(`select id from app_user where email = 'partner@demo.crm'`);
    expect((await t.sql('select opened_by from service_case where id = ?', [own.id]))[0].opened_by).toBe(partnerUser);

    const before = await caseCount();
    expect(errorsOf(await create(base(), 'PARTNER'))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(errorsOf(await create(base({ customerId: resoldCustomer, assigneeId: agentId }), 'PARTNER'))).toEqual([{ code: 'FORBIDDEN', field: ['input', 'assigneeId'] }]);
    expect(errorsOf(await create(base({ customerId: resoldCustomer, queueId: `que_${'0'.repeat(32)}` }), 'PARTNER'))).toEqual([{ code: 'FORBIDDEN', field: ['input', 'queueId'] }]);
    expect(await caseCount()).toBe(before);

    const visible = await idsOf('PARTNER');
    const expected = (await t.sql<{ id: string }>('select k.id from service_case k join customer c on c.id = k.customer_id where c.id = ? or c.resold_by_id = ?', [partnerCustomer, partnerCustomer])).map((r) => r.id);
    expect(visible.sort()).toEqual(expected.sort());
    expect(visible).toContain(resoldCase.id);
    expect(ok(await t.gql(ONE, { id: rep1Case.id }, 'PARTNER')).case).toBeNull();
    // the desk's organisation is internal
    const q = await t.gql(`query($id: ID!) { case(id: $id) { id queueId } }`, { id: resoldCase.id }, 'PARTNER');
    expect(q.body.data.case).toEqual({ id: resoldCase.id, queueId: null });
    expect(codes(q)).toEqual(['FORBIDDEN']);
    for (const [doc, i] of [[UPDATE, { id: resoldCase.id, version: 1, subject: 'x' }], [ASSIGN, { id: resoldCase.id, version: 1, assigneeId: null }],
      [STATUS, { id: resoldCase.id, version: 1, status: 'RESOLVED' }]] as const) {
      expect(codes(await t.gql(doc, { i }, 'PARTNER'))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql('{ slaPolicies { priority } }', {}, 'PARTNER'))).toEqual(['FORBIDDEN']);
  });

  it('lets a PARTNER key open and comment on cases of its customers; comments through a key have no author', async () => {
    const key = { apiKey: ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }',
      { i: { name: 'dealer portal', role: 'PARTNER', scopes: ['customers:read', 'cases:write'], partnerCustomerId: partnerCustomer } }, 'ADMIN')).createApiKey.secret as string };
    const c = await created(base({ customerId: resoldCustomer, channel: 'WEB' }), key);
    expect(c.channel).toBe('PARTNER');
    expect(ok(await t.gql('query($id: ID!) { case(id: $id) { openedBy { id } } }', { id: c.id }, 'ADMIN')).case.openedBy).toBeNull();
    const comment = ok(await t.gql(COMMENT, { i: { caseId: c.id, body: 'From the portal', visibility: 'PUBLIC' } }, key)).addCaseComment;
    expect(comment).toMatchObject({ errors: [], comment: { body: 'From the portal', author: null } });
    expect(errorsOf(await create(base(), key))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    expect(errorsOf(ok(await t.gql(COMMENT, { i: { caseId: rep1Case.id, body: 'x', visibility: 'PUBLIC' } }, key)).addCaseComment)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
  });
});

describe('no N+1', () => {
  it('cases { customer assignee comments { author } } runs the same number of statements for 2 and 10 cases', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const c = await created(base({ customerId: i % 2 ? rep1Customer : rep2Customer, assigneeId: i % 3 ? agentId : adminId, subject: `N+1 ${i}` }));
      ids.push(c.id);
      for (const [who, visibility] of [['SERVICE_AGENT', 'PUBLIC'], ['ADMIN', 'INTERNAL']] as const) {
        ok(await t.gql(COMMENT, { i: { caseId: c.id, body: `c${i}`, visibility } }, who));
      }
    }
    const q = `query($n: Int, $f: CaseFilter) { cases(first: $n, filter: $f) { totalCount edges { node { id customer { id name } assignee { id name } slaBreached
      comments(first: 5) { totalCount edges { node { id body author { id name } } } } } } } }`;
    const f = { id: { in: ids } };
    const small = await t.gql(q, { n: 2, f }, 'SERVICE_AGENT');
    const large = await t.gql(q, { n: 10, f }, 'SERVICE_AGENT');
    expect(ok(small).cases.edges).toHaveLength(2);
    const edges = ok(large).cases.edges;
    expect(edges).toHaveLength(10);
    for (const e of edges) {
      expect(e.node.customer.id).toMatch(/^cus_/);
      expect(e.node.assignee.id).toMatch(/^usr_/);
      expect(e.node.comments.totalCount).toBe(2);
      expect(e.node.comments.edges.map((c: any) => c.node.author.id).sort()).toEqual([adminId, agentId].sort());
    }
    const few = await t.countQueries(() => t.gql(q, { n: 2, f }, 'SERVICE_AGENT'));
    const many = await t.countQueries(() => t.gql(q, { n: 10, f }, 'SERVICE_AGENT'));
    expect(many).toBe(few);
  });
});

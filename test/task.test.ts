import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Tasks and agendas through HTTP: the mutations with their payload errors, who may assign to whom,
 * the agenda range and scope, the overdue flag, reminders for a notifier, and the statement count of
 * an agenda page. Each block works in its own time window so the blocks do not see each other's tasks.
 */

let t: TestApp;
const ids: Record<string, string> = {};

const ok = (res: GqlResult) => {
  if (res.status !== 200 || res.body.errors) throw new Error(`unexpected response ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  return res.body.data;
};

const TASK = `id title type status dueAt remindAt notes completedAt createdAt updatedAt version overdue
  assignee { id } assignedBy { id } customer { id } contact { id } opportunity { id }`;
const PAYLOAD = `task { ${TASK} } errors { code message field }`;
const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { ${PAYLOAD} } }`;
const COMPLETE = `mutation($input: CompleteTaskInput!) { completeTask(input: $input) { ${PAYLOAD} } }`;
const CANCEL = `mutation($input: CancelTaskInput!) { cancelTask(input: $input) { ${PAYLOAD} } }`;
const MY_AGENDA = `query($from: DateTime!, $to: DateTime!, $first: Int, $after: String, $status: [TaskStatus!]) {
  myAgenda(from: $from, to: $to, first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id title dueAt status overdue assignee { id } } } } }`;
const AGENDA = `query($userId: ID!, $from: DateTime!, $to: DateTime!) {
  agenda(userId: $userId, from: $from, to: $to, first: 100) { totalCount edges { node { id dueAt assignee { id } } } } }`;
const TASKS = `query($filter: TaskFilter, $orderBy: [TaskOrderBy!], $first: Int) {
  tasks(filter: $filter, orderBy: $orderBy, first: $first) { totalCount edges { node { id title status overdue dueAt assignee { id } } } } }`;
const REMINDERS = `query($now: DateTime) { dueReminders(now: $now, first: 100) { totalCount edges { node { id status remindAt assignee { id } } } } }`;

const DAY = 86_400_000;
const iso = (ms: number | string) => new Date(ms).toISOString();
const newOppId = () => `opp_${randomUUID().replace(/-/g, '')}`;

async function create(who: Who, input: Record<string, unknown>) {
  return ok(await t.gql(CREATE, { input }, who)).createTask as { task: any; errors: any[] };
}

async function createOk(who: Who, input: Record<string, unknown>) {
  const res = await create(who, input);
  expect(res.errors).toEqual([]);
  return res.task;
}

const taskCount = async () => (await t.sql<{ n: number }>('select count(*)::int as n from task'))[0].n;

async function createKey(role: 'INTEGRATION' | 'PARTNER', scopes: string[]): Promise<string> {
  const input: Record<string, unknown> = { name: `tasks ${role} ${scopes.join(' ')}`, role, scopes };
  if (role === 'PARTNER') input.partnerCustomerId = ids.partnerCustomer;
  const res = ok(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field message } } }', { input }, 'ADMIN')).createApiKey;
  expect(res.errors).toEqual([]);
  return res.secret;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  const first = async (text: string, params: unknown[]) => (await t.sql<{ id: string }>(`${text} order by created_at, id limit 1`, params))[0].id;
  ids.rep1Customer = await first('select id from customer where owner_id = ? and not is_partner', [ids.rep1]);
  ids.rep1Customer2 = await first('select id from customer where owner_id = ? and id <> ?', [ids.rep1, ids.rep1Customer]);
  ids.rep2Customer = await first('select id from customer where owner_id = ?', [ids.rep2]);
  ids.rep1Contact = await first('select id from contact where customer_id = ?', [ids.rep1Customer]);
  ids.rep1Contact2 = await first('select id from contact where customer_id = ?', [ids.rep1Customer2]);
  ids.rep2Contact = await first('select id from contact where customer_id = ?', [ids.rep2Customer]);
  ids.partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  // Opportunities are another domain: a plain row is enough to link tasks to.
  ids.rep1Opp = newOppId();
  ids.rep2Opp = newOppId();
  for (const [id, customer, owner] of [[ids.rep1Opp, ids.rep1Customer, ids.rep1], [ids.rep2Opp, ids.rep2Customer, ids.rep2]]) {
    await t.sql(`insert into opportunity (id, customer_id, name, amount, probability, expected_close_date, owner_id)
      values (?, ?, 'Fleet renewal', 1000, 10, '2030-06-30', ?)`, [id, customer, owner]);
  }
});
afterAll(async () => { await t.close(); });

// ------------------------------------------------------------------------------------------ createTask

describe('createTask', () => {
  const due = iso('2030-05-01T09:00:00Z');

  test('a rep creates a task for themselves, linked to their customer, contact and opportunity', async () => {
    const task = await createOk('SALES_REP', {
      title: '  Call about the renewal ', type: 'CALL', dueAt: due, remindAt: iso('2030-05-01T08:45:00Z'),
      customerId: ids.rep1Customer, contactId: ids.rep1Contact, opportunityId: ids.rep1Opp, notes: 'Ask for the fleet size',
    });
    expect(task).toMatchObject({
      id: expect.stringMatching(/^tsk_[0-9a-f]{32}$/), title: 'Call about the renewal', type: 'CALL', status: 'OPEN', dueAt: '2030-05-01T09:00:00.000Z',
      remindAt: '2030-05-01T08:45:00.000Z', notes: 'Ask for the fleet size', completedAt: null, version: 1, overdue: false,
      assignee: { id: ids.rep1 }, assignedBy: { id: ids.rep1 }, customer: { id: ids.rep1Customer }, contact: { id: ids.rep1Contact },
    });
    const [row] = await t.sql<any>('select assignee_id, assigned_by_id, customer_id, contact_id, opportunity_id, status from task where id = ?', [task.id]);
    expect(row).toEqual({ assignee_id: ids.rep1, assigned_by_id: ids.rep1, customer_id: ids.rep1Customer, contact_id: ids.rep1Contact, opportunity_id: ids.rep1Opp, status: 'OPEN' });
    // read back by id and through node()
    const byId = ok(await t.gql(`query($id: ID!) { task(id: $id) { id title } node(id: $id) { ... on Task { id dueAt } } }`, { id: task.id }, 'SALES_REP'));
    expect(byId).toEqual({ task: { id: task.id, title: 'Call about the renewal' }, node: { id: task.id, dueAt: '2030-05-01T09:00:00.000Z' } });
  });

  test('the opportunity is readable through the task when the caller may see it', async () => {
    const task = await createOk('SALES_REP', { title: 'Send the proposal', type: 'EMAIL', dueAt: due, opportunityId: ids.rep1Opp });
    const read = ok(await t.gql('query($id: ID!) { task(id: $id) { opportunity { id name } } }', { id: task.id }, 'SALES_REP'));
    expect(read.task.opportunity).toEqual({ id: ids.rep1Opp, name: 'Fleet renewal' });
  });

  test('the customer defaults to the contact\'s (or the opportunity\'s)', async () => {
    const viaContact = await createOk('SALES_REP', { title: 'Visit', type: 'VISIT', dueAt: due, contactId: ids.rep1Contact2 });
    expect(viaContact.customer).toEqual({ id: ids.rep1Customer2 });
    const viaOpp = await createOk('SALES_REP', { title: 'Follow up', type: 'FOLLOW_UP', dueAt: due, opportunityId: ids.rep1Opp });
    const [row] = await t.sql<{ customer_id: string }>('select customer_id from task where id = ?', [viaOpp.id]);
    expect(row.customer_id).toBe(ids.rep1Customer);
    expect(viaOpp.customer).toEqual({ id: ids.rep1Customer });
  });

  test('a task needs no linked record and no reminder', async () => {
    const task = await createOk('FINANCE', { title: 'Month-end check', type: 'OTHER', dueAt: due });
    expect(task).toMatchObject({ remindAt: null, customer: null, contact: null, opportunity: null, assignee: { id: ids.finance }, assignedBy: { id: ids.finance } });
  });

  test('validation names the field, and nothing is written', async () => {
    const before = await taskCount();
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ title: '   ' }, 'VALIDATION', ['input', 'title']],
      [{ title: 'x'.repeat(201) }, 'VALIDATION', ['input', 'title']],
      [{ remindAt: iso('2030-05-01T09:00:00.001Z') }, 'VALIDATION', ['input', 'remindAt']],
      [{ customerId: 'cus_nope' }, 'VALIDATION', ['input', 'customerId']],
      [{ assigneeId: 'someone' }, 'VALIDATION', ['input', 'assigneeId']],
      [{ notes: 'n'.repeat(4001) }, 'VALIDATION', ['input', 'notes']],
    ];
    for (const [change, code, field] of cases) {
      const res = await create('SALES_REP', { title: 'Valid', type: 'CALL', dueAt: due, ...change });
      expect(res.task).toBeNull();
      expect(res.errors).toEqual([{ code, field, message: expect.any(String) }]);
    }
    // a reminder exactly at the due time is fine
    await createOk('SALES_REP', { title: 'Reminder at due time', type: 'CALL', dueAt: due, remindAt: due });
    expect(await taskCount()).toBe(before + 1);
  });

  test('a bad enum or timestamp is a GraphQL input error', async () => {
    const res = await t.gql(CREATE, { input: { title: 'x', type: 'DANCE', dueAt: due } }, 'SALES_REP');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    const res2 = await t.gql(CREATE, { input: { title: 'x', type: 'CALL', dueAt: 'tomorrow' } }, 'SALES_REP');
    expect(codes(res2)).toEqual(['BAD_USER_INPUT']);
  });

  test('linked records must be visible to the caller, and belong together', async () => {
    const before = await taskCount();
    const base = { title: 'Linked', type: 'CALL', dueAt: due };
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ customerId: ids.rep2Customer }, 'NOT_FOUND', ['input', 'customerId']],
      [{ contactId: ids.rep2Contact }, 'NOT_FOUND', ['input', 'contactId']],
      [{ opportunityId: ids.rep2Opp }, 'NOT_FOUND', ['input', 'opportunityId']],
      [{ opportunityId: newOppId() }, 'NOT_FOUND', ['input', 'opportunityId']],
      [{ customerId: ids.rep1Customer, contactId: ids.rep1Contact2 }, 'VALIDATION', ['input', 'contactId']],
      [{ customerId: ids.rep1Customer2, opportunityId: ids.rep1Opp }, 'VALIDATION', ['input', 'opportunityId']],
      [{ contactId: ids.rep1Contact2, opportunityId: ids.rep1Opp }, 'VALIDATION', ['input', 'opportunityId']],
    ];
    for (const [change, code, field] of cases) {
      const res = await create('SALES_REP', { ...base, ...change });
      expect({ change, task: res.task, errors: res.errors }).toEqual({ change, task: null, errors: [{ code, field, message: expect.any(String) }] });
    }
    expect(await taskCount()).toBe(before);
    // the manager sees rep2's records, so the same links work for them
    const task = await createOk('SALES_MANAGER', { ...base, customerId: ids.rep2Customer, contactId: ids.rep2Contact, opportunityId: ids.rep2Opp });
    expect(task.customer).toEqual({ id: ids.rep2Customer });
  });
});

// ----------------------------------------------------------------------------------------- assignment

describe('who may assign to whom', () => {
  const due = iso('2030-06-01T09:00:00Z');
  const input = (assigneeId: string) => ({ title: 'Assigned', type: 'FOLLOW_UP', dueAt: due, assigneeId });

  test('a manager assigns to a rep in their team; assignedBy is the manager', async () => {
    const task = await createOk('SALES_MANAGER', input(ids.rep1));
    expect(task).toMatchObject({ assignee: { id: ids.rep1 }, assignedBy: { id: ids.manager } });
    // the rep sees it as their own
    const mine = ok(await t.gql('query($id: ID!) { task(id: $id) { id assignee { id } } }', { id: task.id }, 'SALES_REP'));
    expect(mine.task.assignee.id).toBe(ids.rep1);
  });

  test('a manager cannot assign outside their team (NOT_FOUND, never a hint)', async () => {
    const before = await taskCount();
    for (const outsider of [ids.finance, ids.admin, randomUserId()]) {
      const res = await create('SALES_MANAGER', input(outsider));
      expect(res).toEqual({ task: null, errors: [{ code: 'NOT_FOUND', field: ['input', 'assigneeId'], message: expect.any(String) }] });
    }
    expect(await taskCount()).toBe(before);
  });

  test('a rep may only assign to themselves', async () => {
    const res = await create('SALES_REP', input(ids.rep2));
    expect(res).toEqual({ task: null, errors: [{ code: 'FORBIDDEN', field: ['input', 'assigneeId'], message: expect.any(String) }] });
    const other = await create('SERVICE_AGENT', input(ids.rep1));
    expect(other.errors.map((e: any) => e.code)).toEqual(['FORBIDDEN']);
    const self = await createOk('SALES_REP', input(ids.rep1));
    expect(self.assignee.id).toBe(ids.rep1);
  });

  test('ADMIN assigns to any active user, but not to a deactivated one or a partner login', async () => {
    const task = await createOk('ADMIN', input(ids.finance));
    expect(task).toMatchObject({ assignee: { id: ids.finance }, assignedBy: { id: ids.admin } });
    const made = ok(await t.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } errors { message } } }',
      { input: { email: 'leaver@demo.crm', password: 'demo12345', name: 'Lee Leaver', role: 'SALES_REP', managerId: ids.manager } }, 'ADMIN')).createUser;
    expect(made.errors).toEqual([]);
    const off = ok(await t.gql('mutation($input: UpdateUserInput!) { updateUser(input: $input) { errors { message } } }', { input: { id: made.user.id, active: false } }, 'ADMIN'));
    expect(off.updateUser.errors).toEqual([]);
    for (const [who, assignee] of [['ADMIN', made.user.id], ['SALES_MANAGER', made.user.id], ['ADMIN', ids.partner]] as const) {
      const res = await create(who, input(assignee));
      expect(res).toEqual({ task: null, errors: [{ code: 'VALIDATION', field: ['input', 'assigneeId'], message: expect.any(String) }] });
    }
  });
});

function randomUserId() {
  return `usr_${randomUUID().replace(/-/g, '')}`;
}

// ------------------------------------------------------------------------------------------ updateTask

describe('updateTask', () => {
  const due = iso('2030-07-01T09:00:00Z');

  test('changes fields and bumps the version', async () => {
    const task = await createOk('SALES_REP', { title: 'Draft', type: 'CALL', dueAt: due, remindAt: iso('2030-07-01T08:00:00Z'), notes: 'n' });
    const res = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, title: 'Final', type: 'MEETING', dueAt: iso('2030-07-02T10:00:00Z'), remindAt: null, notes: null, customerId: ids.rep1Customer } }, 'SALES_REP')).updateTask;
    expect(res.errors).toEqual([]);
    expect(res.task).toMatchObject({ title: 'Final', type: 'MEETING', dueAt: '2030-07-02T10:00:00.000Z', remindAt: null, notes: null, version: 2, customer: { id: ids.rep1Customer } });
    // an update that changes nothing keeps the version
    const same = ok(await t.gql(UPDATE, { input: { id: task.id, version: 2, title: 'Final' } }, 'SALES_REP')).updateTask;
    expect(same.task.version).toBe(2);
    // a stale version is a CONFLICT
    const stale = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, title: 'Lost update' } }, 'SALES_REP')).updateTask;
    expect(stale).toEqual({ task: null, errors: [{ code: 'CONFLICT', field: ['input', 'version'], message: expect.any(String) }] });
    const [row] = await t.sql<{ title: string; version: number }>('select title, version from task where id = ?', [task.id]);
    expect(row).toEqual({ title: 'Final', version: 2 });
  });

  test('the reminder rule holds on the result: the offending field is named', async () => {
    const task = await createOk('SALES_REP', { title: 'Rule', type: 'CALL', dueAt: due, remindAt: iso('2030-07-01T08:00:00Z') });
    const late = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, remindAt: iso('2030-07-01T09:30:00Z') } }, 'SALES_REP')).updateTask;
    expect(late.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'remindAt'], message: expect.any(String) }]);
    const early = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, dueAt: iso('2030-07-01T07:00:00Z') } }, 'SALES_REP')).updateTask;
    expect(early.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'dueAt'], message: expect.any(String) }]);
    const nulls = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, title: null } }, 'SALES_REP')).updateTask;
    expect(nulls.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'title'], message: expect.any(String) }]);
    const link = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, customerId: ids.rep1Customer, contactId: ids.rep2Contact } }, 'SALES_REP')).updateTask;
    expect(link.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'contactId'], message: expect.any(String) }]);
    const mismatch = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, customerId: ids.rep1Customer, contactId: ids.rep1Contact2 } }, 'SALES_REP')).updateTask;
    expect(mismatch.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'contactId'], message: expect.any(String) }]);
    const [row] = await t.sql<{ version: number; customer_id: string | null }>('select version, customer_id from task where id = ?', [task.id]);
    expect(row).toEqual({ version: 1, customer_id: null });
  });

  test('reassigning follows the assignment rule; the reassigner becomes assignedBy', async () => {
    const task = await createOk('SALES_REP', { title: 'Hand over', type: 'CALL', dueAt: due });
    const byRep = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, assigneeId: ids.rep2 } }, 'SALES_REP')).updateTask;
    expect(byRep.errors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'assigneeId'], message: expect.any(String) }]);
    const outside = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, assigneeId: ids.finance } }, 'SALES_MANAGER')).updateTask;
    expect(outside.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'assigneeId'], message: expect.any(String) }]);
    const byManager = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, assigneeId: ids.rep2 } }, 'SALES_MANAGER')).updateTask;
    expect(byManager.errors).toEqual([]);
    expect(byManager.task).toMatchObject({ assignee: { id: ids.rep2 }, assignedBy: { id: ids.manager }, version: 2 });
    // now rep1 no longer sees it; rep2 does
    const gone = await t.gql('query($id: ID!) { task(id: $id) { id } }', { id: task.id }, 'SALES_REP');
    expect(ok(gone).task).toBeNull();
    const theirs = ok(await t.gql('query($id: ID!) { task(id: $id) { id } }', { id: task.id }, 'SALES_REP_2'));
    expect(theirs.task.id).toBe(task.id);
  });

  test('someone else\'s task does not exist for the caller', async () => {
    const task = await createOk('SALES_REP', { title: 'Mine', type: 'CALL', dueAt: due });
    for (const who of ['SALES_REP_2', 'FINANCE'] as const) {
      const res = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, title: 'Theirs' } }, who)).updateTask;
      expect(res).toEqual({ task: null, errors: [{ code: 'NOT_FOUND', field: ['input', 'id'], message: expect.any(String) }] });
      const done = ok(await t.gql(COMPLETE, { input: { id: task.id } }, who)).completeTask;
      expect(done.errors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    }
    // the manager of rep1 and ADMIN may change it
    const res = ok(await t.gql(UPDATE, { input: { id: task.id, version: 1, title: 'Checked by manager' } }, 'SALES_MANAGER')).updateTask;
    expect(res.errors).toEqual([]);
    const res2 = ok(await t.gql(UPDATE, { input: { id: task.id, version: 2, title: 'Checked by admin' } }, 'ADMIN')).updateTask;
    expect(res2.task.version).toBe(3);
  });
});

// ------------------------------------------------------------------------------- completeTask, cancelTask

describe('completeTask and cancelTask', () => {
  const past = () => iso(Date.now() - 2 * DAY);

  test('complete: DONE, completedAt set, no longer overdue; a closed task cannot be closed or changed', async () => {
    const task = await createOk('SALES_REP', { title: 'Overdue call', type: 'CALL', dueAt: past(), notes: 'before' });
    expect(task.overdue).toBe(true);
    const stale = ok(await t.gql(COMPLETE, { input: { id: task.id, version: 7 } }, 'SALES_REP')).completeTask;
    expect(stale.errors).toEqual([{ code: 'CONFLICT', field: ['input', 'version'], message: expect.any(String) }]);
    const started = Date.now();
    const done = ok(await t.gql(COMPLETE, { input: { id: task.id, version: 1, notes: 'Reached the buyer' } }, 'SALES_REP')).completeTask;
    expect(done.errors).toEqual([]);
    expect(done.task).toMatchObject({ status: 'DONE', overdue: false, notes: 'Reached the buyer', version: 2 });
    expect(new Date(done.task.completedAt).getTime()).toBeGreaterThanOrEqual(started - 1000);

    for (const [mutation, name] of [[COMPLETE, 'completeTask'], [CANCEL, 'cancelTask']] as const) {
      const again = ok(await t.gql(mutation, { input: { id: task.id } }, 'SALES_REP'))[name];
      expect(again).toEqual({ task: null, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'id'], message: expect.any(String) }] });
    }
    const edit = ok(await t.gql(UPDATE, { input: { id: task.id, version: 2, title: 'Edited' } }, 'SALES_REP')).updateTask;
    expect(edit.errors).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'id'], message: expect.any(String) }]);
    const [row] = await t.sql<{ status: string; title: string }>('select status, title from task where id = ?', [task.id]);
    expect(row).toEqual({ status: 'DONE', title: 'Overdue call' });
  });

  test('cancel: CANCELLED with completedAt; notes stay unless given', async () => {
    const task = await createOk('SALES_REP', { title: 'Maybe visit', type: 'VISIT', dueAt: past(), notes: 'keep me' });
    const res = ok(await t.gql(CANCEL, { input: { id: task.id } }, 'SALES_REP')).cancelTask;
    expect(res.errors).toEqual([]);
    expect(res.task).toMatchObject({ status: 'CANCELLED', overdue: false, notes: 'keep me', completedAt: expect.any(String) });
    const done = ok(await t.gql(COMPLETE, { input: { id: task.id } }, 'SALES_REP')).completeTask;
    expect(done.errors.map((e: any) => e.code)).toEqual(['BUSINESS_RULE']);
  });

  test('a malformed id is a VALIDATION error on the field', async () => {
    const res = ok(await t.gql(COMPLETE, { input: { id: 'tsk_1' } }, 'SALES_REP')).completeTask;
    expect(res).toEqual({ task: null, errors: [{ code: 'VALIDATION', field: ['input', 'id'], message: expect.any(String) }] });
  });
});

// ----------------------------------------------------------------------------------------------- agenda

describe('agenda', () => {
  const FROM = Date.parse('2031-03-01T00:00:00.000Z');
  const TO = Date.parse('2031-03-02T00:00:00.000Z');
  const made: Record<string, string> = {};

  beforeAll(async () => {
    const mk = async (who: Who, key: string, dueAt: number, assigneeId?: string) => {
      made[key] = (await createOk(who, { title: key, type: 'CALL', dueAt: iso(dueAt), ...(assigneeId ? { assigneeId } : {}) })).id;
    };
    // rep2's day: the boundaries, and two tasks at the same time (ordered by id)
    await mk('SALES_REP_2', 'beforeFrom', FROM - 1);
    await mk('SALES_REP_2', 'atFrom', FROM);
    await mk('SALES_REP_2', 'noonA', FROM + DAY / 2);
    await mk('SALES_REP_2', 'noonB', FROM + DAY / 2);
    await mk('SALES_REP_2', 'justBeforeTo', TO - 1);
    await mk('SALES_REP_2', 'atTo', TO);
    // rep1's task the same day, and finance's
    await mk('SALES_REP', 'rep1Day', FROM + 3_600_000);
    await mk('FINANCE', 'financeDay', FROM + 3_600_000);
  });

  test('myAgenda: tasks due in [from, to), by due time then id', async () => {
    const data = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), first: 50 }, 'SALES_REP_2')).myAgenda;
    const noon = [made.noonA, made.noonB].sort();
    expect(data.edges.map((e: any) => e.node.id)).toEqual([made.atFrom, ...noon, made.justBeforeTo]);
    expect(data.totalCount).toBe(4);
    expect(data.edges.every((e: any) => e.node.assignee.id === ids.rep2)).toBe(true);
  });

  test('pages through the agenda with cursors', async () => {
    const p1 = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), first: 3 }, 'SALES_REP_2')).myAgenda;
    expect(p1.edges).toHaveLength(3);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), first: 3, after: p1.pageInfo.endCursor }, 'SALES_REP_2')).myAgenda;
    expect(p2.edges.map((e: any) => e.node.id)).toEqual([made.justBeforeTo]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });

  test('filters by status', async () => {
    const task = await createOk('SALES_REP_2', { title: 'done one', type: 'CALL', dueAt: iso(FROM + 7_200_000) });
    ok(await t.gql(COMPLETE, { input: { id: task.id } }, 'SALES_REP_2'));
    const open = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), status: ['OPEN'] }, 'SALES_REP_2')).myAgenda;
    expect(open.edges.map((e: any) => e.node.id)).not.toContain(task.id);
    expect(open.totalCount).toBe(4);
    const done = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), status: ['DONE'] }, 'SALES_REP_2')).myAgenda;
    expect(done.edges.map((e: any) => e.node.id)).toEqual([task.id]);
    const all = ok(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO) }, 'SALES_REP_2')).myAgenda;
    expect(all.totalCount).toBe(5);
    await t.sql('delete from task where id = ?', [task.id]); // the other tests count this day's tasks
  });

  test('a manager reads the agenda of anyone in their team; ADMIN anyone\'s', async () => {
    const rep2 = ok(await t.gql(AGENDA, { userId: ids.rep2, from: iso(FROM), to: iso(TO) }, 'SALES_MANAGER')).agenda;
    expect(rep2.totalCount).toBe(4);
    expect(rep2.edges.every((e: any) => e.node.assignee.id === ids.rep2)).toBe(true);
    const rep1 = ok(await t.gql(AGENDA, { userId: ids.rep1, from: iso(FROM), to: iso(TO) }, 'SALES_MANAGER')).agenda;
    expect(rep1.edges.map((e: any) => e.node.id)).toEqual([made.rep1Day]);
    const fin = ok(await t.gql(AGENDA, { userId: ids.finance, from: iso(FROM), to: iso(TO) }, 'ADMIN')).agenda;
    expect(fin.edges.map((e: any) => e.node.id)).toEqual([made.financeDay]);
    // one's own agenda through `agenda` too
    const own = ok(await t.gql(AGENDA, { userId: ids.rep1, from: iso(FROM), to: iso(TO) }, 'SALES_REP')).agenda;
    expect(own.totalCount).toBe(1);
  });

  test('outside the scope the user does not exist: NOT_FOUND', async () => {
    const cases: [Who, string][] = [
      ['SALES_REP', ids.rep2], ['SALES_REP_2', ids.rep1], ['SALES_MANAGER', ids.finance], ['SALES_MANAGER', ids.admin],
      ['FINANCE', ids.rep1], ['SALES_MANAGER', randomUserId()],
    ];
    for (const [who, userId] of cases) {
      const res = await t.gql(AGENDA, { userId, from: iso(FROM), to: iso(TO) }, who);
      expect({ who, codes: codes(res), data: res.body.data }).toEqual({ who, codes: ['NOT_FOUND'], data: null });
    }
  });

  test('an empty or reversed range, or an oversized page, is BAD_USER_INPUT', async () => {
    for (const [from, to] of [[FROM, FROM], [TO, FROM]]) {
      expect(codes(await t.gql(MY_AGENDA, { from: iso(from), to: iso(to) }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
    }
    expect(codes(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), first: 101 }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(MY_AGENDA, { from: iso(FROM), to: iso(TO), after: 'bogus' }, 'SALES_REP'))).toEqual(['BAD_USER_INPUT']);
  });
});

// ------------------------------------------------------------------------------ tasks, overdue, scope

describe('tasks list and the overdue flag', () => {
  const made: Record<string, string> = {};

  beforeAll(async () => {
    const now = Date.now();
    const mk = async (who: Who, key: string, input: Record<string, unknown>) => {
      made[key] = (await createOk(who, { title: `list ${key}`, type: 'CALL', ...input })).id;
    };
    await mk('SALES_REP', 'pastOpen', { dueAt: iso(now - 3 * DAY), customerId: ids.rep1Customer2 });
    await mk('SALES_REP', 'pastDone', { dueAt: iso(now - 3 * DAY), customerId: ids.rep1Customer2 });
    await mk('SALES_REP', 'pastCancelled', { dueAt: iso(now - 3 * DAY), type: 'VISIT' });
    await mk('SALES_REP', 'futureOpen', { dueAt: iso(now + 3 * DAY), type: 'COLLECTION', customerId: ids.rep1Customer2 });
    await mk('SALES_REP_2', 'rep2PastOpen', { dueAt: iso(now - 3 * DAY) });
    ok(await t.gql(COMPLETE, { input: { id: made.pastDone } }, 'SALES_REP'));
    ok(await t.gql(CANCEL, { input: { id: made.pastCancelled } }, 'SALES_REP'));
  });

  const list = async (who: Who, filter: Record<string, unknown>) =>
    ok(await t.gql(TASKS, { filter: { ...filter, title: { startsWith: 'list ' } }, first: 100 }, who)).tasks;
  const idsOf = (conn: any) => conn.edges.map((e: any) => e.node.id).sort();

  test('overdue: OPEN and past due; DONE, CANCELLED and future tasks are not', async () => {
    const all = await list('SALES_REP', {});
    const flag = Object.fromEntries(all.edges.map((e: any) => [e.node.id, e.node.overdue]));
    expect(flag).toEqual({ [made.pastOpen]: true, [made.pastDone]: false, [made.pastCancelled]: false, [made.futureOpen]: false });
    expect(idsOf(await list('SALES_REP', { overdue: { eq: true } }))).toEqual([made.pastOpen]);
    expect(idsOf(await list('SALES_REP', { overdue: { eq: false } }))).toEqual([made.pastDone, made.pastCancelled, made.futureOpen].sort());
  });

  test('filters: status, type, dueAt range, customerId, assigneeId', async () => {
    const now = Date.now();
    expect(idsOf(await list('SALES_REP', { status: { eq: 'DONE' } }))).toEqual([made.pastDone]);
    expect(idsOf(await list('SALES_REP', { status: { in: ['DONE', 'CANCELLED'] } }))).toEqual([made.pastDone, made.pastCancelled].sort());
    expect(idsOf(await list('SALES_REP', { type: { eq: 'COLLECTION' } }))).toEqual([made.futureOpen]);
    expect(idsOf(await list('SALES_REP', { dueAt: { gte: iso(now), lt: iso(now + 10 * DAY) } }))).toEqual([made.futureOpen]);
    expect(idsOf(await list('SALES_REP', { customerId: { eq: ids.rep1Customer2 } }))).toEqual([made.pastOpen, made.pastDone, made.futureOpen].sort());
    expect(idsOf(await list('SALES_MANAGER', { assigneeId: { eq: ids.rep2 } }))).toEqual([made.rep2PastOpen]);
    expect(idsOf(await list('SALES_MANAGER', { overdue: { eq: true } }))).toEqual([made.pastOpen, made.rep2PastOpen].sort());
  });

  test('ordering by due time, descending', async () => {
    const res = ok(await t.gql(TASKS, { filter: { title: { startsWith: 'list ' } }, orderBy: [{ field: 'DUE_AT', direction: 'DESC' }], first: 100 }, 'SALES_REP')).tasks;
    const dues = res.edges.map((e: any) => Date.parse(e.node.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => b - a));
    expect(res.edges[0].node.id).toBe(made.futureOpen);
  });

  test('scope: a rep their own, a manager the team\'s, other staff their own, ADMIN all', async () => {
    expect(idsOf(await list('SALES_REP', {}))).toEqual([made.pastOpen, made.pastDone, made.pastCancelled, made.futureOpen].sort());
    expect(idsOf(await list('SALES_REP_2', {}))).toEqual([made.rep2PastOpen]);
    expect((await list('SALES_MANAGER', {})).totalCount).toBe(5);
    expect((await list('ADMIN', {})).totalCount).toBe(5);
    expect((await list('FINANCE', {})).totalCount).toBe(0);
    // filtering for someone else's tasks finds nothing
    expect((await list('SALES_REP', { assigneeId: { eq: ids.rep2 } })).totalCount).toBe(0);
    // by id: null for an outsider, null in nodes()
    const res = await t.gql('query($id: ID!) { task(id: $id) { id } }', { id: made.pastOpen }, 'SALES_REP_2');
    expect(ok(res).task).toBeNull();
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: made.pastOpen }, 'FINANCE')).node).toBeNull();
    const nodes = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [made.pastOpen, made.rep2PastOpen] }, 'SALES_REP_2'));
    expect(nodes.nodes).toEqual([null, { id: made.rep2PastOpen }]);
    const mgr = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [made.pastOpen, made.rep2PastOpen] }, 'SALES_MANAGER'));
    expect(mgr.nodes).toEqual([{ id: made.pastOpen }, { id: made.rep2PastOpen }]);
  });

  test('Customer.tasks: the visible tasks on a customer, soonest first', async () => {
    const q = `query($id: ID!, $status: [TaskStatus!]) { customer(id: $id) { tasks(first: 10, status: $status) { totalCount edges { node { id dueAt } } } } }`;
    const ours = (conn: any) => conn.edges.map((e: any) => e.node.id).filter((id: string) => Object.values(made).includes(id)).sort();
    const rep = ok(await t.gql(q, { id: ids.rep1Customer2 }, 'SALES_REP')).customer.tasks;
    expect(ours(rep)).toEqual([made.pastOpen, made.pastDone, made.futureOpen].sort());
    const [stored] = await t.sql<{ n: number }>('select count(*)::int as n from task where customer_id = ? and assignee_id = ?', [ids.rep1Customer2, ids.rep1]);
    expect(rep.totalCount).toBe(stored.n);
    const dues = rep.edges.map((e: any) => Date.parse(e.node.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const open = ok(await t.gql(q, { id: ids.rep1Customer2, status: ['OPEN'] }, 'SALES_REP')).customer.tasks;
    expect(ours(open)).toEqual([made.pastOpen, made.futureOpen].sort());
    // FINANCE sees the customer but none of rep1's tasks on it
    const fin = ok(await t.gql(q, { id: ids.rep1Customer2 }, 'FINANCE')).customer.tasks;
    expect(fin).toEqual({ totalCount: 0, edges: [] });
  });
});

// ---------------------------------------------------------------------------------------- reminders

describe('dueReminders', () => {
  const NOW = '2020-01-01T00:00:00.000Z';
  const made: Record<string, string> = {};

  beforeAll(async () => {
    const mk = async (who: Who, key: string, remindAt: string | null, dueAt = '2020-01-03T00:00:00Z') => {
      made[key] = (await createOk(who, { title: `reminder ${key}`, type: 'CALL', dueAt, remindAt })).id;
    };
    await mk('SALES_REP', 'rep1Due', '2019-12-31T09:00:00Z');
    await mk('SALES_REP', 'rep1AtNow', NOW);
    await mk('SALES_REP', 'rep1Later', '2020-01-02T09:00:00Z');
    await mk('SALES_REP', 'rep1NoReminder', null);
    await mk('SALES_REP', 'rep1Done', '2019-12-30T09:00:00Z');
    await mk('SALES_REP', 'rep1Cancelled', '2019-12-30T09:00:00Z');
    await mk('SALES_REP_2', 'rep2Due', '2019-12-31T10:00:00Z');
    ok(await t.gql(COMPLETE, { input: { id: made.rep1Done } }, 'SALES_REP'));
    ok(await t.gql(CANCEL, { input: { id: made.rep1Cancelled } }, 'SALES_REP'));
  });

  const reminders = async (who: Who | Caller, now: string | null = NOW) => ok(await t.gql(REMINDERS, { now }, who)).dueReminders;
  const ours = (conn: any) => conn.edges.map((e: any) => e.node.id).filter((id: string) => Object.values(made).includes(id));

  test('only OPEN tasks whose reminder is at or before now, oldest reminder first', async () => {
    const all = await reminders('ADMIN');
    expect(ours(all)).toEqual([made.rep1Due, made.rep2Due, made.rep1AtNow]);
    for (const e of all.edges) {
      expect(e.node.status).toBe('OPEN');
      expect(Date.parse(e.node.remindAt)).toBeLessThanOrEqual(Date.parse(NOW));
    }
    // with the server's clock the later reminder is due too
    expect(ours(await reminders('ADMIN', null))).toEqual([made.rep1Due, made.rep2Due, made.rep1AtNow, made.rep1Later]);
  });

  test('users get their own reminders (a manager too)', async () => {
    expect(ours(await reminders('SALES_REP'))).toEqual([made.rep1Due, made.rep1AtNow]);
    expect(ours(await reminders('SALES_REP_2'))).toEqual([made.rep2Due]);
    const mgr = await reminders('SALES_MANAGER');
    expect(mgr.edges.every((e: any) => e.node.assignee.id === ids.manager)).toBe(true);
    expect(ours(mgr)).toEqual([]);
  });

  test('an API key with tasks:read polls everyone\'s; without the scope, or a PARTNER key: FORBIDDEN', async () => {
    const notifier = await createKey('INTEGRATION', ['tasks:read']);
    const res = await reminders({ apiKey: notifier });
    expect(ours(res)).toEqual([made.rep1Due, made.rep2Due, made.rep1AtNow]);
    // the notifier learns whom to notify, but nothing of the customer it cannot read
    const detail = ok(await t.gql(`{ dueReminders(first: 100) { edges { node { id title assignee { id email } customer { id } } } } }`, {}, { apiKey: notifier })).dueReminders;
    const one = detail.edges.find((e: any) => e.node.id === made.rep1Due).node;
    expect(one).toEqual({ id: made.rep1Due, title: 'reminder rep1Due', assignee: { id: ids.rep1, email: 'rep1@demo.crm' }, customer: null });
    // a tasks:read key reads nothing else of tasks
    for (const q of ['{ tasks(first: 1) { totalCount } }', '{ myAgenda(from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z") { totalCount } }']) {
      expect(codes(await t.gql(q, {}, { apiKey: notifier }))).toEqual(['FORBIDDEN']);
    }
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: made.rep1Due }, { apiKey: notifier })).node).toBeNull();

    const reader = await createKey('INTEGRATION', ['customers:read']);
    const denied = await t.gql(REMINDERS, { now: NOW }, { apiKey: reader });
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expect(denied.body.data?.dueReminders ?? null).toBeNull();
    // `tasks:read` is for INTEGRATION keys: a PARTNER key cannot hold it, and one with other scopes is refused.
    const refused = ok(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field } } }',
      { input: { name: 'partner notifier', role: 'PARTNER', scopes: ['tasks:read'], partnerCustomerId: ids.partnerCustomer } }, 'ADMIN')).createApiKey;
    expect(refused).toEqual({ secret: null, errors: [{ field: ['input', 'scopes', '0'] }] });
    const partnerKey = await createKey('PARTNER', ['customers:read', 'orders:write']);
    expect(codes(await t.gql(REMINDERS, { now: NOW }, { apiKey: partnerKey }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(REMINDERS, { now: NOW }, 'PARTNER'))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(REMINDERS, { now: NOW }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

// ------------------------------------------------------------------------------------ the role matrix

describe('permissions by role', () => {
  type Role9 = Who | 'INTEGRATION';
  const ROLES: Role9[] = ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER', 'INTEGRATION'];
  let key: string;
  beforeAll(async () => { key = await createKey('INTEGRATION', ['customers:read', 'customers:write']); });
  const as = (role: Role9): Who | Caller => (role === 'INTEGRATION' ? { apiKey: key } : role);

  //                                                                   ADMIN MGR REP SERV MKT FIN ANA PART INTEG
  const ROWS: { name: string; query: string; vars?: () => Record<string, unknown>; path: string[]; expect: string }[] = [
    { name: 'Query.myAgenda', query: '{ myAgenda(from: "2033-01-01T00:00:00Z", to: "2033-01-02T00:00:00Z") { totalCount } }', path: ['myAgenda'], expect: 'V V V V V V V F F' },
    { name: 'Query.tasks', query: '{ tasks(first: 1) { totalCount } }', path: ['tasks'], expect: 'V V V V V V V F F' },
    { name: 'Query.dueReminders', query: '{ dueReminders(first: 1) { totalCount } }', path: ['dueReminders'], expect: 'V V V V V V V F F' },
    {
      name: 'Mutation.createTask', path: ['createTask'], expect: 'V V V V V V V F F',
      query: 'mutation { createTask(input: { title: "matrix", type: OTHER, dueAt: "2033-01-01T10:00:00Z" }) { task { id assignee { id } } errors { code } } }',
    },
    {
      name: 'Customer.tasks (rep1\'s customer)', path: ['customer', 'tasks'], expect: 'V V V V V V V A F',
      query: 'query($id: ID!) { customer(id: $id) { id tasks(first: 1) { totalCount } } }', vars: () => ({ id: ids.rep1Customer }),
    },
    {
      name: 'Customer.tasks (the partner\'s own record)', path: ['customer', 'tasks'], expect: 'V V A V V V V F F',
      query: 'query($id: ID!) { customer(id: $id) { id tasks(first: 1) { totalCount } } }', vars: () => ({ id: ids.partnerCustomer }),
    },
  ];

  test.each(ROWS)('$name', async (row) => {
    const expected = row.expect.split(' ');
    for (const [i, role] of ROLES.entries()) {
      const res = await t.gql(row.query, row.vars?.() ?? {}, as(role));
      const value = row.path.reduce((v: any, k) => v?.[k], res.body.data);
      const got = codes(res).includes('FORBIDDEN') && value == null ? 'F'
        : !res.body.errors && res.body.data?.[row.path[0]] === null ? 'A'
          : value != null && !res.body.errors ? 'V' : `? ${JSON.stringify(res.body)}`;
      expect(`${role}: ${got}`).toBe(`${role}: ${expected[i]}`);
    }
  });

  test('createTask by a role that may not call it writes nothing', async () => {
    const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from task where title = 'matrix'`);
    expect(row.n).toBe(7);
  });
});

// ---------------------------------------------------------------------------------------------- N+1

describe('statements do not grow with the page', () => {
  const FROM = '2032-01-01T00:00:00.000Z';
  const TO = '2032-02-01T00:00:00.000Z';

  beforeAll(async () => {
    const customers = await t.sql<{ id: string; contact: string }>(`select c.id, (select k.id from contact k where k.customer_id = c.id order by k.id limit 1) as contact
      from customer c where c.owner_id = ? order by c.id`, [ids.rep1]);
    for (let i = 0; i < 50; i++) {
      const c = customers[i % customers.length];
      await t.sql(`insert into task (id, title, type, due_at, remind_at, assignee_id, assigned_by_id, customer_id, contact_id, opportunity_id)
        values (?, ?, 'CALL', ?, ?, ?, ?, ?, ?, ?)`, [
        `tsk_${randomUUID().replace(/-/g, '')}`, `bulk ${i}`, iso(Date.parse(FROM) + i * 3_600_000), iso(Date.parse(FROM) + i * 3_600_000 - 60_000),
        ids.rep1, i % 2 ? ids.manager : ids.rep1, c.id, c.contact, c.id === ids.rep1Customer ? ids.rep1Opp : null,
      ]);
    }
  });

  async function measure(query: string, variables: Record<string, unknown>, who: Who) {
    let data: any;
    const count = await t.countQueries(async () => { data = ok(await t.gql(query, variables, who)); });
    return { count, data };
  }

  test('a manager reads a rep\'s agenda with every relation: 5 and 50 rows, the same statements', async () => {
    const query = `query($n: Int, $u: ID!) { agenda(userId: $u, from: "${FROM}", to: "${TO}", first: $n) { totalCount edges { node {
      id overdue assignee { name } assignedBy { name } customer { id name owner { name } } contact { firstName customer { id } } opportunity { id } } } } }`;
    await t.gql(query, { n: 5, u: ids.rep1 }, 'SALES_MANAGER');
    await t.gql(query, { n: 50, u: ids.rep1 }, 'SALES_MANAGER');
    const small = await measure(query, { n: 5, u: ids.rep1 }, 'SALES_MANAGER');
    const large = await measure(query, { n: 50, u: ids.rep1 }, 'SALES_MANAGER');
    expect(small.data.agenda.edges).toHaveLength(5);
    expect(large.data.agenda.edges).toHaveLength(50);
    // both pages reach every relation (the first five tasks cover every customer, one of them with the opportunity)
    for (const run of [small, large]) {
      const nodes = run.data.agenda.edges.map((e: any) => e.node);
      expect(nodes.filter((n: any) => n.opportunity?.id === ids.rep1Opp).length).toBeGreaterThan(0);
      expect(nodes.every((n: any) => n.contact && n.customer && n.assignee.name)).toBe(true);
    }
    for (const { node } of large.data.agenda.edges) {
      expect(node.customer.owner.name).toEqual(expect.any(String));
      expect(node.contact.customer.id).toBe(node.customer.id);
      expect(node.assignedBy.name).toEqual(expect.any(String));
    }
    expect(new Set(large.data.agenda.edges.map((e: any) => e.node.customer.name)).size).toBeGreaterThan(1);
    expect(small.count).toBeGreaterThan(0);
    expect(large.count).toBe(small.count);
  });

  test('customers with their tasks: 2 and 4 customers, the same statements', async () => {
    const query = `query($n: Int) { customers(first: $n, filter: { ownerId: { eq: "${ids.rep1}" } }) { edges { node { id
      tasks(first: 20) { totalCount edges { node { id overdue assignee { name } contact { firstName } } } } } } } }`;
    await t.gql(query, { n: 2 }, 'SALES_REP');
    await t.gql(query, { n: 4 }, 'SALES_REP');
    const small = await measure(query, { n: 2 }, 'SALES_REP');
    const large = await measure(query, { n: 4 }, 'SALES_REP');
    expect(large.data.customers.edges).toHaveLength(4);
    expect(large.data.customers.edges.filter((e: any) => e.node.tasks.edges.length > 0).length).toBeGreaterThan(2);
    expect(large.count).toBe(small.count);
  });
});

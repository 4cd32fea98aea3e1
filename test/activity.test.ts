import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Activities through HTTP: logging with its validation rules, the record scope per role (rep / other
 * rep / manager / all-readers / roles that never see activities), who may change or delete one,
 * versions, soft delete, the customer's `lastContactedAt`, lists with filters and cursor walks, the
 * nested `Customer.activities`, and the statement count of nested pages.
 */

let t: TestApp;
const userIds: Record<string, string> = {};
/** rep1's business customers A and B, rep2's business customer C, with a contact each. */
const fx = { A: '', B: '', C: '', contactA: '', contactB: '', contactC: '', oppA: '', oppB: '' };

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
const hex = () => randomUUID().replace(/-/g, '');

async function insertOpportunity(customerId: string, ownerId: string): Promise<string> {
  const id = `opp_${hex()}`;
  await t.sql(`insert into opportunity (id, customer_id, name, amount, stage, probability, expected_close_date, owner_id)
    values (?, ?, 'Deal', 1000, 'PROPOSAL', 60, '2027-01-31', ?)`, [id, customerId, ownerId]);
  return id;
}

beforeAll(async () => {
  t = await startTestApp();
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) userIds[u.email.split('@')[0]] = u.id;
  const business = (owner: string) => t.sql<{ id: string }>(`select id from customer where kind = 'BUSINESS' and not is_partner and owner_id = ?
    order by created_at, id limit 2`, [owner]);
  [{ id: fx.A }, { id: fx.B }] = await business(userIds.rep1);
  [{ id: fx.C }] = await business(userIds.rep2);
  const contactOf = async (customerId: string) => (await t.sql<{ id: string }>('select id from contact where customer_id = ? order by created_at, id limit 1', [customerId]))[0].id;
  fx.contactA = await contactOf(fx.A);
  fx.contactB = await contactOf(fx.B);
  fx.contactC = await contactOf(fx.C);
  fx.oppA = await insertOpportunity(fx.A, userIds.rep1);
  fx.oppB = await insertOpportunity(fx.B, userIds.rep1);
});
afterAll(async () => { await t.close(); });

const FIELDS = `id type direction subject body outcome durationMinutes occurredAt createdAt updatedAt version
  customer { id } contact { id } performedBy { id }`;
const LOG = `mutation($input: LogActivityInput!) { logActivity(input: $input) { activity { ${FIELDS} } errors { code message field } } }`;
const UPDATE = `mutation($input: UpdateActivityInput!) { updateActivity(input: $input) { activity { ${FIELDS} } errors { code message field } } }`;
const DELETE = 'mutation($input: ActivityIdInput!) { deleteActivity(input: $input) { activity { id } errors { code message field } } }';
const BY_ID = `query($id: ID!) { activity(id: $id) { ${FIELDS} } }`;
const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: ActivityFilter, $orderBy: [ActivityOrderBy!]) {
  activities(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id occurredAt } } } }`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const activityCount = async () => (await t.sql<{ n: number }>('select count(*)::int as n from activity'))[0].n;

async function log(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  const res = ok(await t.gql(LOG, { input: { customerId: fx.A, type: 'CALL', direction: 'OUTBOUND', subject: 'Checked in', ...input } }, who)).logActivity;
  expect(res.errors).toEqual([]);
  return res.activity;
}

async function lastContacted(customerId: string): Promise<string | null> {
  const [row] = await t.sql<{ at: string | Date | null }>('select last_contacted_at as at from customer where id = ?', [customerId]);
  return row.at == null ? null : new Date(row.at).toISOString();
}

// ------------------------------------------------------------------------------------------- logging

describe('logActivity', () => {
  test('a rep logs a call with a contact and a deal on their customer; they are the performer', async () => {
    const occurredAt = minutesAgo(30);
    const res = ok(await t.gql(LOG, { input: {
      customerId: fx.A, contactId: fx.contactA, opportunityId: fx.oppA, type: 'CALL', direction: 'INBOUND',
      subject: '  Asked about delivery  ', body: 'Wants 20 units in March.', outcome: 'asked for a quote', durationMinutes: 12, occurredAt,
    } }, 'SALES_REP')).logActivity;
    expect(res.errors).toEqual([]);
    expect(res.activity).toMatchObject({
      type: 'CALL', direction: 'INBOUND', subject: 'Asked about delivery', body: 'Wants 20 units in March.', outcome: 'asked for a quote',
      durationMinutes: 12, occurredAt, version: 1, customer: { id: fx.A }, contact: { id: fx.contactA }, performedBy: { id: userIds.rep1 },
    });
    expect(res.activity.id).toMatch(/^act_[0-9a-f]{32}$/);
    // stored as answered, the deal linked too
    const [row] = await t.sql('select opportunity_id, performed_by_id, deleted_at from activity where id = ?', [res.activity.id]);
    expect(row).toMatchObject({ opportunity_id: fx.oppA, performed_by_id: userIds.rep1, deleted_at: null });
    // and read back by id, with every field
    const read = ok(await t.gql(BY_ID, { id: res.activity.id }, 'SALES_REP')).activity;
    expect(read).toEqual(res.activity);
  });

  test('occurredAt defaults to now; a NOTE has no direction; VISIT, MEETING and WEB may go either way', async () => {
    const before = Date.now();
    const note = await log({ type: 'NOTE', direction: null, subject: 'Budget frozen until Q3', occurredAt: undefined });
    expect(note.direction).toBeNull();
    const at = Date.parse(note.occurredAt);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    for (const type of ['VISIT', 'MEETING', 'WEB']) {
      expect((await log({ type, direction: null })).direction).toBeNull();
      expect((await log({ type, direction: 'INBOUND' })).direction).toBe('INBOUND');
    }
    // every type of DOMAIN.md can be logged
    for (const type of ['CALL', 'EMAIL', 'FAX', 'LETTER', 'CHAT', 'SMS']) expect((await log({ type, direction: 'OUTBOUND' })).type).toBe(type);
  });

  test('validation errors name the field, and nothing is written', async () => {
    const before = await activityCount();
    const lastBefore = await lastContacted(fx.B);
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ subject: '   ' }, 'VALIDATION', ['input', 'subject']],
      [{ subject: 'x'.repeat(201) }, 'VALIDATION', ['input', 'subject']],
      [{ durationMinutes: -1 }, 'VALIDATION', ['input', 'durationMinutes']],
      [{ durationMinutes: 1441 }, 'VALIDATION', ['input', 'durationMinutes']],
      [{ outcome: 'y'.repeat(501) }, 'VALIDATION', ['input', 'outcome']],
      [{ type: 'CALL', direction: null }, 'VALIDATION', ['input', 'direction']],
      [{ type: 'EMAIL', direction: undefined }, 'VALIDATION', ['input', 'direction']],
      [{ type: 'NOTE', direction: 'INBOUND' }, 'VALIDATION', ['input', 'direction']],
      [{ occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 'VALIDATION', ['input', 'occurredAt']],
      [{ customerId: 'cus_nope' }, 'VALIDATION', ['input', 'customerId']],
      [{ contactId: 'con_123' }, 'VALIDATION', ['input', 'contactId']],
      [{ customerId: `cus_${hex()}` }, 'NOT_FOUND', ['input', 'customerId']],
      // a contact of another (visible) customer
      [{ contactId: fx.contactA }, 'VALIDATION', ['input', 'contactId']],
      // a contact the rep cannot see at all
      [{ contactId: fx.contactC }, 'NOT_FOUND', ['input', 'contactId']],
      [{ opportunityId: fx.oppA }, 'VALIDATION', ['input', 'opportunityId']],
      [{ opportunityId: `opp_${hex()}` }, 'NOT_FOUND', ['input', 'opportunityId']],
    ];
    for (const [input, code, field] of cases) {
      const res = ok(await t.gql(LOG, { input: { customerId: fx.B, type: 'CALL', direction: 'OUTBOUND', subject: 'S', ...input } }, 'SALES_REP')).logActivity;
      expect({ input, activity: res.activity, errors: res.errors.map((e: any) => [e.code, e.field]) }).toEqual({ input, activity: null, errors: [[code, field]] });
      expect(res.errors[0].message).toEqual(expect.any(String));
    }
    expect(await activityCount()).toBe(before);
    expect(await lastContacted(fx.B)).toBe(lastBefore);
  });

  test('a deleted contact or deal cannot be linked', async () => {
    const contact = (await t.sql<{ id: string }>('select id from contact where customer_id = ? and id <> ? limit 1', [fx.B, fx.contactB]))[0]
      ?? (await t.sql<{ id: string }>(`insert into contact (id, customer_id, first_name, last_name) values (?, ?, 'Gone', 'Away') returning id`, [`con_${hex()}`, fx.B]))[0];
    await t.sql('update contact set deleted_at = now() where id = ?', [contact.id]);
    const deal = await insertOpportunity(fx.B, userIds.rep1);
    await t.sql('update opportunity set deleted_at = now() where id = ?', [deal]);
    for (const [input, field] of [[{ contactId: contact.id }, 'contactId'], [{ opportunityId: deal }, 'opportunityId']] as const) {
      const res = ok(await t.gql(LOG, { input: { customerId: fx.B, type: 'NOTE', subject: 'S', ...input } }, 'SALES_REP')).logActivity;
      expect(res.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', field]]]);
    }
  });

  test('who may log: the sales roles and service on customers they can see; others are FORBIDDEN', async () => {
    const input = (customerId: string, who: string) => ({ input: { customerId, type: 'VISIT', subject: `Logged by ${who}` } });
    // rep1 cannot log on rep2's customer: it does not exist for them
    const foreign = ok(await t.gql(LOG, input(fx.C, 'rep1'), 'SALES_REP')).logActivity;
    expect(foreign.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', 'customerId']]]);
    expect(ok(await t.gql(LOG, input(fx.C, 'rep2'), 'SALES_REP_2')).logActivity.activity.performedBy.id).toBe(userIds.rep2);
    for (const who of ['SALES_MANAGER', 'SERVICE_AGENT', 'ADMIN'] as const) {
      const res = ok(await t.gql(LOG, input(fx.C, who), who)).logActivity;
      expect(res.errors).toEqual([]);
      expect(res.activity.performedBy.id).toBe(userIds[{ SALES_MANAGER: 'manager', SERVICE_AGENT: 'service', ADMIN: 'admin' }[who]]);
    }
    for (const who of ['MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as const) {
      const res = await t.gql(LOG, input(fx.C, who), who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'activity writer?', role: 'INTEGRATION', scopes: ['customers:write'] } }, 'ADMIN')).createApiKey.secret;
    expect(codes(await t.gql(LOG, input(fx.C, 'key'), { apiKey: key }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(LOG, input(fx.C, 'anonymous'), null))).toEqual(['UNAUTHENTICATED']);
    const logged = await t.sql<{ subject: string }>('select subject from activity where customer_id = ? order by subject', [fx.C]);
    expect(logged.map((r) => r.subject)).toEqual(['Logged by ADMIN', 'Logged by SALES_MANAGER', 'Logged by SERVICE_AGENT', 'Logged by rep2']);
  });
});

// --------------------------------------------------------------------------------- lastContactedAt

describe('lastContactedAt', () => {
  test('moves forward with each activity, never back; moving or deleting the latest one recomputes it', async () => {
    const [customer] = await t.sql<{ id: string; version: number; updated_at: Date }>(`select id, version, updated_at from customer
      where owner_id = ? and kind = 'BUSINESS' and id not in (?, ?) order by created_at desc limit 1`, [userIds.rep1, fx.A, fx.B]);
    const read = async () => ok(await t.gql('query($id: ID!) { customer(id: $id) { lastContactedAt version } }', { id: customer.id }, 'SALES_REP')).customer;
    expect((await read()).lastContactedAt).toBeNull();

    const t1 = minutesAgo(120);
    const first = await log({ customerId: customer.id, occurredAt: t1 });
    expect(await read()).toEqual({ lastContactedAt: t1, version: customer.version }); // derived: the customer's version stays

    const older = await log({ customerId: customer.id, occurredAt: minutesAgo(600) });
    expect((await read()).lastContactedAt).toBe(t1);

    const t2 = minutesAgo(60);
    const latest = await log({ customerId: customer.id, occurredAt: t2 });
    expect((await read()).lastContactedAt).toBe(t2);

    // moving the latest activity further on moves the time with it
    const t3 = minutesAgo(10);
    let res = ok(await t.gql(UPDATE, { input: { id: latest.id, version: latest.version, occurredAt: t3 } }, 'SALES_REP')).updateActivity;
    expect(res.errors).toEqual([]);
    expect((await read()).lastContactedAt).toBe(t3);
    // moving it back before the others: the time falls back to the latest remaining one
    res = ok(await t.gql(UPDATE, { input: { id: latest.id, version: res.activity.version, occurredAt: minutesAgo(900) } }, 'SALES_REP')).updateActivity;
    expect(res.errors).toEqual([]);
    expect((await read()).lastContactedAt).toBe(t1);
    // moving an older one does not change a later time
    res = ok(await t.gql(UPDATE, { input: { id: older.id, version: older.version, occurredAt: minutesAgo(700) } }, 'SALES_REP')).updateActivity;
    expect(res.errors).toEqual([]);
    expect((await read()).lastContactedAt).toBe(t1);
    // deleting the latest falls back too; deleting all leaves none
    expect(ok(await t.gql(DELETE, { input: { id: first.id } }, 'SALES_REP')).deleteActivity.errors).toEqual([]);
    expect((await read()).lastContactedAt).toBe(res.activity.occurredAt);
    for (const id of [older.id, latest.id]) expect(ok(await t.gql(DELETE, { input: { id } }, 'SALES_REP')).deleteActivity.errors).toEqual([]);
    expect(await read()).toEqual({ lastContactedAt: null, version: customer.version });
    // no audit entries and no change of the customer itself
    const [after] = await t.sql<{ updated_at: Date }>('select updated_at from customer where id = ?', [customer.id]);
    expect(new Date(after.updated_at).getTime()).toBe(new Date(customer.updated_at).getTime());
    expect(await t.sql('select 1 from audit_event where customer_id = ?', [customer.id])).toEqual([]);
  });

  test('a time set later than every activity (by another source) stays when an activity is deleted', async () => {
    const later = new Date(Date.now() - 60_000).toISOString();
    const a = await log({ customerId: fx.B, occurredAt: minutesAgo(5000) });
    await t.sql('update customer set last_contacted_at = ? where id = ?', [later, fx.B]);
    expect(ok(await t.gql(DELETE, { input: { id: a.id } }, 'SALES_REP')).deleteActivity.errors).toEqual([]);
    expect(await lastContacted(fx.B)).toBe(later);
  });
});

// ----------------------------------------------------------------------------------- update / delete

describe('updateActivity and deleteActivity', () => {
  test('the author changes an activity; the version moves; a stale version is a CONFLICT', async () => {
    const a = await log({ type: 'EMAIL', subject: 'Sent brochure', body: 'PDF attached', durationMinutes: 5 });
    const res = ok(await t.gql(UPDATE, { input: { id: a.id, version: a.version, subject: 'Sent brochure and prices', body: null, outcome: 'will call back' } }, 'SALES_REP')).updateActivity;
    expect(res.errors).toEqual([]);
    expect(res.activity).toMatchObject({ subject: 'Sent brochure and prices', body: null, outcome: 'will call back', durationMinutes: 5, type: 'EMAIL', version: a.version + 1 });
    const stale = ok(await t.gql(UPDATE, { input: { id: a.id, version: a.version, subject: 'Lost update' } }, 'SALES_REP')).updateActivity;
    expect(stale.activity).toBeNull();
    expect(stale.errors.map((e: any) => [e.code, e.field])).toEqual([['CONFLICT', ['input', 'version']]]);
    expect(ok(await t.gql(BY_ID, { id: a.id }, 'SALES_REP')).activity.subject).toBe('Sent brochure and prices');
  });

  test('rules hold on the state after the change', async () => {
    const a = await log({ type: 'NOTE', direction: null, subject: 'Internal note' });
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ type: 'CALL' }, 'VALIDATION', ['input', 'direction']], // a call needs a direction
      [{ direction: 'OUTBOUND' }, 'VALIDATION', ['input', 'direction']], // a note has none
      [{ subject: null }, 'VALIDATION', ['input', 'subject']],
      [{ type: null }, 'VALIDATION', ['input', 'type']],
      [{ subject: '' }, 'VALIDATION', ['input', 'subject']],
      [{ durationMinutes: -5 }, 'VALIDATION', ['input', 'durationMinutes']],
      [{ contactId: fx.contactB }, 'VALIDATION', ['input', 'contactId']],
      [{ opportunityId: fx.oppB }, 'VALIDATION', ['input', 'opportunityId']],
      [{ occurredAt: new Date(Date.now() + 86_400_000).toISOString() }, 'VALIDATION', ['input', 'occurredAt']],
      [{ id: 'act_bad' }, 'VALIDATION', ['input', 'id']],
    ];
    for (const [input, code, field] of cases) {
      const res = ok(await t.gql(UPDATE, { input: { id: a.id, version: a.version, ...input } }, 'SALES_REP')).updateActivity;
      expect({ input, errors: res.errors.map((e: any) => [e.code, e.field]) }).toEqual({ input, errors: [[code, field]] });
    }
    // type and direction changed together are fine, as are links to the same customer's contact and deal
    const res = ok(await t.gql(UPDATE, { input: { id: a.id, version: a.version, type: 'CALL', direction: 'OUTBOUND', contactId: fx.contactA, opportunityId: fx.oppA } }, 'SALES_REP')).updateActivity;
    expect(res.errors).toEqual([]);
    expect(res.activity).toMatchObject({ type: 'CALL', direction: 'OUTBOUND', contact: { id: fx.contactA }, version: a.version + 1 });
    // and unlinking
    const unlinked = ok(await t.gql(UPDATE, { input: { id: a.id, version: res.activity.version, contactId: null, opportunityId: null } }, 'SALES_REP')).updateActivity;
    expect(unlinked.activity.contact).toBeNull();
    expect((await t.sql('select contact_id, opportunity_id from activity where id = ?', [a.id]))[0]).toEqual({ contact_id: null, opportunity_id: null });
  });

  test('who may change: the author, their manager, ADMIN; others are FORBIDDEN or do not see it', async () => {
    const byRep = await log({ subject: 'rep1 call' });
    const byService = await log({ subject: 'service call' }, 'SERVICE_AGENT');
    const change = async (a: { id: string }, who: Who) => {
      const version = (await t.sql<{ version: number }>('select version from activity where id = ?', [a.id]))[0].version;
      return ok(await t.gql(UPDATE, { input: { id: a.id, version, outcome: `changed by ${who}` } }, who)).updateActivity;
    };
    const errorsOf = (res: any) => res.errors.map((e: any) => [e.code, e.field]);
    // rep2 does not see rep1's customer
    expect(errorsOf(await change(byRep, 'SALES_REP_2'))).toEqual([['NOT_FOUND', ['input', 'id']]]);
    // rep1 sees the service agent's activity on their customer but did not write it
    expect(errorsOf(await change(byService, 'SALES_REP'))).toEqual([['FORBIDDEN', ['input', 'id']]]);
    // the manager is over rep1, not over the service agent
    expect(errorsOf(await change(byService, 'SALES_MANAGER'))).toEqual([['FORBIDDEN', ['input', 'id']]]);
    expect((await change(byRep, 'SALES_MANAGER')).activity.outcome).toBe('changed by SALES_MANAGER');
    expect((await change(byService, 'SERVICE_AGENT')).activity.outcome).toBe('changed by SERVICE_AGENT');
    expect((await change(byService, 'ADMIN')).activity.outcome).toBe('changed by ADMIN');
    // the author stays the performer whoever edits
    expect(ok(await t.gql(BY_ID, { id: byRep.id }, 'SALES_REP')).activity.performedBy.id).toBe(userIds.rep1);
    for (const who of ['MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as const) {
      expect(codes(await t.gql(UPDATE, { input: { id: byRep.id, version: 1, outcome: 'x' } }, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(DELETE, { input: { id: byRep.id } }, who))).toEqual(['FORBIDDEN']);
    }
    // delete follows the same rule
    expect(errorsOf(ok(await t.gql(DELETE, { input: { id: byService.id } }, 'SALES_REP')).deleteActivity)).toEqual([['FORBIDDEN', ['input', 'id']]]);
    expect(errorsOf(ok(await t.gql(DELETE, { input: { id: byRep.id } }, 'SALES_REP_2')).deleteActivity)).toEqual([['NOT_FOUND', ['input', 'id']]]);
    expect(await t.sql('select 1 from activity where id in (?, ?) and deleted_at is not null', [byRep.id, byService.id])).toEqual([]);
    expect(ok(await t.gql(DELETE, { input: { id: byService.id } }, 'SALES_MANAGER')).deleteActivity.errors.map((e: any) => e.code)).toEqual(['FORBIDDEN']);
    expect(ok(await t.gql(DELETE, { input: { id: byRep.id } }, 'SALES_MANAGER')).deleteActivity.errors).toEqual([]);
  });

  test('a deleted activity is gone from reads and cannot be changed or deleted again', async () => {
    const a = await log({ subject: 'To be deleted', customerId: fx.B });
    const del = ok(await t.gql(DELETE, { input: { id: a.id } }, 'SALES_REP')).deleteActivity;
    expect(del).toEqual({ activity: { id: a.id }, errors: [] });
    expect(ok(await t.gql(BY_ID, { id: a.id }, 'SALES_REP')).activity).toBeNull();
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: a.id }, 'ADMIN')).node).toBeNull();
    const listed = ok(await t.gql(LIST, { first: 100, filter: { customerId: { eq: fx.B } } }, 'ADMIN')).activities;
    expect(listed.edges.map((e: any) => e.node.id)).not.toContain(a.id);
    expect(ok(await t.gql(DELETE, { input: { id: a.id } }, 'SALES_REP')).deleteActivity.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', 'id']]]);
    expect(ok(await t.gql(UPDATE, { input: { id: a.id, version: 1, subject: 'back?' } }, 'SALES_REP')).updateActivity.errors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    expect((await t.sql('select deleted_at from activity where id = ?', [a.id]))[0].deleted_at).not.toBeNull();
  });
});

// ------------------------------------------------------------------------------------------- reads

describe('reading activities', () => {
  /** Live activities of live customers matching `where` (over `a` and `c`), newest first. */
  async function expectedIds(where = 'true', params: unknown[] = [], order = 'a.occurred_at desc, a.id desc'): Promise<string[]> {
    return (await t.sql<{ id: string }>(`select a.id from activity a join customer c on c.id = a.customer_id
      where a.deleted_at is null and c.deleted_at is null and (${where}) order by ${order}`, params)).map((r) => r.id);
  }

  async function walk(who: Who, vars: Record<string, unknown> = {}, pageSize = 4): Promise<{ ids: string[]; totalCount: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (let pages = 0; ; pages++) {
      if (pages > 200) throw new Error('cursor walk does not end');
      const conn: any = ok(await t.gql(LIST, { ...vars, first: pageSize, after }, who)).activities;
      if (totalCount === -1) totalCount = conn.totalCount;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      ids.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(pageSize);
      after = conn.pageInfo.endCursor;
    }
    return { ids, totalCount };
  }

  beforeAll(async () => {
    // a few more, with equal times, on rep1's and rep2's customers
    const same = minutesAgo(240);
    for (let i = 0; i < 3; i++) await log({ customerId: fx.B, occurredAt: same, subject: `Same time ${i}`, type: 'MEETING', direction: null });
    for (let i = 0; i < 3; i++) await log({ customerId: fx.C, occurredAt: minutesAgo(300 + i), subject: `rep2 ${i}`, contactId: fx.contactC }, 'SALES_REP_2');
  });

  test('each role sees the activities of the customers it sees; ANALYST, PARTNER and keys see none', async () => {
    const rep1 = await expectedIds('c.owner_id = ?', [userIds.rep1]);
    const rep2 = await expectedIds('c.owner_id = ?', [userIds.rep2]);
    expect(rep1.length).toBeGreaterThan(10);
    expect(rep2.length).toBeGreaterThanOrEqual(3);
    expect(await walk('SALES_REP')).toEqual({ ids: rep1, totalCount: rep1.length });
    expect(await walk('SALES_REP_2')).toEqual({ ids: rep2, totalCount: rep2.length });
    const all = await expectedIds();
    expect((await walk('SALES_MANAGER', {}, 50)).ids).toEqual(await expectedIds('c.owner_id in (?, ?)', [userIds.rep1, userIds.rep2]));
    for (const who of ['ADMIN', 'SERVICE_AGENT', 'MARKETING', 'FINANCE'] as const) expect((await walk(who, {}, 50)).ids).toEqual(all);
    for (const who of ['ANALYST', 'PARTNER'] as const) {
      const res = await t.gql(LIST, { first: 5 }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(BY_ID, { id: rep1[0] }, who))).toEqual(['FORBIDDEN']);
      // and node(id) does not hand them out either
      expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: rep1[0] }, who)).node).toBeNull();
    }
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'reader', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    expect(codes(await t.gql(LIST, { first: 5 }, { apiKey: key }))).toEqual(['FORBIDDEN']);
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: rep1[0] }, { apiKey: key })).node).toBeNull();
  });

  test('by id and node(id): null outside the scope', async () => {
    const [mine] = await expectedIds('c.owner_id = ?', [userIds.rep1]);
    const [theirs] = await expectedIds('c.owner_id = ?', [userIds.rep2]);
    expect(ok(await t.gql(BY_ID, { id: theirs }, 'SALES_REP')).activity).toBeNull();
    expect(ok(await t.gql(BY_ID, { id: theirs }, 'SALES_REP_2')).activity.id).toBe(theirs);
    const nodes = ok(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Activity { subject customer { id } } } }', { ids: [theirs, mine] }, 'SALES_REP'));
    expect(nodes.nodes[0]).toBeNull();
    expect(nodes.nodes[1].id).toBe(mine);
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { __typename id } }', { id: mine }, 'SERVICE_AGENT')).node).toEqual({ __typename: 'Activity', id: mine });
  });

  test('a deal the reader cannot see is null on the activity', async () => {
    // a deal of rep2 on rep1's customer: rep1 does not see it, the manager does
    const deal = await insertOpportunity(fx.A, userIds.rep2);
    const a = await log({ subject: 'About the other deal', opportunityId: undefined });
    await t.sql('update activity set opportunity_id = ? where id = ?', [deal, a.id]);
    const Q = 'query($id: ID!) { activity(id: $id) { id opportunity { id } } }';
    expect(ok(await t.gql(Q, { id: a.id }, 'SALES_REP')).activity).toEqual({ id: a.id, opportunity: null });
    expect(ok(await t.gql(Q, { id: a.id }, 'SALES_MANAGER')).activity).toEqual({ id: a.id, opportunity: { id: deal } });
    // rep1's own deal shows
    const own = await log({ subject: 'About my deal', opportunityId: fx.oppA });
    expect(ok(await t.gql(Q, { id: own.id }, 'SALES_REP')).activity).toEqual({ id: own.id, opportunity: { id: fx.oppA } });
    expect(ok(await t.gql(LIST, { first: 100, filter: { opportunityId: { eq: deal } } }, 'SALES_REP')).activities.edges.map((e: any) => e.node.id)).toEqual([a.id]);
    // linking to it is refused: it does not exist for rep1
    const refused = ok(await t.gql(LOG, { input: { customerId: fx.A, type: 'NOTE', subject: 'S', opportunityId: deal } }, 'SALES_REP')).logActivity;
    expect(refused.errors.map((e: any) => [e.code, e.field])).toEqual([['NOT_FOUND', ['input', 'opportunityId']]]);
  });

  test('filters: customer, contact, deal, type, direction, performer, time range; combined with and/or/not', async () => {
    const check = async (filter: Record<string, unknown>, where: string, params: unknown[] = []) => {
      const expected = await expectedIds(where, params);
      const got = await walk('ADMIN', { filter }, 7);
      expect({ filter, ids: got.ids, totalCount: got.totalCount }).toEqual({ filter, ids: expected, totalCount: expected.length });
      return expected;
    };
    expect((await check({ customerId: { eq: fx.B } }, 'a.customer_id = ?', [fx.B])).length).toBeGreaterThanOrEqual(3);
    expect((await check({ customerId: { in: [fx.A, fx.C] } }, 'a.customer_id in (?, ?)', [fx.A, fx.C])).length).toBeGreaterThan(3);
    expect((await check({ contactId: { eq: fx.contactC } }, 'a.contact_id = ?', [fx.contactC])).length).toBe(3);
    expect((await check({ contactId: { isNull: true } }, 'a.contact_id is null')).length).toBeGreaterThan(3);
    expect((await check({ opportunityId: { eq: fx.oppA } }, 'a.opportunity_id = ?', [fx.oppA])).length).toBeGreaterThanOrEqual(1);
    expect((await check({ type: { eq: 'MEETING' } }, `a.type = 'MEETING'`)).length).toBeGreaterThanOrEqual(3);
    expect((await check({ type: { in: ['NOTE', 'EMAIL'] } }, `a.type in ('NOTE', 'EMAIL')`)).length).toBeGreaterThanOrEqual(2);
    expect((await check({ direction: { isNull: true } }, 'a.direction is null')).length).toBeGreaterThanOrEqual(3);
    expect((await check({ direction: { eq: 'INBOUND' } }, `a.direction = 'INBOUND'`)).length).toBeGreaterThanOrEqual(1);
    expect((await check({ performedById: { eq: userIds.rep2 } }, 'a.performed_by_id = ?', [userIds.rep2])).length).toBeGreaterThanOrEqual(4);
    const from = minutesAgo(310);
    const to = minutesAgo(200);
    expect((await check({ occurredAt: { gte: from, lt: to } }, 'a.occurred_at >= ? and a.occurred_at < ?', [from, to])).length).toBeGreaterThanOrEqual(6);
    await check({ or: [{ type: { eq: 'MEETING' } }, { performedById: { eq: userIds.rep2 } }], not: { customerId: { eq: fx.C } } },
      `(a.type = 'MEETING' or a.performed_by_id = ?) and a.customer_id <> ?`, [userIds.rep2, fx.C]);
  });

  test('orders with cursor walks both ways, equal times included', async () => {
    const forward = await walk('ADMIN', { orderBy: [{ field: 'OCCURRED_AT', direction: 'ASC' }] }, 3);
    expect(forward.ids).toEqual(await expectedIds('true', [], 'a.occurred_at asc, a.id asc'));
    const created = await walk('ADMIN', { orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }] }, 5);
    expect(created.ids).toEqual(await expectedIds('true', [], 'a.created_at desc, a.id desc'));
    // backward with last/before gives the same list
    const backward: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const conn: any = ok(await t.gql(LIST, { last: 4, before }, 'ADMIN')).activities;
      backward.unshift(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasPreviousPage) break;
      before = conn.pageInfo.startCursor;
    }
    expect(backward).toEqual(await expectedIds());
    // a cursor of another order is refused
    const { activities } = ok(await t.gql(LIST, { first: 1 }, 'ADMIN'));
    const bad = await t.gql(LIST, { first: 1, after: activities.pageInfo.endCursor, orderBy: [{ field: 'CREATED_AT', direction: 'ASC' }] }, 'ADMIN');
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(LIST, { first: 101 }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });

  test('Customer.activities: per customer, filtered, paged; FORBIDDEN for roles that never see activities', async () => {
    const Q = `query($id: ID!, $first: Int, $after: String, $filter: ActivityFilter) { customer(id: $id) { id
      activities(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id customer { id } } } } } }`;
    const expected = await expectedIds('a.customer_id = ?', [fx.B]);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const conn: any = ok(await t.gql(Q, { id: fx.B, first: 2, after }, 'SALES_REP')).customer.activities;
      expect(conn.totalCount).toBe(expected.length);
      ids.push(...conn.edges.map((e: any) => e.node.id));
      for (const e of conn.edges) expect(e.node.customer.id).toBe(fx.B);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(ids).toEqual(expected);
    const meetings = ok(await t.gql(Q, { id: fx.B, first: 50, filter: { type: { eq: 'MEETING' } } }, 'SALES_REP')).customer.activities;
    expect(meetings.edges.map((e: any) => e.node.id)).toEqual(await expectedIds(`a.customer_id = ? and a.type = 'MEETING'`, [fx.B]));
    expect(meetings.totalCount).toBe(meetings.edges.length);

    // the partner reaches its own customer record, but not its activities
    const own = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
    await log({ customerId: own, subject: 'Dealer visit', type: 'VISIT', direction: null }, 'ADMIN');
    for (const [who, id] of [['PARTNER', own], ['ANALYST', fx.B]] as const) {
      const res = await t.gql(Q, { id, first: 5 }, who);
      expect(res.body.data.customer).toEqual({ id, activities: null });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.errors![0].path).toEqual(['customer', 'activities']);
    }
  });
});

// ------------------------------------------------------------------------------------------- N+1

describe('statement counts', () => {
  async function measure(query: string, variables: Record<string, unknown>, who: Who = 'ADMIN') {
    await t.gql(query, variables, who);
    let data: any;
    const count = await t.countQueries(async () => { data = ok(await t.gql(query, variables, who)); });
    return { count, data };
  }

  test('customers(first: 5 vs 35) { activities(first: 3) { … } } run the same number of statements', async () => {
    // every customer gets activities by two performers, with a contact
    const customers = await t.sql<{ id: string; contact: string }>(`select c.id, (select k.id from contact k where k.customer_id = c.id order by k.created_at limit 1) as contact
      from customer c where c.deleted_at is null`);
    for (const [i, c] of customers.entries()) {
      for (const [j, who] of [userIds.admin, userIds.service].entries()) {
        await t.sql(`insert into activity (id, customer_id, contact_id, type, direction, subject, occurred_at, performed_by_id)
          values (?, ?, ?, 'CALL', 'OUTBOUND', 'Bulk', now() - make_interval(mins => ?), ?)`, [`act_${hex()}`, c.id, c.contact, i * 2 + j + 1, who]);
      }
    }
    const Q = `query($n: Int) { customers(first: $n) { edges { node { id activities(first: 3) { totalCount edges { node {
      id subject performedBy { name } contact { firstName } customer { id } } } } } } } }`;
    const small = await measure(Q, { n: 5 });
    const large = await measure(Q, { n: 35 });
    expect(small.data.customers.edges).toHaveLength(5);
    expect(large.data.customers.edges).toHaveLength(35);
    for (const { node } of large.data.customers.edges) {
      expect(node.activities.edges.length).toBeGreaterThanOrEqual(2);
      for (const e of node.activities.edges) {
        expect(e.node.customer.id).toBe(node.id);
        expect(e.node.performedBy.name).toEqual(expect.any(String));
      }
    }
    expect(small.count).toBeGreaterThan(0);
    expect(large.count).toBe(small.count);
  });

  test('activities(first: 5 vs 50) with their customer, contact and performer', async () => {
    const Q = `query($n: Int) { activities(first: $n) { totalCount edges { node { id customer { name owner { name } } contact { lastName } performedBy { name } } } } }`;
    const small = await measure(Q, { n: 5 });
    const large = await measure(Q, { n: 50 });
    expect(large.data.activities.edges).toHaveLength(50);
    expect(new Set(large.data.activities.edges.map((e: any) => e.node.customer.name)).size).toBeGreaterThan(10);
    expect(large.count).toBe(small.count);
  });
});

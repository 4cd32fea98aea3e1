import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * The customer timeline through HTTP: activities, opportunity stage changes and audit events merged
 * newest first with known times (ties within and across kinds), cursor walks without duplicates or
 * gaps, the `types` and `from`/`to` filters, what each role sees (deals of other reps are left out;
 * PARTNER and ANALYST get no timeline), live entries from the API, and statement counts independent
 * of page size and of the number of customers.
 */

let t: TestApp;
const userIds: Record<string, string> = {};
const hex = () => randomUUID().replace(/-/g, '');

const ok = (res: GqlResult) => {
  if (res.status !== 200 || res.body.errors) throw new Error(`unexpected response ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  return res.body.data;
};

type Kind = 'ACTIVITY' | 'STAGE_CHANGE' | 'AUDIT_EVENT';
const RANK: Record<Kind, number> = { ACTIVITY: 3, STAGE_CHANGE: 2, AUDIT_EVENT: 1 };
interface Entry { kind: Kind; id: string; at: string; hiddenFromRep?: boolean }

/** The documented order: newest first; at the same instant ACTIVITY, STAGE_CHANGE, AUDIT_EVENT; then id descending. */
const ordered = (entries: Entry[]) => [...entries].sort((a, b) =>
  (b.at < a.at ? -1 : b.at > a.at ? 1 : 0) || RANK[b.kind] - RANK[a.kind] || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));

const T0 = Date.parse('2026-01-10T12:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

async function insertOpportunity(customerId: string, ownerId: string): Promise<string> {
  const id = `opp_${hex()}`;
  await t.sql(`insert into opportunity (id, customer_id, name, amount, stage, probability, expected_close_date, owner_id, created_at)
    values (?, ?, 'Deal', 1000, 'PROPOSAL', 60, '2027-01-31', ?, ?)`, [id, customerId, ownerId, at(-10)]);
  return id;
}
async function insertActivity(customerId: string, when: string, subject: string, deleted = false): Promise<Entry> {
  const id = `act_${hex()}`;
  await t.sql(`insert into activity (id, customer_id, type, direction, subject, occurred_at, performed_by_id, deleted_at)
    values (?, ?, 'CALL', 'OUTBOUND', ?, ?, ?, ?)`, [id, customerId, subject, when, userIds.rep1, deleted ? when : null]);
  return { kind: 'ACTIVITY', id, at: when };
}
async function insertStageChange(customerId: string, opportunityId: string, when: string, toStage = 'QUALIFICATION'): Promise<Entry> {
  const id = `stg_${hex()}`;
  await t.sql(`insert into opportunity_stage_change (id, opportunity_id, customer_id, from_stage, to_stage, probability, actor_type, actor_id, at)
    values (?, ?, ?, 'PROSPECTING', ?, 20, 'USER', ?, ?)`, [id, opportunityId, customerId, toStage, userIds.rep1, when]);
  return { kind: 'STAGE_CHANGE', id, at: when };
}
async function insertAudit(customerId: string, when: string, entity: { type: string; id: string } = { type: 'Customer', id: customerId }): Promise<Entry> {
  const id = `aud_${hex()}`;
  await t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
    values (?, ?, ?, ?, 'UPDATE', 'USER', ?, ?, '[{"field":"tier","old":"POTENTIAL","new":"TARGET"}]')`, [id, entity.type, entity.id, customerId, userIds.admin, when]);
  return { kind: 'AUDIT_EVENT', id, at: when };
}

/** rep1's customer with a fixed history; `entries` is everything on it, `hiddenFromRep` marks rep2's deal. */
const X = { id: '', entries: [] as Entry[] };

beforeAll(async () => {
  t = await startTestApp({ customers: 60 });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) userIds[u.email.split('@')[0]] = u.id;
  X.id = (await t.sql<{ id: string }>(`select id from customer where owner_id = ? and kind = 'BUSINESS' and not is_partner
    order by created_at, id limit 1`, [userIds.rep1]))[0].id;
  const mine = await insertOpportunity(X.id, userIds.rep1);
  const theirs = await insertOpportunity(X.id, userIds.rep2); // rep2's deal on rep1's customer
  const e: Entry[] = [];
  e.push(await insertActivity(X.id, at(0), 'first call'));
  for (let i = 0; i < 3; i++) e.push(await insertActivity(X.id, at(1), `same time ${i}`)); // ties within a kind
  e.push(await insertStageChange(X.id, mine, at(1))); // ties across kinds
  e.push(await insertAudit(X.id, at(1)));
  e.push(await insertActivity(X.id, at(2), 'later call'));
  e.push({ ...(await insertStageChange(X.id, theirs, at(2), 'NEEDS_ANALYSIS')), hiddenFromRep: true });
  e.push({ ...(await insertAudit(X.id, at(2), { type: 'Opportunity', id: theirs })), hiddenFromRep: true });
  e.push(await insertStageChange(X.id, mine, at(3), 'PROPOSAL'));
  e.push(await insertAudit(X.id, at(3), { type: 'Opportunity', id: mine }));
  for (let i = 0; i < 2; i++) e.push(await insertStageChange(X.id, mine, at(4), 'NEGOTIATION'));
  e.push(await insertAudit(X.id, at(4)));
  e.push(await insertAudit(X.id, at(5)));
  await insertActivity(X.id, at(5), 'deleted call', true); // never shown
  // another customer's history never leaks in
  const other = (await t.sql<{ id: string }>('select id from customer where id <> ? order by created_at limit 1', [X.id]))[0].id;
  await insertActivity(other, at(1), 'elsewhere');
  await insertAudit(other, at(1));
  X.entries = e;
});
afterAll(async () => { await t.close(); });

const TIMELINE = `query($id: ID!, $first: Int, $after: String, $types: [TimelineItemKind!], $from: DateTime, $to: DateTime) {
  customer(id: $id) { timeline(first: $first, after: $after, types: $types, from: $from, to: $to) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor kind at node { __typename
      ... on Activity { id subject customer { id } performedBy { id } }
      ... on OpportunityStageChange { id toStage at }
      ... on AuditEvent { id action at actor { id } changes { field newValue } } } } } } }`;

/** Walks the whole timeline forward and checks each page; returns the entries in order. */
async function walk(who: Who, vars: Record<string, unknown>, pageSize: number, id = X.id) {
  const seen: { kind: Kind; id: string; at: string }[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let pages = 0; ; pages++) {
    if (pages > 200) throw new Error('cursor walk does not end');
    const conn: any = ok(await t.gql(TIMELINE, { id, ...vars, first: pageSize, after }, who)).customer.timeline;
    if (totalCount === -1) totalCount = conn.totalCount;
    expect(conn.totalCount).toBe(totalCount);
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(conn.edges.length).toBeLessThanOrEqual(pageSize);
    for (const edge of conn.edges) {
      // the edge tells the kind and time, the node is of the matching type
      expect(edge.node.__typename).toBe({ ACTIVITY: 'Activity', STAGE_CHANGE: 'OpportunityStageChange', AUDIT_EVENT: 'AuditEvent' }[edge.kind as Kind]);
      if (edge.kind !== 'ACTIVITY') expect(edge.node.at).toBe(edge.at);
      seen.push({ kind: edge.kind, id: edge.node.id, at: edge.at });
    }
    if (!conn.pageInfo.hasNextPage) break;
    expect(conn.edges).toHaveLength(pageSize);
    expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
    after = conn.pageInfo.endCursor;
  }
  return { entries: seen, totalCount };
}

const strip = (entries: Entry[]) => entries.map(({ kind, id, at: when }) => ({ kind, id, at: when }));

describe('merge order and pagination', () => {
  test('one stream, newest first, ties broken by kind then id; deleted and foreign entries left out', async () => {
    const expected = strip(ordered(X.entries));
    expect(expected).toHaveLength(15);
    const data = ok(await t.gql(TIMELINE, { id: X.id, first: 100 }, 'SALES_MANAGER')).customer.timeline;
    expect(data.totalCount).toBe(15);
    expect(data.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(data.edges.map((e: any) => ({ kind: e.kind, id: e.node.id, at: e.at }))).toEqual(expected);
    // spot checks of the documented order
    expect(data.edges[0]).toMatchObject({ kind: 'AUDIT_EVENT', at: at(5) });
    expect(data.edges.slice(1, 4).map((e: any) => e.kind)).toEqual(['STAGE_CHANGE', 'STAGE_CHANGE', 'AUDIT_EVENT']);
    expect(data.edges.slice(-1)[0].node.subject).toBe('first call');
    // each kind's own fields arrive
    const byKind = (kind: Kind) => data.edges.filter((e: any) => e.kind === kind).map((e: any) => e.node);
    for (const a of byKind('ACTIVITY')) expect(a).toMatchObject({ customer: { id: X.id }, performedBy: { id: userIds.rep1 } });
    expect(byKind('ACTIVITY').map((a: any) => a.subject)).not.toContain('deleted call');
    expect(new Set(byKind('STAGE_CHANGE').map((s: any) => s.toStage))).toEqual(new Set(['QUALIFICATION', 'NEEDS_ANALYSIS', 'PROPOSAL', 'NEGOTIATION']));
    for (const a of byKind('AUDIT_EVENT')) expect(a).toMatchObject({ action: 'UPDATE', actor: { id: userIds.admin }, changes: [{ field: 'tier', newValue: 'TARGET' }] });
  });

  test('walking pages of every size gives the same stream: no duplicates, no gaps, equal times included', async () => {
    const expected = strip(ordered(X.entries));
    for (const size of [1, 2, 3, 4, 5, 7, 15]) {
      const { entries, totalCount } = await walk('SALES_MANAGER', {}, size);
      expect({ size, entries }).toEqual({ size, entries: expected });
      expect(totalCount).toBe(15);
    }
  });

  test('entries added between pages appear on the first page only, never shift a walk', async () => {
    const first = ok(await t.gql(TIMELINE, { id: X.id, first: 4 }, 'SALES_MANAGER')).customer.timeline;
    // a newer entry sorts before the cursor: the rest of the walk neither repeats nor skips anything because of it
    const newer = await insertAudit(X.id, at(6));
    try {
      const rest = ok(await t.gql(TIMELINE, { id: X.id, first: 100, after: first.pageInfo.endCursor }, 'SALES_MANAGER')).customer.timeline;
      const ids = [...first.edges, ...rest.edges].map((e: any) => e.node.id);
      expect(ids).toEqual(strip(ordered(X.entries)).map((e) => e.id));
      expect(ids).not.toContain(newer.id);
    } finally {
      await t.sql('delete from audit_event where id = ?', [newer.id]);
    }
  });

  test('a bad cursor or page size is BAD_USER_INPUT', async () => {
    for (const vars of [{ first: 101 }, { first: -1 }, { first: 5, after: 'not-a-cursor' },
      { first: 5, after: Buffer.from(JSON.stringify({ o: 'timeline', v: ['yesterday', 'ACTIVITY', 'x'] })).toString('base64url') },
      { first: 5, after: Buffer.from(JSON.stringify({ o: 'timeline', v: [at(1), 'NO_SUCH_KIND', 'x'] })).toString('base64url') }]) {
      const res = await t.gql(TIMELINE, { id: X.id, ...vars }, 'ADMIN');
      expect({ vars, codes: codes(res) }).toEqual({ vars, codes: ['BAD_USER_INPUT'] });
    }
    // a cursor of another list is refused too
    const { activities } = ok(await t.gql('{ activities(first: 1) { pageInfo { endCursor } } }', {}, 'ADMIN'));
    expect(codes(await t.gql(TIMELINE, { id: X.id, first: 5, after: activities.pageInfo.endCursor }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('filters', () => {
  test('types: only the kinds asked for, paged and counted', async () => {
    for (const types of [['ACTIVITY'], ['STAGE_CHANGE'], ['AUDIT_EVENT'], ['STAGE_CHANGE', 'AUDIT_EVENT'], ['ACTIVITY', 'AUDIT_EVENT', 'ACTIVITY']] as Kind[][]) {
      const expected = strip(ordered(X.entries.filter((e) => types.includes(e.kind))));
      const { entries, totalCount } = await walk('SALES_MANAGER', { types }, 2);
      expect({ types, entries }).toEqual({ types, entries: expected });
      expect(totalCount).toBe(expected.length);
    }
    const none = ok(await t.gql(TIMELINE, { id: X.id, first: 10, types: [] }, 'SALES_MANAGER')).customer.timeline;
    expect(none).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  test('from (inclusive) and to (exclusive), alone and with types', async () => {
    const inRange = (from: string | null, to: string | null) => (e: Entry) => (!from || e.at >= from) && (!to || e.at < to);
    const cases: [string | null, string | null, Kind[] | null][] = [
      [at(1), at(4), null], [at(2), null, null], [null, at(1), null], [at(1), at(1), null], [at(1), at(3), ['STAGE_CHANGE', 'ACTIVITY']],
      ['2026-01-10T13:00:00+01:00', '2026-01-10T16:00:00+02:00', null], // offsets are honoured: = at(0) .. at(2)
    ];
    for (const [from, to, types] of cases) {
      const expected = strip(ordered(X.entries.filter((e) => inRange(from && new Date(from).toISOString(), to && new Date(to).toISOString())(e)
        && (!types || types.includes(e.kind)))));
      const { entries, totalCount } = await walk('SALES_MANAGER', { from, to, types }, 3);
      expect({ from, to, types, entries }).toEqual({ from, to, types, entries: expected });
      expect(totalCount).toBe(expected.length);
    }
    expect(strip(ordered(X.entries.filter(inRange(at(1), at(4)))))).toHaveLength(10);
  });
});

describe('who sees what', () => {
  test('the rep sees their customer\'s timeline without another rep\'s deal; the manager and all-readers see it all', async () => {
    const visibleToRep = strip(ordered(X.entries.filter((e) => !e.hiddenFromRep)));
    expect(visibleToRep).toHaveLength(13);
    const rep = await walk('SALES_REP', {}, 3);
    expect(rep).toEqual({ entries: visibleToRep, totalCount: 13 });
    for (const who of ['SALES_MANAGER', 'ADMIN', 'SERVICE_AGENT', 'MARKETING', 'FINANCE'] as const) {
      expect((await walk(who, {}, 50)).entries).toEqual(strip(ordered(X.entries)));
    }
  });

  test('another rep: the customer does not exist; PARTNER and ANALYST get no timeline; API keys neither', async () => {
    const other = await t.gql(TIMELINE, { id: X.id, first: 5 }, 'SALES_REP_2');
    expect(codes(other)).toEqual([]);
    expect(other.body.data).toEqual({ customer: null });
    const own = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
    await insertAudit(own, at(1));
    await insertActivity(own, at(2), 'dealer call');
    const Q = 'query($id: ID!) { customer(id: $id) { id timeline(first: 5) { totalCount edges { kind } } } }';
    const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'timeline reader?', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey.secret;
    for (const [who, id] of [['PARTNER', own], ['ANALYST', X.id], [{ apiKey: key }, X.id]] as const) {
      const res = await t.gql(Q, { id }, who);
      expect(res.body.data.customer).toEqual({ id, timeline: null });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.errors![0].path).toEqual(['customer', 'timeline']);
    }
    // staff see the partner's own timeline
    expect(ok(await t.gql(Q, { id: own }, 'ADMIN')).customer.timeline.edges.map((e: any) => e.kind)).toEqual(['ACTIVITY', 'AUDIT_EVENT']);
  });
});

describe('live entries from the API', () => {
  test('logging, changing and deleting an activity and changing the customer show up at the top', async () => {
    const [c] = await t.sql<{ id: string; version: number }>(`select id, version from customer where owner_id = ? and kind = 'BUSINESS' and id <> ?
      order by created_at desc limit 1`, [userIds.rep1, X.id]);
    const Q = 'query($id: ID!) { customer(id: $id) { lastContactedAt timeline(first: 10) { totalCount edges { kind node { ... on Activity { id subject } ... on AuditEvent { action entityType } } } } } }';
    const before = ok(await t.gql(Q, { id: c.id }, 'SALES_REP')).customer;
    expect(before.lastContactedAt).toBeNull();
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const logged = ok(await t.gql(`mutation($input: LogActivityInput!) { logActivity(input: $input) { activity { id version } errors { code } } }`,
      { input: { customerId: c.id, type: 'VISIT', subject: 'Site visit', occurredAt } }, 'SALES_REP')).logActivity;
    expect(logged.errors).toEqual([]);
    const updated = ok(await t.gql(`mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { errors { code } } }`,
      { input: { id: c.id, version: c.version, industry: 'Visited' } }, 'SALES_REP')).updateCustomer;
    expect(updated.errors).toEqual([]);
    let after = ok(await t.gql(Q, { id: c.id }, 'SALES_REP')).customer;
    expect(after.lastContactedAt).toBe(occurredAt);
    expect(after.timeline.totalCount).toBe(before.timeline.totalCount + 2);
    expect(after.timeline.edges.slice(0, 2)).toEqual([
      { kind: 'AUDIT_EVENT', node: { action: 'UPDATE', entityType: 'Customer' } }, // now
      { kind: 'ACTIVITY', node: { id: logged.activity.id, subject: 'Site visit' } }, // a minute ago
    ]);
    // the activity is not audited: it is on the timeline once
    expect(after.timeline.edges.filter((e: any) => e.node.entityType === 'Activity')).toEqual([]);
    const renamed = ok(await t.gql(`mutation($input: UpdateActivityInput!) { updateActivity(input: $input) { errors { code } } }`,
      { input: { id: logged.activity.id, version: logged.activity.version, subject: 'Site visit with demo' } }, 'SALES_REP')).updateActivity;
    expect(renamed.errors).toEqual([]);
    after = ok(await t.gql(Q, { id: c.id }, 'SALES_REP')).customer;
    expect(after.timeline.edges[1].node.subject).toBe('Site visit with demo');
    const deleted = ok(await t.gql('mutation($input: ActivityIdInput!) { deleteActivity(input: $input) { errors { code } } }', { input: { id: logged.activity.id } }, 'SALES_REP')).deleteActivity;
    expect(deleted.errors).toEqual([]);
    after = ok(await t.gql(Q, { id: c.id }, 'SALES_REP')).customer;
    expect(after.timeline.totalCount).toBe(before.timeline.totalCount + 1);
    expect(after.timeline.edges.map((e: any) => e.kind)).not.toContain('ACTIVITY');
  });
});

describe('statement counts', () => {
  async function measure(query: string, variables: Record<string, unknown>, who: Who = 'ADMIN') {
    await t.gql(query, variables, who); // sign-in and first-run effects stay out of the counts
    let data: any;
    const count = await t.countQueries(async () => { data = ok(await t.gql(query, variables, who)); });
    return { count, data };
  }

  const NODE = `__typename ... on Activity { id subject performedBy { name } contact { lastName } }
    ... on OpportunityStageChange { id toStage } ... on AuditEvent { id action actor { name } changes { field } }`;

  test('a timeline page of 5 and of 50 run the same number of statements', async () => {
    const [c] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? and id <> ? order by created_at desc offset 3 limit 1`, [userIds.rep1, X.id]);
    const deal = await insertOpportunity(c.id, userIds.rep1);
    for (let i = 0; i < 30; i++) {
      await insertActivity(c.id, at(i), `call ${i}`);
      await insertStageChange(c.id, deal, at(i + 0.25));
      await insertAudit(c.id, at(i + 0.5));
    }
    const Q = `query($id: ID!, $n: Int) { customer(id: $id) { timeline(first: $n) { totalCount edges { kind at node { ${NODE} } } } } }`;
    for (const who of ['ADMIN', 'SALES_REP'] as const) {
      const small = await measure(Q, { id: c.id, n: 5 }, who);
      const large = await measure(Q, { id: c.id, n: 50 }, who);
      expect(small.data.customer.timeline.edges).toHaveLength(5);
      expect(large.data.customer.timeline.edges).toHaveLength(50);
      expect(new Set(small.data.customer.timeline.edges.map((e: any) => e.kind))).toEqual(new Set(['ACTIVITY', 'STAGE_CHANGE', 'AUDIT_EVENT']));
      expect(large.data.customer.timeline.totalCount).toBe(90);
      expect(small.count).toBeGreaterThan(0);
      expect(large.count).toBe(small.count);
    }
  });

  test('customers(first: 5 vs 50) { timeline(first: 3) } run the same number of statements', async () => {
    // every customer: an activity, a stage change of its own deal, and an audit event, newer than anything else (the newest three: one of each kind)
    await t.sql(`insert into opportunity (id, customer_id, name, amount, stage, probability, expected_close_date, owner_id)
      select 'opp_' || replace(gen_random_uuid()::text, '-', ''), c.id, 'Bulk deal', 500, 'PROSPECTING', 10, '2027-06-30', c.owner_id from customer c`);
    await t.sql(`insert into activity (id, customer_id, type, direction, subject, occurred_at, performed_by_id)
      select 'act_' || replace(gen_random_uuid()::text, '-', ''), c.id, 'EMAIL', 'OUTBOUND', 'Bulk mail', '2099-01-01T00:00:01Z', c.owner_id from customer c`);
    await t.sql(`insert into opportunity_stage_change (id, opportunity_id, customer_id, from_stage, to_stage, probability, actor_type, actor_id, at)
      select 'stg_' || replace(gen_random_uuid()::text, '-', ''), o.id, o.customer_id, 'PROSPECTING', 'QUALIFICATION', 20, 'USER', o.owner_id, '2099-01-01T00:00:02Z'
      from opportunity o where o.name = 'Bulk deal'`);
    await t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select 'aud_' || replace(gen_random_uuid()::text, '-', ''), 'Customer', c.id, c.id, 'UPDATE', 'USER', c.owner_id, '2099-01-01T00:00:03Z',
        '[{"field":"industry","old":null,"new":"Bulk"}]' from customer c`);
    const Q = `query($n: Int) { customers(first: $n) { edges { node { id timeline(first: 3) { totalCount edges { kind node { ${NODE} } } } } } } }`;
    for (const who of ['ADMIN', 'SALES_MANAGER'] as const) {
      const small = await measure(Q, { n: 5 }, who);
      const large = await measure(Q, { n: 50 }, who);
      expect(small.data.customers.edges).toHaveLength(5);
      expect(large.data.customers.edges).toHaveLength(50);
      for (const { node } of large.data.customers.edges) {
        expect(node.timeline.edges.map((e: any) => e.kind)).toEqual(['AUDIT_EVENT', 'STAGE_CHANGE', 'ACTIVITY']);
        expect(node.timeline.totalCount).toBeGreaterThanOrEqual(3);
        for (const e of node.timeline.edges) expect(e.node.id).toEqual(expect.any(String));
      }
      expect(large.count).toBe(small.count);
    }
  });
});

describe('orders, contracts and payments on the timeline', () => {
  test('each shows as its own kind, to the roles that read it', async () => {
    const [c] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? and id <> ? order by created_at desc offset 5 limit 1`, [userIds.rep1, X.id]);
    const order = `ord_${hex()}`;
    const contract = `ctr_${hex()}`;
    const payment = `pay_${hex()}`;
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, channel, currency, subtotal, total, created_by, created_at)
      values (?, ?, ?, 'WEB', 'EUR', 100, 100, ?, ?)`, [order, c.id, c.id, userIds.admin, at(1)]);
    await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, instalments, owner_id, created_at)
      values (?, ?, ?, 'Support', 1200, 'EUR', '2026-01-01', '[{"dueDate":"2026-02-01","percent":null}]', ?, ?)`, [contract, `CT-T${hex().slice(0, 8)}`, c.id, userIds.rep1, at(2)]);
    await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by, created_at)
      values (?, ?, 50, 'EUR', '2026-01-10', 'BANK_TRANSFER', ?, ?)`, [payment, c.id, userIds.finance, at(3)]);
    const Q = `query($id: ID!) { customer(id: $id) { timeline(first: 10, types: [ORDER, CONTRACT, PAYMENT]) { totalCount edges { kind at node { __typename
      ... on Order { id total } ... on Contract { id title } ... on Payment { id amount } } } } } }`;
    const expected = {
      SALES_REP: [['PAYMENT', 'Payment', payment], ['CONTRACT', 'Contract', contract], ['ORDER', 'Order', order]],
      FINANCE: [['PAYMENT', 'Payment', payment], ['CONTRACT', 'Contract', contract], ['ORDER', 'Order', order]],
      SERVICE_AGENT: [['CONTRACT', 'Contract', contract], ['ORDER', 'Order', order]], // no account (payments)
      MARKETING: [], // neither orders nor contracts nor payments
    } as const;
    for (const [who, entries] of Object.entries(expected)) {
      const timeline = ok(await t.gql(Q, { id: c.id }, who as Who)).customer.timeline;
      expect([who, timeline.edges.map((e: any) => [e.kind, e.node.__typename, e.node.id])]).toEqual([who, entries]);
      expect(timeline.totalCount).toBe(entries.length);
    }
    const rep = ok(await t.gql(Q, { id: c.id }, 'SALES_REP')).customer.timeline.edges;
    expect(rep.map((e: any) => e.at)).toEqual([at(3), at(2), at(1)]);
    expect(rep[2].node.total).toBe('100.00');
  });
});

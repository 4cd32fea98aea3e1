import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Internal notes of cases are invisible to PARTNER users, PARTNER keys and INTEGRATION keys on every
 * path: ServiceCase.comments (rows and totalCount, across pages), cases lists and Customer.cases with
 * nested comments, node/nodes by the note's id, the customer timeline and the customer history (comment
 * bodies are never audited). Staff users see them. Partners cannot write them.
 */

let t: TestApp;
let partnerKey: Caller;
let integrationKey: Caller;
let caseId: string;
let otherCaseId: string;
let resoldCustomer: string;
let publicId: string;
let internalId: string;
let partnerCommentId: string;

const SECRET = 'SECRET-NOTE-do-not-tell-the-dealer';
const SECRET_2 = 'SECRET-NOTE-second-case';
const PUBLIC_BODY = 'We sent a replacement part';

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};
/** Nothing of the internal notes anywhere in a response. */
const clean = (res: GqlResult) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SECRET_2);
  expect(text).not.toContain(internalId);
  return res;
};

const COMMENT = 'mutation($i: AddCaseCommentInput!) { addCaseComment(input: $i) { comment { id visibility body } errors { code field } } }';
const COMMENTS = `query($id: ID!, $first: Int, $after: String) { case(id: $id) { id comments(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id visibility body caseId } } } } }`;

async function comment(id: string, body: string, visibility: string, who: Who | Caller) {
  const res = ok(await t.gql(COMMENT, { i: { caseId: id, body, visibility } }, who)).addCaseComment;
  expect(res.errors).toEqual([]);
  return res.comment.id as string;
}

let partners: [string, Caller | Who][];

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  const [{ id: partnerCustomer }] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  [{ id: resoldCustomer }] = await t.sql<{ id: string }>(`select c.id from customer c join app_user u on u.id = c.owner_id
    where u.email = 'rep2@demo.crm' and not c.is_partner order by c.created_at, c.id limit 1`);
  await t.sql('update customer set resold_by_id = ? where id = ?', [partnerCustomer, resoldCustomer]);
  const key = async (role: string, extra: Record<string, unknown> = {}) => ({
    apiKey: ok(await t.gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }',
      { i: { name: `${role} key`, role, scopes: role === 'PARTNER' ? ['customers:read', 'cases:write'] : ['customers:read'], ...extra } }, 'ADMIN')).createApiKey.secret as string,
  });
  partnerKey = await key('PARTNER', { partnerCustomerId: partnerCustomer });
  integrationKey = await key('INTEGRATION');
  partners = [['PARTNER user', 'PARTNER'], ['PARTNER key', partnerKey]];

  const open = async (subject: string) => ok(await t.gql('mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } errors { field } } }',
    { i: { customerId: resoldCustomer, type: 'REPAIR', channel: 'PHONE', priority: 'P2', subject } }, 'SERVICE_AGENT')).createCase.case.id as string;
  caseId = await open('Sofa does not fit through the door');
  otherCaseId = await open('Second case');
  publicId = await comment(caseId, PUBLIC_BODY, 'PUBLIC', 'SERVICE_AGENT');
  internalId = await comment(caseId, SECRET, 'INTERNAL', 'SERVICE_AGENT');
  partnerCommentId = await comment(caseId, 'When will it arrive?', 'PUBLIC', 'PARTNER');
  await comment(otherCaseId, SECRET_2, 'INTERNAL', 'ADMIN');
});
afterAll(async () => { await t.close(); });

describe('staff users see internal notes', () => {
  it.each(['SERVICE_AGENT', 'ADMIN', 'SALES_REP_2'] as const)('%s', async (who) => {
    const c = ok(await t.gql(COMMENTS, { id: caseId, first: 10 }, who)).case.comments;
    expect(c.totalCount).toBe(3);
    expect(c.edges.map((e: any) => e.node.body)).toEqual([PUBLIC_BODY, SECRET, 'When will it arrive?']);
    expect(c.edges[1].node).toEqual({ id: internalId, visibility: 'INTERNAL', body: SECRET, caseId });
    const node = ok(await t.gql('query($id: ID!) { node(id: $id) { id ... on CaseComment { body visibility } } }', { id: internalId }, who)).node;
    expect(node).toEqual({ id: internalId, body: SECRET, visibility: 'INTERNAL' });
  });
});

describe('partners (users and keys) never see internal notes', () => {
  it('case.comments: not in the rows, not counted, not on any page', async () => {
    for (const [, who] of partners) {
      const c = ok(clean(await t.gql(COMMENTS, { id: caseId, first: 10 }, who))).case.comments;
      expect(c.totalCount).toBe(2);
      expect(c.edges.map((e: any) => e.node.id)).toEqual([publicId, partnerCommentId]);
      expect(c.edges.every((e: any) => e.node.visibility === 'PUBLIC')).toBe(true);
      const first = ok(clean(await t.gql(COMMENTS, { id: caseId, first: 1 }, who))).case.comments;
      expect(first.edges.map((e: any) => e.node.id)).toEqual([publicId]);
      const second = ok(clean(await t.gql(COMMENTS, { id: caseId, first: 1, after: first.pageInfo.endCursor }, who))).case.comments;
      expect(second.edges.map((e: any) => e.node.id)).toEqual([partnerCommentId]);
      expect(second.pageInfo.hasNextPage).toBe(false);
      const other = ok(clean(await t.gql(COMMENTS, { id: otherCaseId, first: 10 }, who))).case.comments;
      expect(other).toMatchObject({ totalCount: 0, edges: [] });
    }
  });

  it('cases lists and Customer.cases with nested comments', async () => {
    for (const [, who] of partners) {
      const list = ok(clean(await t.gql(`{ cases(first: 50) { edges { node { id comments(first: 50) { totalCount edges { node { id body } } } } } } }`, {}, who))).cases.edges;
      expect(list.map((e: any) => e.node.id).sort()).toEqual([caseId, otherCaseId].sort());
      expect(list.find((e: any) => e.node.id === caseId).node.comments.totalCount).toBe(2);
      const nested = ok(clean(await t.gql(`query($id: ID!) { customer(id: $id) { cases(first: 10) { edges { node { id comments(first: 10) { totalCount edges { node { body } } } } } } } }`,
        { id: resoldCustomer }, who))).customer.cases.edges;
      expect(nested.map((e: any) => e.node.comments.totalCount).sort()).toEqual([0, 2]);
    }
  });

  it('node(id) of an internal note is null (no error); nodes(ids) gives null for it', async () => {
    for (const [, who] of partners) {
      const one = clean(await t.gql('query($id: ID!) { node(id: $id) { id ... on CaseComment { body } } }', { id: internalId }, who));
      expect(ok(one).node).toBeNull();
      const many = ok(clean(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on CaseComment { body visibility } } }', { ids: [publicId, internalId] }, who))).nodes;
      expect(many).toEqual([{ id: publicId, body: PUBLIC_BODY, visibility: 'PUBLIC' }, null]);
    }
  });

  it('the customer timeline is closed to partners; for staff it shows the case, never comment bodies', async () => {
    const TIMELINE = `query($id: ID!) { customer(id: $id) { id timeline(first: 50) { totalCount edges { kind node {
      ... on ServiceCase { id number subject } ... on AuditEvent { entityType entityId changes { field oldValue newValue } } } } } } }`;
    for (const [, who] of partners) {
      const res = clean(await t.gql(TIMELINE, { id: resoldCustomer }, who));
      expect(res.body.data.customer).toEqual({ id: resoldCustomer, timeline: null });
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
    const staff = ok(await t.gql(TIMELINE, { id: resoldCustomer }, 'SERVICE_AGENT')).customer.timeline;
    const cases = staff.edges.filter((e: any) => e.kind === 'CASE').map((e: any) => e.node.id);
    expect(cases.sort()).toEqual([caseId, otherCaseId].sort());
    const text = JSON.stringify(staff);
    for (const body of [SECRET, SECRET_2, PUBLIC_BODY, 'When will it arrive?']) expect(text).not.toContain(body);
  });

  it('the customer history carries no comment bodies (comments are not audited)', async () => {
    const HISTORY = `query($id: ID!) { customer(id: $id) { history(first: 100) { edges { node { entityType entityId changes { field oldValue newValue } } } } } }`;
    const history = ok(await t.gql(HISTORY, { id: resoldCustomer }, 'ADMIN')).customer.history.edges;
    expect(history.some((e: any) => e.node.entityType === 'ServiceCase' && e.node.entityId === caseId)).toBe(true);
    const text = JSON.stringify(history);
    for (const body of [SECRET, SECRET_2, PUBLIC_BODY, 'When will it arrive?']) expect(text).not.toContain(body);
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where changes::text like ?`, ['%SECRET-NOTE%']);
    expect(Number(n)).toBe(0);
    for (const [, who] of partners) {
      const res = clean(await t.gql(HISTORY, { id: resoldCustomer }, who));
      expect(res.body.data.customer.history ?? null).toBeNull();
    }
  });

  it('cannot write internal notes (FORBIDDEN at input.visibility, nothing written)', async () => {
    const count = async () => Number((await t.sql('select count(*)::int as n from case_comment'))[0].n);
    const before = await count();
    for (const [, who] of partners) {
      const res = ok(clean(await t.gql(COMMENT, { i: { caseId, body: 'sneaky', visibility: 'INTERNAL' } }, who))).addCaseComment;
      expect(res).toEqual({ comment: null, errors: [{ code: 'FORBIDDEN', field: ['input', 'visibility'] }] });
    }
    expect(await count()).toBe(before);
  });
});

describe('an INTEGRATION key sees no cases and no notes', () => {
  it('FORBIDDEN at the roots and on Customer.cases; node(id) null for any comment or case; no notes in history', async () => {
    const who = integrationKey;
    expect(codes(clean(await t.gql('{ cases(first: 5) { totalCount } }', {}, who)))).toEqual(['FORBIDDEN']);
    expect(codes(clean(await t.gql(COMMENTS, { id: caseId, first: 10 }, who)))).toEqual(['FORBIDDEN']);
    const nested = clean(await t.gql('query($id: ID!) { customer(id: $id) { id cases(first: 5) { edges { node { comments(first: 5) { edges { node { body } } } } } } } }', { id: resoldCustomer }, who));
    expect(nested.body.data.customer).toEqual({ id: resoldCustomer, cases: null });
    expect(codes(nested)).toEqual(['FORBIDDEN']);
    for (const id of [internalId, publicId, caseId]) {
      expect(ok(clean(await t.gql('query($id: ID!) { node(id: $id) { id ... on CaseComment { body } } }', { id }, who))).node).toBeNull();
    }
    expect(ok(clean(await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [internalId, publicId] }, who))).nodes).toEqual([null, null]);
    const timeline = clean(await t.gql('query($id: ID!) { customer(id: $id) { timeline(first: 10) { totalCount } } }', { id: resoldCustomer }, who));
    expect(codes(timeline)).toEqual(['FORBIDDEN']);
    // the key reads customer histories: they carry no comment bodies
    const history = ok(clean(await t.gql('query($id: ID!) { customer(id: $id) { history(first: 100) { edges { node { entityType changes { field newValue } } } } } }', { id: resoldCustomer }, who)));
    expect(JSON.stringify(history)).not.toContain(PUBLIC_BODY);
    expect(codes(await t.gql(COMMENT, { i: { caseId, body: 'x', visibility: 'PUBLIC' } }, who))).toEqual(['FORBIDDEN']);
  });
});

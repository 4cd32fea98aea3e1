import { randomUUID } from 'node:crypto';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Product feedback through HTTP: createProductFeedback (with source cases, validation naming the field
 * and writing nothing), updateProductFeedback (fields, version conflicts, every status transition),
 * linkCaseToFeedback / unlinkCaseFromFeedback (COMPLAINT and SUGGESTION only, at most one feedback per
 * case, audited on the case's customer), reads (filters, order, paging, Product.feedback, node),
 * sourceCases in the caller's case scope, Customer.suggestionValue against hand-computed numbers,
 * roles, and statement counts independent of the page size.
 */

let t: TestApp;
let integration: Caller;
let adminId: string;
let rep1Customers: string[];
let rep2Customers: string[];
let partnerCustomer: string;
let sofa: string;
let lamp: string;

const hex = () => randomUUID().replace(/-/g, '');

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const FEEDBACK = 'id summary description status version createdAt updatedAt productId product { id name } createdBy { id } caseCount';
const CREATE = `mutation($i: CreateProductFeedbackInput!) { createProductFeedback(input: $i) { feedback { ${FEEDBACK} sourceCases { id number } } errors { code message field } } }`;
const UPDATE = `mutation($i: UpdateProductFeedbackInput!) { updateProductFeedback(input: $i) { feedback { ${FEEDBACK} } errors { code message field } } }`;
const LINK = `mutation($i: LinkCaseToFeedbackInput!) { linkCaseToFeedback(input: $i) {
  serviceCase { id version feedbackId feedback { id } } feedback { id caseCount } errors { code message field } } }`;
const UNLINK = `mutation($i: UnlinkCaseFromFeedbackInput!) { unlinkCaseFromFeedback(input: $i) {
  serviceCase { id version feedbackId } feedback { id caseCount } errors { code message field } } }`;
const GET = `query($id: ID!) { feedback(id: $id) { ${FEEDBACK} sourceCases { id number type } } }`;

const errorsOf = (res: { errors: any[] }) => res.errors.map((e) => ({ code: e.code, field: e.field }));
const count = async (table: string) => Number((await t.sql(`select count(*)::int as n from ${table}`))[0].n);

async function mutate(query: string, name: string, i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') {
  return ok(await t.gql(query, { i }, who))[name] as { feedback: any; serviceCase?: any; errors: any[] };
}
const create = (i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') => mutate(CREATE, 'createProductFeedback', i, who);
async function created(i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') {
  const res = await create(i, who);
  expect(res.errors).toEqual([]);
  return res.feedback;
}
const update = (i: Record<string, unknown>, who: Who | Caller = 'SERVICE_AGENT') => mutate(UPDATE, 'updateProductFeedback', i, who);
const link = (caseId: string, feedbackId: string, who: Who | Caller = 'SERVICE_AGENT') => mutate(LINK, 'linkCaseToFeedback', { caseId, feedbackId }, who);
const unlink = (caseId: string, who: Who | Caller = 'SERVICE_AGENT') => mutate(UNLINK, 'unlinkCaseFromFeedback', { caseId }, who);

let caseSeq = 0;
/** A case fixture with every not-null column. */
async function makeCase(customerId: string, type: string, feedbackId: string | null = null): Promise<string> {
  caseSeq += 1;
  const id = `cas_${hex()}`;
  await t.sql(`insert into service_case (id, number, type, channel, priority, subject, customer_id, feedback_id, opened_by, first_response_due_at, resolution_due_at, created_at)
    values (?, ?, ?, 'PHONE', 'P3', ?, ?, ?, ?, now() + interval '8 hours', now() + interval '3 days', now() + (? * interval '1 millisecond'))`,
  [id, `FB-${String(caseSeq).padStart(6, '0')}`, type, `Case ${caseSeq}`, customerId, feedbackId, adminId, caseSeq]);
  return id;
}

let feedbackSeq = 0;
/** A feedback fixture in a given status. */
async function makeFeedback(productId: string, status = 'NEW'): Promise<string> {
  feedbackSeq += 1;
  const id = `fbk_${hex()}`;
  await t.sql(`insert into product_feedback (id, product_id, summary, status, created_at, updated_at) values (?, ?, ?, ?, now() - interval '1 day' + (? * interval '1 millisecond'), now())`,
    [id, productId, `Fixture ${feedbackSeq}`, status, feedbackSeq]);
  return id;
}

const caseRow = async (id: string) => (await t.sql<{ feedback_id: string | null; version: number }>('select feedback_id, version from service_case where id = ?', [id]))[0];
const auditsOf = async (caseId: string) => t.sql<{ entity_type: string; customer_id: string; action: string; changes: any; actor_id: string }>(
  'select entity_type, customer_id, action, changes, actor_id from audit_event where entity_id = ? order by at, id', [caseId]);

beforeAll(async () => {
  t = await startTestApp({ customers: 12 });
  const users = await t.sql<{ id: string; email: string; partner_customer_id: string | null }>('select id, email, partner_customer_id from app_user');
  const byEmail = (e: string) => users.find((u) => u.email === e)!;
  adminId = byEmail('admin@demo.crm').id;
  partnerCustomer = byEmail('partner@demo.crm').partner_customer_id!;
  const owned = async (email: string) => (await t.sql<{ id: string }>(`select id from customer where owner_id = ? and id <> ? order by created_at, id`,
    [byEmail(email).id, partnerCustomer])).map((r) => r.id);
  rep1Customers = await owned('rep1@demo.crm');
  rep2Customers = await owned('rep2@demo.crm');
  sofa = `prd_${hex()}`;
  lamp = `prd_${hex()}`;
  await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, 'SOFA-1', 'Sofa', 'Furniture', 899, '{}'), (?, 'LAMP-1', 'Lamp', 'Lighting', 49, '{}')`, [sofa, lamp]);
  integration = { apiKey: ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: 'catalogue reader', role: 'INTEGRATION', scopes: ['products:read', 'customers:read'] } }, 'ADMIN')).createApiKey.secret };
});
afterAll(async () => { await t.close(); });

describe('createProductFeedback', () => {
  it('records NEW feedback by the caller and links its source cases, each link audited on the case\'s customer', async () => {
    const complaint = await makeCase(rep1Customers[0], 'COMPLAINT');
    const suggestion = await makeCase(rep2Customers[0], 'SUGGESTION');
    const [agent] = await t.sql<{ id: string }>(`select id from app_user where email = 'service@demo.crm'`);
    const f = await created({ productId: sofa, summary: '  Detachable sofa  ', description: 'It does not fit through doors.', caseIds: [complaint, suggestion, complaint] });
    expect(f).toMatchObject({
      summary: 'Detachable sofa', description: 'It does not fit through doors.', status: 'NEW', version: 1, productId: sofa,
      product: { id: sofa, name: 'Sofa' }, createdBy: { id: agent.id }, caseCount: 2,
    });
    expect(f.id).toMatch(/^fbk_[0-9a-f]{32}$/);
    expect(f.sourceCases.map((c: any) => c.id)).toEqual([complaint, suggestion]);
    expect(await caseRow(complaint)).toEqual({ feedback_id: f.id, version: 2 });
    expect(await caseRow(suggestion)).toEqual({ feedback_id: f.id, version: 2 });
    expect(await auditsOf(complaint)).toEqual([{
      entity_type: 'ServiceCase', customer_id: rep1Customers[0], action: 'UPDATE', changes: [{ field: 'feedbackId', old: null, new: f.id }], actor_id: agent.id,
    }]);
    expect((await auditsOf(suggestion))[0].customer_id).toBe(rep2Customers[0]);
    // Feedback itself is not customer-keyed: no audit entry for it.
    expect(await t.sql('select 1 from audit_event where entity_id = ?', [f.id])).toEqual([]);
  });

  it('refuses bad input naming the field, and creates and links nothing', async () => {
    const before = await count('product_feedback');
    const repair = await makeCase(rep1Customers[1], 'REPAIR');
    const complaint = await makeCase(rep1Customers[1], 'COMPLAINT');
    expect(errorsOf(await create({ productId: sofa, summary: '   ' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'summary'] }]);
    expect(errorsOf(await create({ productId: sofa, summary: 'x'.repeat(301) }))).toEqual([{ code: 'VALIDATION', field: ['input', 'summary'] }]);
    expect(errorsOf(await create({ productId: sofa, summary: 'ok', description: 'x'.repeat(10001) }))).toEqual([{ code: 'VALIDATION', field: ['input', 'description'] }]);
    expect(errorsOf(await create({ productId: 'nope', summary: 'ok' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'productId'] }]);
    expect(errorsOf(await create({ productId: `prd_${hex()}`, summary: 'ok' }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    expect(errorsOf(await create({ productId: sofa, summary: 'ok', caseIds: ['cas_bad'] }))).toEqual([{ code: 'VALIDATION', field: ['input', 'caseIds', '0'] }]);
    expect(errorsOf(await create({ productId: sofa, summary: 'ok', caseIds: [complaint, `cas_${hex()}`] }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseIds', '1'] }]);
    const wrongType = await create({ productId: sofa, summary: 'ok', caseIds: [complaint, repair] });
    expect(errorsOf(wrongType)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'caseIds', '1'] }]);
    expect(wrongType.errors[0].message).toMatch(/REPAIR/);
    expect(await count('product_feedback')).toBe(before);
    expect(await caseRow(complaint)).toEqual({ feedback_id: null, version: 1 });
    expect(await auditsOf(complaint)).toEqual([]);
  });
});

describe('updateProductFeedback', () => {
  it('changes summary and description, moves the version, refuses stale versions and nulls', async () => {
    const f = await created({ productId: lamp, summary: 'Brighter lamp', description: 'More lumen' });
    const changed = await update({ id: f.id, version: 1, summary: 'Dimmable lamp', description: null });
    expect(changed.errors).toEqual([]);
    expect(changed.feedback).toMatchObject({ summary: 'Dimmable lamp', description: null, status: 'NEW', version: 2 });
    expect(new Date(changed.feedback.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(f.updatedAt).getTime());

    const stale = await update({ id: f.id, version: 1, summary: 'Lost update' });
    expect(errorsOf(stale)).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect(errorsOf(await update({ id: f.id, version: 2, summary: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'summary'] }]);
    expect(errorsOf(await update({ id: f.id, version: 2, status: null }))).toEqual([{ code: 'VALIDATION', field: ['input', 'status'] }]);
    expect(errorsOf(await update({ id: f.id, version: 2, summary: '' }))).toEqual([{ code: 'VALIDATION', field: ['input', 'summary'] }]);
    expect(errorsOf(await update({ id: `fbk_${hex()}`, version: 1, summary: 'x' }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    const [row] = await t.sql<{ summary: string; version: number }>('select summary, version from product_feedback where id = ?', [f.id]);
    expect(row).toEqual({ summary: 'Dimmable lamp', version: 2 });

    // Nothing to change: the version stays.
    const same = await update({ id: f.id, version: 2, summary: 'Dimmable lamp', status: 'NEW' });
    expect(same.feedback.version).toBe(2);
  });

  it('allows exactly the legal status transitions', async () => {
    const statuses = ['NEW', 'ACCEPTED', 'REJECTED', 'SHIPPED'];
    const legal: Record<string, string[]> = { NEW: ['ACCEPTED', 'REJECTED'], ACCEPTED: ['SHIPPED', 'REJECTED'], REJECTED: ['NEW'], SHIPPED: [] };
    for (const from of statuses) {
      for (const to of statuses.filter((s) => s !== from)) {
        const id = await makeFeedback(lamp, from);
        const res = await update({ id, version: 1, status: to });
        const [row] = await t.sql<{ status: string; version: number }>('select status, version from product_feedback where id = ?', [id]);
        if (legal[from].includes(to)) {
          expect({ from, to, errors: res.errors, status: res.feedback.status, version: res.feedback.version }).toEqual({ from, to, errors: [], status: to, version: 2 });
          expect(row).toEqual({ status: to, version: 2 });
        } else {
          expect({ from, to, errors: errorsOf(res) }).toEqual({ from, to, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'status'] }] });
          expect(row).toEqual({ status: from, version: 1 });
        }
      }
    }
  });
});

describe('linking cases', () => {
  it('links COMPLAINT and SUGGESTION cases only, one feedback per case; relinking the same is a no-op', async () => {
    const f1 = await makeFeedback(sofa);
    const f2 = await makeFeedback(sofa);
    const complaint = await makeCase(rep1Customers[2], 'COMPLAINT');
    const suggestion = await makeCase(rep1Customers[2], 'SUGGESTION');
    const linked = await link(complaint, f1);
    expect(linked.errors).toEqual([]);
    expect(linked.serviceCase).toEqual({ id: complaint, version: 2, feedbackId: f1, feedback: { id: f1 } });
    expect(linked.feedback).toEqual({ id: f1, caseCount: 1 });
    expect((await link(suggestion, f1)).feedback.caseCount).toBe(2);

    // Already linked to this feedback: nothing changes (no version move, no audit entry).
    const again = await link(complaint, f1);
    expect(again.errors).toEqual([]);
    expect(again.serviceCase.version).toBe(2);
    expect(await auditsOf(complaint)).toHaveLength(1);

    // Linked elsewhere: refused.
    const elsewhere = await link(complaint, f2);
    expect(errorsOf(elsewhere)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'caseId'] }]);
    expect(await caseRow(complaint)).toEqual({ feedback_id: f1, version: 2 });

    for (const type of ['TECH_SUPPORT', 'PRE_SALES', 'REPAIR', 'INSTALLATION', 'DELIVERY', 'RETURN']) {
      const other = await makeCase(rep1Customers[2], type);
      expect({ type, errors: errorsOf(await link(other, f2)) }).toEqual({ type, errors: [{ code: 'BUSINESS_RULE', field: ['input', 'caseId'] }] });
      expect(await caseRow(other)).toEqual({ feedback_id: null, version: 1 });
    }
    expect(errorsOf(await link(`cas_${hex()}`, f2))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
    expect(errorsOf(await link(complaint, `fbk_${hex()}`))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'feedbackId'] }]);
    expect(errorsOf(await link('x', f2))).toEqual([{ code: 'VALIDATION', field: ['input', 'caseId'] }]);
  });

  it('unlinks (audited with the old feedback), then relinks elsewhere; unlinking an unlinked case changes nothing', async () => {
    const f1 = await makeFeedback(sofa);
    const f2 = await makeFeedback(sofa);
    const c = await makeCase(rep2Customers[1], 'SUGGESTION', f1);
    const res = await unlink(c);
    expect(res.errors).toEqual([]);
    expect(res.serviceCase).toEqual({ id: c, version: 2, feedbackId: null });
    expect(res.feedback).toEqual({ id: f1, caseCount: 0 });
    expect((await auditsOf(c)).map((a) => a.changes)).toEqual([[{ field: 'feedbackId', old: f1, new: null }]]);
    const twice = await unlink(c);
    expect(twice).toMatchObject({ errors: [], feedback: null, serviceCase: { version: 2, feedbackId: null } });
    expect(await auditsOf(c)).toHaveLength(1);
    expect((await link(c, f2)).serviceCase).toMatchObject({ feedbackId: f2, version: 3 });
    expect(await auditsOf(c)).toHaveLength(2);
    expect(errorsOf(await unlink(`cas_${hex()}`))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
  });
});

describe('reads', () => {
  it('lists with filters, order and keyset pages; Product.feedback per product; node(id)', async () => {
    const desk = `prd_${hex()}`;
    await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, 'DESK-1', 'Desk', 'Furniture', 299, '{}')`, [desk]);
    const ids = [await makeFeedback(desk, 'NEW'), await makeFeedback(desk, 'ACCEPTED'), await makeFeedback(desk, 'SHIPPED')];
    const LIST = `query($f: ProductFeedbackFilter, $o: [ProductFeedbackOrderBy!], $after: String) {
      productFeedback(first: 2, after: $after, filter: $f, orderBy: $o) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`;
    const page1 = ok(await t.gql(LIST, { f: { productId: { eq: desk } } }, 'ANALYST')).productFeedback;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e: any) => e.node.id)).toEqual([ids[2], ids[1]]); // newest first
    const page2 = ok(await t.gql(LIST, { f: { productId: { eq: desk } }, after: page1.pageInfo.endCursor }, 'ANALYST')).productFeedback;
    expect(page2.edges.map((e: any) => e.node.id)).toEqual([ids[0]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const oldest = ok(await t.gql(LIST, { f: { productId: { eq: desk } }, o: [{ field: 'CREATED_AT', direction: 'ASC' }] }, 'MARKETING')).productFeedback;
    expect(oldest.edges.map((e: any) => e.node.id)).toEqual([ids[0], ids[1]]);
    const open = ok(await t.gql(LIST, { f: { productId: { eq: desk }, status: { in: ['NEW', 'ACCEPTED'] } } }, 'SALES_REP')).productFeedback;
    expect(open.edges.map((e: any) => e.node.status).sort()).toEqual(['ACCEPTED', 'NEW']);
    const none = ok(await t.gql(LIST, { f: { productId: { eq: desk }, createdAt: { gte: new Date(Date.now() + 86_400_000).toISOString() } } }, 'ADMIN')).productFeedback;
    expect(none.totalCount).toBe(0);

    const nested = ok(await t.gql(`query($id: ID!) { product(id: $id) { feedback(first: 5, filter: { status: { eq: SHIPPED } }) { totalCount edges { node { id productId } } } } }`,
      { id: desk }, 'SALES_MANAGER')).product.feedback;
    expect(nested).toEqual({ totalCount: 1, edges: [{ node: { id: ids[2], productId: desk } }] });

    const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { __typename ... on ProductFeedback { id status } } }`, { id: ids[1] }, 'SERVICE_AGENT')).node;
    expect(node).toEqual({ __typename: 'ProductFeedback', id: ids[1], status: 'ACCEPTED' });
    const one = ok(await t.gql(`query($id: ID!) { feedback(id: $id) { ${FEEDBACK} } }`, { id: ids[0] }, 'ANALYST')).feedback;
    expect(one).toMatchObject({ id: ids[0], status: 'NEW', caseCount: 0, createdBy: null });
    const missing = await t.gql(GET, { id: `fbk_${hex()}` }, 'ADMIN');
    expect(ok(missing).feedback).toBeNull();
  });

  it('shows source cases in the caller\'s case scope; caseCount counts all; ANALYST and MARKETING get no cases', async () => {
    const f = await makeFeedback(sofa);
    const mine = await makeCase(rep1Customers[3], 'COMPLAINT', f);
    const theirs = await makeCase(rep2Customers[2], 'SUGGESTION', f);
    const sources = async (who: Who) => {
      const res = await t.gql(GET, { id: f }, who);
      return { data: res.body.data?.feedback, codes: codes(res) };
    };
    const admin = await sources('ADMIN');
    expect(admin.data.sourceCases.map((c: any) => c.id)).toEqual([mine, theirs]);
    expect(admin.data.caseCount).toBe(2);
    expect((await sources('SERVICE_AGENT')).data.sourceCases.map((c: any) => c.id)).toEqual([mine, theirs]);
    const rep1 = await sources('SALES_REP');
    expect(rep1.data.sourceCases).toEqual([{ id: mine, number: expect.any(String), type: 'COMPLAINT' }]);
    expect(rep1.data.caseCount).toBe(2);
    expect((await sources('SALES_REP_2')).data.sourceCases.map((c: any) => c.id)).toEqual([theirs]);
    expect((await sources('SALES_MANAGER')).data.sourceCases.map((c: any) => c.id)).toEqual([mine, theirs]);
    for (const who of ['ANALYST', 'MARKETING'] as Who[]) {
      const res = await sources(who);
      expect(res.codes).toEqual(['FORBIDDEN']);
      expect(res.data).toMatchObject({ id: f, caseCount: 2, sourceCases: null });
    }
  });

  it('hides the cases of deleted customers like `case(id)` does: not among sourceCases, not linkable or unlinkable', async () => {
    const f = await makeFeedback(sofa);
    const gone = `cus_${hex()}`;
    await t.sql(`insert into customer (id, name, kind, sector, owner_id) values (?, 'Gone Ltd', 'BUSINESS', 'OTHER', ?)`, [gone, adminId]);
    const linked = await makeCase(gone, 'COMPLAINT', f);
    const loose = await makeCase(gone, 'SUGGESTION');
    const live = await makeCase(rep1Customers[3], 'COMPLAINT', f);
    await t.sql(`update customer set deleted_at = now() where id = ?`, [gone]);
    expect(ok(await t.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: linked }, 'ADMIN')).case).toBeNull();
    for (const who of ['ADMIN', 'SERVICE_AGENT'] as Who[]) {
      const res = ok(await t.gql(GET, { id: f }, who)).feedback;
      expect(res.sourceCases.map((c: any) => c.id)).toEqual([live]);
      expect(res.caseCount).toBe(2); // the weight counts every linked case
    }
    expect(errorsOf(await link(loose, f))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
    expect(errorsOf(await unlink(linked))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'caseId'] }]);
    expect([await caseRow(linked), await caseRow(loose)]).toEqual([{ feedback_id: f, version: 1 }, { feedback_id: null, version: 1 }]);
  });
});

describe('suggestion value', () => {
  it('counts distinct accepted/shipped feedback and linked complaint/suggestion cases per customer, against hand numbers', async () => {
    const [a, b, c] = [rep1Customers[4], rep2Customers[3], rep2Customers[4]];
    const accepted = await makeFeedback(lamp, 'ACCEPTED');
    const shipped = await makeFeedback(lamp, 'SHIPPED');
    const fresh = await makeFeedback(lamp, 'NEW');
    const rejected = await makeFeedback(lamp, 'REJECTED');
    // a: two cases on the same accepted feedback (counts once), one on shipped, one on NEW, one unlinked suggestion, one repair.
    await makeCase(a, 'SUGGESTION', accepted);
    await makeCase(a, 'COMPLAINT', accepted);
    await makeCase(a, 'SUGGESTION', shipped);
    await makeCase(a, 'COMPLAINT', fresh);
    await makeCase(a, 'SUGGESTION');
    await makeCase(a, 'REPAIR');
    // b: one complaint on rejected feedback.
    await makeCase(b, 'COMPLAINT', rejected);
    const Q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { suggestionValue { acceptedFeedbackCount suggestionCount } } } }`;
    const values = ok(await t.gql(Q, { ids: [a, b, c] }, 'ADMIN')).nodes.map((n: any) => n.suggestionValue);
    expect(values).toEqual([
      { acceptedFeedbackCount: 2, suggestionCount: 4 },
      { acceptedFeedbackCount: 0, suggestionCount: 1 },
      { acceptedFeedbackCount: 0, suggestionCount: 0 },
    ]);
    // Accepting the NEW feedback raises a's accepted count; rejecting the shipped one is not allowed (final).
    expect((await update({ id: fresh, version: 1, status: 'ACCEPTED' })).errors).toEqual([]);
    const after = ok(await t.gql(Q, { ids: [a] }, 'FINANCE')).nodes[0].suggestionValue;
    expect(after).toEqual({ acceptedFeedbackCount: 3, suggestionCount: 4 });
    // Readers: staff of every role that sees the customer (each in its own customer scope), not partners or keys.
    for (const who of ['SALES_REP', 'SALES_MANAGER', 'SERVICE_AGENT', 'MARKETING', 'ANALYST'] as Who[]) {
      expect({ who, value: ok(await t.gql(Q, { ids: [a] }, who)).nodes[0]?.suggestionValue }).toEqual({ who, value: after });
    }
    const partner = await t.gql(`query($id: ID!) { customer(id: $id) { id suggestionValue { suggestionCount } } }`, { id: partnerCustomer }, 'PARTNER');
    expect(codes(partner)).toEqual(['FORBIDDEN']);
    expect(partner.body.data.customer).toEqual({ id: partnerCustomer, suggestionValue: null });
    const key = await t.gql(`query($id: ID!) { customer(id: $id) { id suggestionValue { suggestionCount } } }`, { id: a }, integration);
    expect(codes(key)).toEqual(['FORBIDDEN']);
    expect(key.body.data.customer).toEqual({ id: a, suggestionValue: null });
  });
});

describe('roles', () => {
  it('PARTNER and FINANCE read no feedback; only ADMIN and SERVICE_AGENT write; nothing changes on a denial', async () => {
    const f = await makeFeedback(sofa);
    const c = await makeCase(partnerCustomer, 'COMPLAINT');
    for (const who of ['PARTNER', 'FINANCE'] as Who[]) {
      expect(codes(await t.gql('{ productFeedback(first: 1) { totalCount } }', {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(GET, { id: f }, who))).toEqual(['FORBIDDEN']);
    }
    const node = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: f }, 'PARTNER');
    expect(ok(node).node).toBeNull();
    expect(codes(await t.gql('{ productFeedback(first: 1) { totalCount } }', {}, integration))).toEqual(['FORBIDDEN']);
    const viaProduct = await t.gql(`query($id: ID!) { product(id: $id) { id feedback(first: 1) { totalCount } } }`, { id: sofa }, 'PARTNER');
    expect(codes(viaProduct)).toEqual(['FORBIDDEN']);
    expect(viaProduct.body.data.product).toEqual({ id: sofa, feedback: null });

    const before = await count('product_feedback');
    for (const who of ['PARTNER', 'SALES_REP', 'SALES_MANAGER', 'MARKETING', 'ANALYST', 'FINANCE'] as Who[]) {
      expect({ who, codes: codes(await t.gql(CREATE, { i: { productId: sofa, summary: 'denied' } }, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
      expect({ who, codes: codes(await t.gql(UPDATE, { i: { id: f, version: 1, status: 'ACCEPTED' } }, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
      expect({ who, codes: codes(await t.gql(LINK, { i: { caseId: c, feedbackId: f } }, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
      expect({ who, codes: codes(await t.gql(UNLINK, { i: { caseId: c } }, who)) }).toEqual({ who, codes: ['FORBIDDEN'] });
    }
    expect(codes(await t.gql(CREATE, { i: { productId: sofa, summary: 'denied' } }, integration))).toEqual(['FORBIDDEN']);
    expect(await count('product_feedback')).toBe(before);
    expect(await caseRow(c)).toEqual({ feedback_id: null, version: 1 });
    expect((await t.sql<{ status: string }>('select status from product_feedback where id = ?', [f]))[0].status).toBe('NEW');

    // ADMIN writes too.
    expect((await link(c, f, 'ADMIN')).errors).toEqual([]);
    expect((await update({ id: f, version: 1, status: 'ACCEPTED' }, 'ADMIN')).feedback.status).toBe('ACCEPTED');
  });
});

describe('ServiceCase.feedback', () => {
  it('shows a case\'s feedback to feedback readers who see the case; PARTNER gets null with FORBIDDEN', async () => {
    const f = await makeFeedback(lamp, 'ACCEPTED');
    const repCase = await makeCase(rep1Customers[0], 'SUGGESTION', f);
    const partnerCase = await makeCase(partnerCustomer, 'COMPLAINT', f);
    const Q = `query($id: ID!) { node(id: $id) { id ... on ServiceCase { feedbackId feedback { id status } } } }`;
    expect(ok(await t.gql(Q, { id: repCase }, 'SALES_REP')).node).toEqual({ id: repCase, feedbackId: f, feedback: { id: f, status: 'ACCEPTED' } });
    expect(ok(await t.gql(Q, { id: repCase }, 'SALES_REP_2')).node).toBeNull();
    const partner = await t.gql(Q, { id: partnerCase }, 'PARTNER');
    expect(codes(partner)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(partner.body.data.node).toEqual({ id: partnerCase, feedbackId: null, feedback: null });
    const unlinked = await makeCase(rep1Customers[0], 'COMPLAINT');
    expect(ok(await t.gql(Q, { id: unlinked }, 'SERVICE_AGENT')).node).toEqual({ id: unlinked, feedbackId: null, feedback: null });
  });
});

describe('statement counts', () => {
  it('productFeedback { sourceCases product createdBy caseCount } runs the same statements for 2 and 8 rows', async () => {
    const product = `prd_${hex()}`;
    await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, 'NPLUS-1', 'N+1 chair', 'Furniture', 99, '{}')`, [product]);
    for (let i = 0; i < 8; i++) {
      const f = await makeFeedback(product, i % 2 ? 'ACCEPTED' : 'NEW');
      await makeCase(rep1Customers[i % rep1Customers.length], 'COMPLAINT', f);
      await makeCase(rep2Customers[i % rep2Customers.length], 'SUGGESTION', f);
    }
    const Q = (n: number) => `{ productFeedback(first: ${n}, filter: { productId: { eq: "${product}" } }) { totalCount edges { node {
      id caseCount product { name } createdBy { name } sourceCases { id number } } } } }`;
    const run = async (n: number) => {
      let data: any;
      const statements = await t.countQueries(async () => { data = ok(await t.gql(Q(n), {}, 'SALES_MANAGER')); });
      return { statements, data };
    };
    await run(1); // warm the session
    const small = await run(2);
    const large = await run(8);
    expect(small.data.productFeedback.edges).toHaveLength(2);
    expect(large.data.productFeedback.edges).toHaveLength(8);
    expect(large.data.productFeedback.edges.every((e: any) => e.node.sourceCases.length === 2 && e.node.caseCount === 2)).toBe(true);
    expect(large.statements).toBe(small.statements);
  });

  it('customers { suggestionValue } and products { feedback } run the same statements for 2 and 8 rows', async () => {
    const CUSTOMERS = (n: number) => `{ customers(first: ${n}) { edges { node { id suggestionValue { acceptedFeedbackCount suggestionCount } } } } }`;
    const PRODUCTS = (n: number) => `{ products(first: ${n}) { edges { node { id feedback(first: 3) { totalCount edges { node { id caseCount } } } } } } }`;
    const shipped = await makeFeedback(sofa, 'SHIPPED');
    const newest = await t.sql<{ id: string }>('select id from customer where deleted_at is null order by created_at desc, id desc limit 8');
    for (const c of newest) await makeCase(c.id, 'SUGGESTION', shipped);
    for (const name of ['Armchair', 'Bench', 'Cabinet']) {
      const id = `prd_${hex()}`;
      await t.sql(`insert into product (id, sku, name, category, list_price, options_schema) values (?, ?, ?, 'Furniture', 10, '{}')`, [id, `SC-${name.toUpperCase()}`, name]);
      await makeFeedback(id);
      await makeFeedback(id, 'ACCEPTED');
    }
    const statementsOf = async (q: string) => {
      let data: any;
      const statements = await t.countQueries(async () => { data = ok(await t.gql(q, {}, 'ADMIN')); });
      return { statements, data };
    };
    await statementsOf(CUSTOMERS(1));
    const c2 = await statementsOf(CUSTOMERS(2));
    const c8 = await statementsOf(CUSTOMERS(8));
    expect(c8.data.customers.edges).toHaveLength(8);
    expect(c8.data.customers.edges.every((e: any) => e.node.suggestionValue.suggestionCount > 0 && e.node.suggestionValue.acceptedFeedbackCount > 0)).toBe(true);
    expect(c8.statements).toBe(c2.statements);
    const p2 = await statementsOf(PRODUCTS(2));
    const p8 = await statementsOf(PRODUCTS(8));
    expect(p2.data.products.edges.map((e: any) => e.node.feedback.totalCount)).toEqual([2, 2]); // Armchair, Bench
    expect(p8.data.products.edges.length).toBeGreaterThanOrEqual(5);
    expect(p8.data.products.edges.slice(0, 3).every((e: any) => e.node.feedback.edges.length === 2)).toBe(true);
    expect(p8.statements).toBe(p2.statements);
  });
});

import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Leads through HTTP: creation by every kind of caller (owner rules, web-form API keys, validation),
 * the record scope (rep own, manager team + unassigned, MARKETING/ADMIN all, others refused), filters
 * and orders, the PII rules on a lead's person, updates (versions, status rules), assignment rules,
 * and conversion: new or matched customer and contact, with or without an opportunity, all or nothing.
 */

let t: TestApp;
const users: Record<string, string> = {};
let webKey: string;
let readKey: string;
let campaignId: string;

const ok = (res: GqlResult) => {
  if (res.status !== 200 || res.body.errors) throw new Error(`unexpected response ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  return res.body.data;
};

async function createKey(scopes: string[]): Promise<string> {
  const res = ok(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { message } } }',
    { input: { name: `lead test ${scopes.join(' ')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey;
  expect(res.errors).toEqual([]);
  return res.secret;
}

beforeAll(async () => {
  t = await startTestApp();
  // A third rep outside the manager's team, and a deactivated rep inside it.
  for (const [email, extra] of [['rep3@demo.crm', {}], ['gone@demo.crm', {}]] as const) {
    const made = ok(await t.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } errors { message } } }',
      { input: { email, password: 'longpassword', name: email, role: 'SALES_REP', ...extra } }, 'ADMIN')).createUser;
    expect(made.errors).toEqual([]);
  }
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) users[u.email.split('@')[0]] = u.id;
  await t.sql('update app_user set manager_id = ?, active = false where id = ?', [users.manager, users.gone]);
  webKey = await createKey(['customers:write']);
  readKey = await createKey(['customers:read']);
  campaignId = ok(await t.gql(`mutation { createCampaign(input: { name: "Spring fair", channel: EVENT, startsOn: "2026-03-01", endsOn: "2026-03-31" }) {
    campaign { id } errors { message } } }`, {}, 'MARKETING')).createCampaign.campaign.id;
});
afterAll(async () => { await t.close(); });

/** Without e-mail and phone: MARKETING may not read those of a lead without consent. */
const LEAD_FIELDS = `id firstName lastName company title source score status marketingConsent disqualifiedReason version
  owner { id } campaign { id } convertedAt convertedCustomer { id } convertedContact { id }`;

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ${LEAD_FIELDS} } errors { code field message } } }`;
const CREATE_PII = `mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ${LEAD_FIELDS} email phone } errors { code field message } } }`;
const UPDATE = `mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { ${LEAD_FIELDS} } errors { code field message } } }`;
const ASSIGN = `mutation($input: AssignLeadInput!) { assignLead(input: $input) { lead { id version owner { id } } errors { code field message } } }`;
const CONVERT = `mutation($input: ConvertLeadInput!) { convertLead(input: $input) {
  lead { id status version convertedAt convertedCustomer { id } convertedContact { id } }
  customer { id name kind sector source owner { id } } contact { id firstName lastName title primary emails { address } phones { number } marketingConsent }
  opportunity { id } customerCreated errors { code field message } } }`;

let counter = 0;
/** A fresh lead through the API (as MARKETING unless said otherwise); returns its id. */
async function lead(input: Record<string, unknown> = {}, as: Who | Caller = 'MARKETING'): Promise<string> {
  counter += 1;
  const res = ok(await t.gql('mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } errors { code field message } } }',
    { input: { firstName: 'Lena', lastName: `Lead${counter}`, ...input } }, as)).createLead;
  expect(res.errors).toEqual([]);
  return res.lead.id;
}

const leadRow = async (id: string) => (await t.sql<any>('select * from lead where id = ?', [id]))[0];
const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

// -------------------------------------------------------------------------------------------- create

describe('createLead', () => {
  test('MARKETING creates an unassigned lead with the defaults', async () => {
    const res = ok(await t.gql(CREATE_PII, { input: { firstName: ' Nora ', lastName: 'Nilsen', email: 'Nora@Example.COM', phone: '+46 40 123456', company: '', score: 55, marketingConsent: true } }, 'MARKETING')).createLead;
    expect(res.errors).toEqual([]);
    expect(res.lead).toMatchObject({
      firstName: 'Nora', lastName: 'Nilsen', company: null, email: 'nora@example.com', phone: '+46 40 123456', source: 'OTHER', score: 55,
      status: 'NEW', marketingConsent: true, owner: null, campaign: null, version: 1, convertedAt: null, disqualifiedReason: null,
    });
    const plain = ok(await t.gql(CREATE_PII, { input: { firstName: 'Odd', lastName: 'Default' } }, 'ADMIN')).createLead;
    expect(plain.lead).toMatchObject({ score: 0, marketingConsent: false, source: 'OTHER', status: 'NEW', email: null });
    const row = await leadRow(res.lead.id);
    expect(row.created_by).toBe(users.marketing);
    expect(row.owner_id).toBeNull();
  });

  test('a campaign makes the source CAMPAIGN; MARKETING may assign anyone in sales', async () => {
    const res = ok(await t.gql(CREATE, { input: { firstName: 'Carl', lastName: 'Camp', campaignId, ownerId: users.rep3 } }, 'MARKETING')).createLead;
    expect(res.errors).toEqual([]);
    expect(res.lead).toMatchObject({ source: 'CAMPAIGN', campaign: { id: campaignId }, owner: { id: users.rep3 } });
  });

  test('a rep owns the leads they create and may not give them away', async () => {
    const mine = ok(await t.gql(CREATE, { input: { firstName: 'Rita', lastName: 'Own' } }, 'SALES_REP')).createLead;
    expect(mine.lead.owner).toEqual({ id: users.rep1 });
    const other = ok(await t.gql(CREATE, { input: { firstName: 'Rita', lastName: 'Gift', ownerId: users.rep2 } }, 'SALES_REP')).createLead;
    expect(other.lead).toBeNull();
    expect(other.errors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'ownerId'], message: expect.any(String) }]);
  });

  test('a manager owns it by default, may pick someone in the team, not outside it', async () => {
    const own = ok(await t.gql(CREATE, { input: { firstName: 'Max', lastName: 'Self' } }, 'SALES_MANAGER')).createLead;
    expect(own.lead.owner).toEqual({ id: users.manager });
    const team = ok(await t.gql(CREATE, { input: { firstName: 'Max', lastName: 'Team', ownerId: users.rep2 } }, 'SALES_MANAGER')).createLead;
    expect(team.lead.owner).toEqual({ id: users.rep2 });
    const outside = ok(await t.gql(CREATE, { input: { firstName: 'Max', lastName: 'Out', ownerId: users.rep3 } }, 'SALES_MANAGER')).createLead;
    expect(outside.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'ownerId'], message: 'No such user in your team.' }]);
    const gone = ok(await t.gql(CREATE, { input: { firstName: 'Max', lastName: 'Gone', ownerId: users.gone } }, 'SALES_MANAGER')).createLead;
    expect(gone.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'ownerId'], message: expect.stringMatching(/deactivated/) }]);
    const marketing = ok(await t.gql(CREATE, { input: { firstName: 'Max', lastName: 'Mkt', ownerId: users.marketing } }, 'ADMIN')).createLead;
    expect(marketing.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'ownerId'], message: expect.stringMatching(/sales reps or sales managers/) }]);
  });

  test('a web form pushes a lead with a customers:write key; the key reads back what it wrote', async () => {
    const res = ok(await t.gql(CREATE_PII, { input: { firstName: 'Wendy', lastName: 'Web', email: 'wendy@web.example', campaignId } }, { apiKey: webKey })).createLead;
    expect(res.errors).toEqual([]);
    // its own lead: names and e-mail readable; campaigns are not for keys
    expect(res.lead).toMatchObject({ firstName: 'Wendy', email: 'wendy@web.example', owner: null, campaign: null, source: 'CAMPAIGN' });
    const plain = ok(await t.gql(CREATE, { input: { firstName: 'Walt', lastName: 'Web' } }, { apiKey: webKey })).createLead;
    expect(plain.lead.source).toBe('WEB');
    const keyId = (await t.sql<{ id: string }>('select id from api_key where name = ?', ['lead test customers:write']))[0].id;
    expect((await leadRow(plain.lead.id)).created_by).toBe(keyId);
    const assigning = ok(await t.gql(CREATE, { input: { firstName: 'Walt', lastName: 'Owner', ownerId: users.rep1 } }, { apiKey: webKey })).createLead;
    expect(assigning.errors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'ownerId'], message: expect.any(String) }]);
  });

  test('validation errors name the field and create nothing', async () => {
    const before = await count('lead');
    const cases: [Record<string, unknown>, string[]][] = [
      [{ firstName: '  ' }, ['input', 'firstName']],
      [{ email: 'not-an-email' }, ['input', 'email']],
      [{ phone: '+12 34' }, ['input', 'phone']],
      [{ score: 101 }, ['input', 'score']],
      [{ score: -1 }, ['input', 'score']],
      [{ campaignId: 'cmp_nope' }, ['input', 'campaignId']],
    ];
    for (const [input, field] of cases) {
      const res = ok(await t.gql(CREATE, { input: { firstName: 'V', lastName: 'Val', ...input } }, 'MARKETING')).createLead;
      expect(res.lead).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field })]);
    }
    const unknown = ok(await t.gql(CREATE, { input: { firstName: 'V', lastName: 'Val', campaignId: `cmp_${'0'.repeat(32)}` } }, 'MARKETING')).createLead;
    expect(unknown.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'campaignId'], message: 'Campaign not found.' }]);
    expect(await count('lead')).toBe(before);
  });

  test('roles without leads, and read-only keys, may not create them', async () => {
    const before = await count('lead');
    for (const who of ['SERVICE_AGENT', 'FINANCE', 'ANALYST', 'PARTNER', { apiKey: readKey }] as (Who | Caller)[]) {
      const res = await t.gql(CREATE, { input: { firstName: 'No', lastName: 'Way' } }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
    expect(codes(await t.gql(CREATE, { input: { firstName: 'No', lastName: 'Way' } }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await count('lead')).toBe(before);
  });
});

// --------------------------------------------------------------------------------------------- scope

describe('who sees which lead', () => {
  const ids: Record<string, string> = {};
  const LIST = `query($filter: LeadFilter, $first: Int) { leads(first: $first, filter: $filter) { totalCount edges { node { id } } } }`;
  const expected = async (where: string, params: unknown[] = []) =>
    (await t.sql<{ id: string }>(`select id from lead where ${where} order by id`, params)).map((r) => r.id);
  const listed = async (who: Who) => {
    const data = ok(await t.gql(LIST, { first: 100 }, who)).leads;
    expect(data.edges.length).toBe(data.totalCount);
    return data.edges.map((e: any) => e.node.id).sort();
  };

  beforeAll(async () => {
    ids.rep1 = await lead({ ownerId: users.rep1 });
    ids.rep2 = await lead({ ownerId: users.rep2 });
    ids.rep3 = await lead({ ownerId: users.rep3 });
    ids.none = await lead();
    ids.manager = await lead({ ownerId: users.manager });
  });

  test('a rep sees their own leads only', async () => {
    const mine = await listed('SALES_REP');
    expect(mine).toEqual(await expected('owner_id = ?', [users.rep1]));
    expect(mine).toContain(ids.rep1);
    expect(mine).not.toContain(ids.rep2);
    expect(mine).not.toContain(ids.none);
  });

  test('a manager sees their team\'s leads and the unassigned ones, not an outsider\'s', async () => {
    const seen = await listed('SALES_MANAGER');
    expect(seen).toEqual(await expected('owner_id is null or owner_id in (?, ?, ?, ?)', [users.manager, users.rep1, users.rep2, users.gone]));
    expect(seen).toEqual(expect.arrayContaining([ids.rep1, ids.rep2, ids.none, ids.manager]));
    expect(seen).not.toContain(ids.rep3);
  });

  test('MARKETING and ADMIN see every lead', async () => {
    const all = await expected('true');
    expect(all.length).toBeGreaterThan(10);
    expect(await listed('MARKETING')).toEqual(all);
    expect(await listed('ADMIN')).toEqual(all);
  });

  test('lead(id) and node(id): null outside the scope, never a hint', async () => {
    const one = `query($id: ID!) { lead(id: $id) { id } }`;
    const node = `query($id: ID!) { node(id: $id) { id ... on Lead { status } } }`;
    expect(ok(await t.gql(one, { id: ids.rep1 }, 'SALES_REP')).lead.id).toBe(ids.rep1);
    for (const [who, id] of [['SALES_REP', ids.rep2], ['SALES_REP', ids.none], ['SALES_MANAGER', ids.rep3]] as [Who, string][]) {
      expect(ok(await t.gql(one, { id }, who)).lead).toBeNull();
      expect(ok(await t.gql(node, { id }, who)).node).toBeNull();
    }
    expect(ok(await t.gql(one, { id: `led_${'0'.repeat(32)}` }, 'ADMIN')).lead).toBeNull();
    expect(ok(await t.gql(node, { id: ids.rep3 }, 'MARKETING')).node).toEqual({ id: ids.rep3, status: 'NEW' });
    expect(ok(await t.gql(node, { id: ids.none }, 'SALES_MANAGER')).node.id).toBe(ids.none);
    // roles without a lead scope: the lead does not exist for them
    for (const who of ['FINANCE', 'SERVICE_AGENT', 'ANALYST', 'PARTNER'] as Who[]) {
      expect(ok(await t.gql(node, { id: ids.rep1 }, who)).node).toBeNull();
    }
  });

  test('roles without a lead scope are refused the lead queries', async () => {
    for (const who of ['FINANCE', 'SERVICE_AGENT', 'ANALYST', 'PARTNER', { apiKey: webKey }] as (Who | Caller)[]) {
      const res = await t.gql(LIST, { first: 5 }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------- filters and order

describe('filters and order', () => {
  let tagged: string;
  const made: Record<string, string> = {};
  const LIST = `query($filter: LeadFilter, $orderBy: [LeadOrderBy!], $first: Int, $after: String) {
    leads(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } edges { node { id score } } } }`;

  beforeAll(async () => {
    tagged = `Filterco ${Date.now()}`;
    made.low = await lead({ company: tagged, score: 10, source: 'TRADE_SHOW' });
    made.mid = await lead({ company: tagged, score: 50, source: 'REFERRAL', ownerId: users.rep2 });
    made.high = await lead({ company: tagged, score: 90, source: 'REFERRAL', campaignId });
    made.top = await lead({ company: tagged, score: 90, source: 'WEB', marketingConsent: true });
  });

  const ids = async (filter: Record<string, unknown>, orderBy?: unknown) =>
    ok(await t.gql(LIST, { first: 100, filter: { company: { eq: tagged }, ...filter }, orderBy }, 'ADMIN')).leads.edges.map((e: any) => e.node.id);

  test('by source, campaign, owner, score range, consent and creation time', async () => {
    expect(new Set(await ids({ source: { eq: 'REFERRAL' } }))).toEqual(new Set([made.mid, made.high]));
    expect(await ids({ campaignId: { eq: campaignId } })).toEqual([made.high]);
    expect(new Set(await ids({ campaignId: { isNull: true } }))).toEqual(new Set([made.low, made.mid, made.top]));
    expect(await ids({ ownerId: { eq: users.rep2 } })).toEqual([made.mid]);
    expect(new Set(await ids({ ownerId: { isNull: true } }))).toEqual(new Set([made.low, made.high, made.top]));
    expect(new Set(await ids({ score: { gte: 50, lt: 90 } }))).toEqual(new Set([made.mid]));
    expect(new Set(await ids({ score: { gte: 90 } }))).toEqual(new Set([made.high, made.top]));
    expect(await ids({ marketingConsent: { eq: true } })).toEqual([made.top]);
    expect(await ids({ status: { in: ['QUALIFIED', 'CONVERTED'] } })).toEqual([]);
    expect(await ids({ createdAt: { gt: new Date(Date.now() + 60_000).toISOString() } })).toEqual([]);
    expect((await ids({ createdAt: { lte: new Date(Date.now() + 60_000).toISOString() } })).length).toBe(4);
    expect(await ids({ or: [{ score: { lte: 10 } }, { source: { eq: 'WEB' } }], not: { id: { eq: made.low } } })).toEqual([made.top]);
  });

  test('by score, highest first, ties by id, across pages', async () => {
    const expected = (await t.sql<{ id: string }>('select id from lead where company = ? order by score desc, id desc', [tagged])).map((r) => r.id);
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const conn: any = ok(await t.gql(LIST, { first: 3, after, filter: { company: { eq: tagged } }, orderBy: [{ field: 'SCORE', direction: 'DESC' }] }, 'ADMIN')).leads;
      walked.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(walked).toEqual(expected);
    expect(walked[walked.length - 1]).toBe(made.low);
  });

  test('bad arguments are BAD_USER_INPUT', async () => {
    expect(codes(await t.gql(LIST, { first: 101 }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(LIST, { first: 5, after: 'garbage' }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

// ------------------------------------------------------------------------------------------------ PII

test('a lead\'s person: e-mail and phone hidden from MARKETING without the lead\'s consent', async () => {
  const consenting = await lead({ email: 'yes@consent.example', phone: '+49 30 1111111', marketingConsent: true, ownerId: users.rep1 });
  const refusing = await lead({ email: 'no@consent.example', phone: '+49 30 2222222', ownerId: users.rep1 });
  const q = `query($id: ID!) { lead(id: $id) { firstName lastName email phone company } }`;
  const asMarketing = await t.gql(q, { id: consenting }, 'MARKETING');
  expect(asMarketing.body.errors).toBeUndefined();
  expect(asMarketing.body.data.lead).toMatchObject({ email: 'yes@consent.example', phone: '+49 30 1111111' });
  const denied = await t.gql(q, { id: refusing }, 'MARKETING');
  expect(denied.body.data.lead).toMatchObject({ firstName: 'Lena', email: null, phone: null });
  expect(denied.body.errors!.map((e) => [e.path!.join('.'), e.extensions!.code]).sort()).toEqual([['lead.email', 'FORBIDDEN'], ['lead.phone', 'FORBIDDEN']]);
  // the owning rep sees it all
  expect(ok(await t.gql(q, { id: refusing }, 'SALES_REP')).lead.email).toBe('no@consent.example');
});

// ------------------------------------------------------------------------------------------- update

describe('updateLead', () => {
  const read = async (id: string) => ok(await t.gql(`query($id: ID!) { lead(id: $id) { version status disqualifiedReason } }`, { id }, 'ADMIN')).lead;

  test('changes fields and bumps the version; a stale version is a CONFLICT', async () => {
    const id = await lead({ ownerId: users.rep1 });
    const res = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'WORKING', score: 70, company: 'Acme', campaignId } }, 'SALES_REP')).updateLead;
    expect(res.errors).toEqual([]);
    expect(res.lead).toMatchObject({ status: 'WORKING', score: 70, company: 'Acme', version: 2, campaign: { id: campaignId } });
    const stale = ok(await t.gql(UPDATE, { input: { id, version: 1, score: 10 } }, 'SALES_REP')).updateLead;
    expect(stale.lead).toBeNull();
    expect(stale.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'version'] })]);
    expect((await leadRow(id)).score).toBe(70);
    // nothing changed: no new version
    const same = ok(await t.gql(UPDATE, { input: { id, version: 2, score: 70 } }, 'SALES_REP')).updateLead;
    expect(same.lead.version).toBe(2);
    // null clears an optional field
    const cleared = ok(await t.gql(UPDATE, { input: { id, version: 2, company: null, campaignId: null } }, 'SALES_REP')).updateLead;
    expect(cleared.lead).toMatchObject({ company: null, campaign: null, version: 3 });
  });

  test('DISQUALIFIED needs a reason; leaving it clears the reason; a reason is refused otherwise', async () => {
    const id = await lead();
    const noReason = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'DISQUALIFIED' } }, 'MARKETING')).updateLead;
    expect(noReason.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'disqualifiedReason'] })]);
    const blank = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'DISQUALIFIED', disqualifiedReason: '  ' } }, 'MARKETING')).updateLead;
    expect(blank.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'disqualifiedReason'] })]);
    const done = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'DISQUALIFIED', disqualifiedReason: 'Student, no budget' } }, 'MARKETING')).updateLead;
    expect(done.errors).toEqual([]);
    expect(done.lead).toMatchObject({ status: 'DISQUALIFIED', disqualifiedReason: 'Student, no budget', version: 2 });
    // clearing the reason while staying DISQUALIFIED is refused
    const clear = ok(await t.gql(UPDATE, { input: { id, version: 2, disqualifiedReason: null } }, 'MARKETING')).updateLead;
    expect(clear.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'disqualifiedReason'] })]);
    const reopened = ok(await t.gql(UPDATE, { input: { id, version: 2, status: 'WORKING' } }, 'MARKETING')).updateLead;
    expect(reopened.lead).toMatchObject({ status: 'WORKING', disqualifiedReason: null, version: 3 });
    const stray = ok(await t.gql(UPDATE, { input: { id, version: 3, disqualifiedReason: 'why not' } }, 'MARKETING')).updateLead;
    expect(stray.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'disqualifiedReason'] })]);
    expect(await read(id)).toEqual({ version: 3, status: 'WORKING', disqualifiedReason: null });
  });

  test('CONVERTED only through convertLead', async () => {
    const id = await lead();
    const res = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'CONVERTED' } }, 'ADMIN')).updateLead;
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'status'] })]);
    expect(await read(id)).toMatchObject({ status: 'NEW', version: 1 });
  });

  test('validation, scope and roles', async () => {
    const id = await lead({ ownerId: users.rep2 });
    const bad = ok(await t.gql(UPDATE, { input: { id, version: 1, score: 200, email: 'x' } }, 'ADMIN')).updateLead;
    expect(bad.errors.map((e: any) => e.field)).toEqual([['input', 'email'], ['input', 'score']]);
    const nullName = ok(await t.gql(UPDATE, { input: { id, version: 1, firstName: null } }, 'ADMIN')).updateLead;
    expect(nullName.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'firstName'] })]);
    const outsider = ok(await t.gql(UPDATE, { input: { id, version: 1, score: 5 } }, 'SALES_REP')).updateLead;
    expect(outsider.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'], message: 'Lead not found.' }]);
    const byManager = ok(await t.gql(UPDATE, { input: { id, version: 1, score: 5 } }, 'SALES_MANAGER')).updateLead;
    expect(byManager.lead.score).toBe(5);
    for (const who of ['FINANCE', 'SERVICE_AGENT', 'ANALYST', { apiKey: webKey }] as (Who | Caller)[]) {
      expect(codes(await t.gql(UPDATE, { input: { id, version: 2, score: 6 } }, who))).toEqual(['FORBIDDEN']);
    }
    expect((await leadRow(id)).score).toBe(5);
  });
});

// ------------------------------------------------------------------------------------------- assign

describe('assignLead', () => {
  test('a manager assigns an unassigned lead within the team; the rep then sees it', async () => {
    const id = await lead();
    expect(ok(await t.gql(`query($id: ID!) { lead(id: $id) { id } }`, { id }, 'SALES_REP')).lead).toBeNull();
    const res = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep1 } }, 'SALES_MANAGER')).assignLead;
    expect(res.errors).toEqual([]);
    expect(res.lead).toMatchObject({ owner: { id: users.rep1 }, version: 2 });
    expect(ok(await t.gql(`query($id: ID!) { lead(id: $id) { id owner { id } } }`, { id }, 'SALES_REP')).lead.owner.id).toBe(users.rep1);
    // moving it on within the team, with the version read
    const moved = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep2, version: 2 } }, 'SALES_MANAGER')).assignLead;
    expect(moved.lead).toMatchObject({ owner: { id: users.rep2 }, version: 3 });
    const stale = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep1, version: 2 } }, 'SALES_MANAGER')).assignLead;
    expect(stale.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'version'] })]);
  });

  test('a manager never assigns outside the team, nor leads outside it', async () => {
    const id = await lead();
    const out = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep3 } }, 'SALES_MANAGER')).assignLead;
    expect(out.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'ownerId'], message: 'No such user in your team.' }]);
    const theirs = await lead({ ownerId: users.rep3 });
    const foreign = ok(await t.gql(ASSIGN, { input: { leadId: theirs, ownerId: users.rep1 } }, 'SALES_MANAGER')).assignLead;
    expect(foreign.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'leadId'], message: 'Lead not found.' }]);
    const gone = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.gone } }, 'SALES_MANAGER')).assignLead;
    expect(gone.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'ownerId'] })]);
    expect((await leadRow(id)).owner_id).toBeNull();
    expect((await leadRow(theirs)).owner_id).toBe(users.rep3);
  });

  test('MARKETING and ADMIN assign to any active sales user, nobody else', async () => {
    const id = await lead({ ownerId: users.rep1 });
    const res = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep3 } }, 'MARKETING')).assignLead;
    expect(res.lead.owner.id).toBe(users.rep3);
    const toManager = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.manager } }, 'ADMIN')).assignLead;
    expect(toManager.lead.owner.id).toBe(users.manager);
    for (const target of [users.finance, users.marketing, users.admin]) {
      const refused = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: target } }, 'MARKETING')).assignLead;
      expect(refused.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'ownerId'] })]);
    }
    const unknown = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: `usr_${'0'.repeat(32)}` } }, 'MARKETING')).assignLead;
    expect(unknown.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'ownerId'] })]);
    const malformed = ok(await t.gql(ASSIGN, { input: { leadId: 'x', ownerId: users.rep1 } }, 'MARKETING')).assignLead;
    expect(malformed.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'leadId'] })]);
    expect((await leadRow(id)).owner_id).toBe(users.manager);
  });

  test('reps and other roles may not assign', async () => {
    const id = await lead({ ownerId: users.rep1 });
    for (const who of ['SALES_REP', 'FINANCE', 'SERVICE_AGENT', 'ANALYST', 'PARTNER', { apiKey: webKey }] as (Who | Caller)[]) {
      const res = await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep2 } }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
    expect((await leadRow(id)).owner_id).toBe(users.rep1);
  });
});

// ------------------------------------------------------------------------------------------ convert

describe('convertLead', () => {
  const OPP = { name: 'First order', amount: '12000.5', currency: 'eur', expectedCloseDate: '2026-06-30' };

  test('a business lead becomes a new customer, primary contact and opportunity', async () => {
    const id = await lead({
      company: 'Brand New Widgets AG', title: 'Buyer', email: 'bea@brandnew.example', phone: '+49 89 555123', marketingConsent: true,
      ownerId: users.rep1, campaignId, source: 'TRADE_SHOW',
    });
    await t.gql(UPDATE, { input: { id, version: 2, status: 'QUALIFIED' } }, 'SALES_REP');
    const auditBefore = await count('audit_event');
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_REP')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customerCreated).toBe(true);
    expect(res.customer).toMatchObject({ name: 'Brand New Widgets AG', kind: 'BUSINESS', sector: 'OTHER', source: 'CAMPAIGN', owner: { id: users.rep1 } });
    expect(res.contact).toMatchObject({
      firstName: 'Lena', title: 'Buyer', primary: true, emails: [{ address: 'bea@brandnew.example' }], phones: [{ number: '+49 89 555123' }], marketingConsent: true,
    });
    expect(res.lead).toMatchObject({ id, status: 'CONVERTED', convertedCustomer: { id: res.customer.id }, convertedContact: { id: res.contact.id } });
    expect(res.lead.convertedAt).toEqual(expect.any(String));
    expect(res.opportunity.id).toMatch(/^opp_/);
    const [opp] = await t.sql<any>('select customer_id, owner_id, campaign_id, lead_id, amount::text as amount, currency, stage, probability, expected_close_date::text as d from opportunity where id = ?', [res.opportunity.id]);
    expect(opp).toEqual({ customer_id: res.customer.id, owner_id: users.rep1, campaign_id: campaignId, lead_id: id, amount: '12000.50', currency: 'EUR', stage: 'PROSPECTING', probability: 10, d: '2026-06-30' });
    const row = await leadRow(id);
    expect(row).toMatchObject({ status: 'CONVERTED', converted_customer_id: res.customer.id, converted_contact_id: res.contact.id, converted_opportunity_id: res.opportunity.id });
    expect(await count('opportunity_stage_change where opportunity_id = \'' + res.opportunity.id + '\'')).toBe(1);
    // audited on the customer: customer, contact, opportunity, the conversion itself
    const audit = await t.sql<{ entity_type: string; action: string }>('select entity_type, action from audit_event where customer_id = ? order by entity_type', [res.customer.id]);
    expect(audit).toEqual([
      { entity_type: 'Contact', action: 'CREATE' }, { entity_type: 'Customer', action: 'CREATE' },
      { entity_type: 'Lead', action: 'UPDATE' }, { entity_type: 'Opportunity', action: 'CREATE' },
    ]);
    expect(await count('audit_event')).toBe(auditBefore + 4);
    // …and the new customer is an event, as from createCustomer (webhooks, live screens).
    expect(await t.sql('select type from outbox_event where entity_id = ?', [res.customer.id])).toEqual([{ type: 'customer.created' }]);
    // the rep reaches everything that was made
    const seen = ok(await t.gql(`query($id: ID!) { lead(id: $id) { convertedCustomer { name contacts { totalCount } } } }`, { id }, 'SALES_REP')).lead;
    expect(seen.convertedCustomer).toEqual({ name: 'Brand New Widgets AG', contacts: { totalCount: 1 } });
  });

  test('a consumer lead becomes an INDIVIDUAL customer, without an opportunity', async () => {
    const id = await lead({ firstName: 'Ines', lastName: 'Indie', email: 'ines@home.example', marketingConsent: true, ownerId: users.rep2 });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP_2')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customer).toMatchObject({ name: 'Ines Indie', kind: 'INDIVIDUAL', sector: 'CONSUMER', source: 'OTHER', owner: { id: users.rep2 } });
    expect(res.opportunity).toBeNull();
    const [c] = await t.sql<any>('select emails, marketing_consent, created_by from customer where id = ?', [res.customer.id]);
    expect(c).toEqual({ emails: [{ label: 'personal', address: 'ines@home.example' }], marketing_consent: true, created_by: users.rep2 });
    expect((await leadRow(id)).converted_opportunity_id).toBeNull();
  });

  test('an unassigned lead converted by a manager: the manager owns what is made', async () => {
    const id = await lead({ company: 'Unowned Org' });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_MANAGER')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customer.owner.id).toBe(users.manager);
    expect((await t.sql<any>('select owner_id from opportunity where id = ?', [res.opportunity.id]))[0].owner_id).toBe(users.manager);
  });

  test('matches the customer of a visible contact with the lead\'s e-mail, and reuses that contact', async () => {
    const [target] = await t.sql<{ customer_id: string; id: string; email: string }>(`select k.customer_id, k.id, k.emails->0->>'address' as email
      from contact k join customer c on c.id = k.customer_id where c.owner_id = ? and c.kind = 'BUSINESS' and k.deleted_at is null
      order by k.created_at, k.id limit 1`, [users.rep1]);
    const id = await lead({ company: 'Some other name', email: target.email.toUpperCase(), ownerId: users.rep1 });
    const customers = await count('customer');
    const contacts = await count('contact');
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_REP')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customerCreated).toBe(false);
    expect(res.customer.id).toBe(target.customer_id);
    expect(res.contact.id).toBe(target.id);
    expect(await count('customer')).toBe(customers);
    expect(await count('contact')).toBe(contacts);
    expect((await t.sql<any>('select customer_id from opportunity where id = ?', [res.opportunity.id]))[0].customer_id).toBe(target.customer_id);
  });

  test('matches a business customer by its exact name (ignoring case) and adds a non-primary contact', async () => {
    const [target] = await t.sql<{ id: string; name: string }>(`select c.id, c.name from customer c where c.owner_id = ? and c.kind = 'BUSINESS'
      and (select count(*) from customer d where lower(d.name) = lower(c.name)) = 1 order by c.created_at desc limit 1`, [users.rep1]);
    const id = await lead({ company: target.name.toLowerCase(), email: 'brand.new.person@nowhere.example', ownerId: users.rep1 });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res).toMatchObject({ customerCreated: false, customer: { id: target.id } });
    expect(res.contact).toMatchObject({ primary: false, emails: [{ address: 'brand.new.person@nowhere.example' }] });
  });

  test('customers the caller cannot see are never matched', async () => {
    const [theirs] = await t.sql<{ email: string; name: string }>(`select k.emails->0->>'address' as email, c.name from contact k
      join customer c on c.id = k.customer_id where c.owner_id = ? and c.kind = 'BUSINESS' order by k.created_at limit 1`, [users.rep2]);
    const id = await lead({ company: theirs.name, email: theirs.email, ownerId: users.rep1 });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP')).convertLead;
    expect(res.errors).toEqual([]);
    expect(res.customerCreated).toBe(true);
    expect(res.customer.owner.id).toBe(users.rep1);
  });

  test('an explicit customerId wins; an invisible one is NOT_FOUND', async () => {
    const [mine] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? order by created_at limit 1`, [users.rep1]);
    const [theirs] = await t.sql<{ id: string }>(`select id from customer where owner_id = ? order by created_at limit 1`, [users.rep2]);
    const id = await lead({ company: 'Ignored name', email: 'explicit@pick.example', ownerId: users.rep1 });
    const refused = ok(await t.gql(CONVERT, { input: { leadId: id, customerId: theirs.id } }, 'SALES_REP')).convertLead;
    expect(refused).toMatchObject({ lead: null, customer: null, customerCreated: false, errors: [{ code: 'NOT_FOUND', field: ['input', 'customerId'], message: 'Customer not found.' }] });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id, customerId: mine.id } }, 'SALES_REP')).convertLead;
    expect(res).toMatchObject({ errors: [], customerCreated: false, customer: { id: mine.id } });
  });

  test('several matching customers: the caller must pick one', async () => {
    const twins = await t.sql<{ id: string }>(`select id from customer where owner_id = ? and kind = 'BUSINESS' order by created_at limit 2`, [users.rep1]);
    for (const [i, c] of twins.entries()) {
      ok(await t.gql(`mutation($input: CreateContactInput!) { createContact(input: $input) { errors { message } } }`,
        { input: { customerId: c.id, firstName: 'Twin', lastName: String(i), emails: [{ label: 'work', address: 'twin@shared.example' }] } }, 'SALES_REP'));
    }
    const id = await lead({ email: 'twin@shared.example', ownerId: users.rep1 });
    const res = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP')).convertLead;
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'customerId'] })]);
    const picked = ok(await t.gql(CONVERT, { input: { leadId: id, customerId: twins[1].id } }, 'SALES_REP')).convertLead;
    expect(picked.errors).toEqual([]);
    expect(picked.contact.lastName).toBe('1'); // the contact with that e-mail at the picked customer
  });

  test('a converted lead cannot be converted (or changed, or reassigned) again', async () => {
    const id = await lead({ ownerId: users.rep1 });
    ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP'));
    const customers = await count('customer');
    const again = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_REP')).convertLead;
    expect(again).toMatchObject({ lead: null, customer: null, contact: null, opportunity: null, errors: [expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'leadId'] })] });
    expect(await count('customer')).toBe(customers);
    const version = (await leadRow(id)).version;
    const update = ok(await t.gql(UPDATE, { input: { id, version, score: 1 } }, 'SALES_REP')).updateLead;
    expect(update.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
    const assign = ok(await t.gql(ASSIGN, { input: { leadId: id, ownerId: users.rep2 } }, 'ADMIN')).assignLead;
    expect(assign.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
  });

  test('two conversions of the same lead at once: exactly one goes through', async () => {
    const id = await lead({ company: 'Race Condition GmbH', ownerId: users.rep1 });
    const customers = await count('customer');
    const results = await Promise.all([
      t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_REP'),
      t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_MANAGER'),
    ]);
    const payloads = results.map((r) => ok(r).convertLead);
    expect(payloads.filter((p) => p.errors.length === 0)).toHaveLength(1);
    // the second waits for the first one's row lock, then finds the lead converted
    expect(payloads.filter((p) => p.errors.length > 0).map((p) => p.errors[0].code)).toEqual(['BUSINESS_RULE']);
    expect(await count('customer')).toBe(customers + 1);
    expect(await t.sql(`select 1 from opportunity where lead_id = ?`, [id])).toHaveLength(1);
  });

  test('refusals: disqualified lead, bad opportunity input, someone else\'s lead, roles', async () => {
    const id = await lead({ ownerId: users.rep1, company: 'Refusal Corp' });
    const before = await Promise.all(['customer', 'contact', 'opportunity', 'audit_event'].map(count));
    const badOpp = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: { ...OPP, amount: '-5', currency: 'EURO', name: ' ' } } }, 'SALES_REP')).convertLead;
    expect(badOpp.errors.map((e: any) => e.field)).toEqual([
      ['input', 'createOpportunity', 'name'], ['input', 'createOpportunity', 'amount'], ['input', 'createOpportunity', 'currency'],
    ]);
    const unknownCurrency = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: { ...OPP, currency: 'XYZ' } } }, 'SALES_REP')).convertLead;
    expect(unknownCurrency.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'createOpportunity', 'currency'] })]);
    const foreign = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP_2')).convertLead;
    expect(foreign.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'leadId'], message: 'Lead not found.' }]);
    for (const who of ['MARKETING', 'FINANCE', 'SERVICE_AGENT', 'ANALYST', 'PARTNER', { apiKey: webKey }] as (Who | Caller)[]) {
      expect(codes(await t.gql(CONVERT, { input: { leadId: id } }, who))).toEqual(['FORBIDDEN']);
    }
    ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'DISQUALIFIED', disqualifiedReason: 'Duplicate' } }, 'SALES_REP'));
    const disqualified = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_REP')).convertLead;
    expect(disqualified.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'leadId'] })]);
    expect(await Promise.all(['customer', 'contact', 'opportunity', 'audit_event'].map(count))).toEqual(before);
    expect((await leadRow(id)).status).toBe('DISQUALIFIED');
  });

  test('a deactivated owner must hand the lead over first', async () => {
    const id = await lead({ ownerId: users.rep1 });
    await t.sql('update lead set owner_id = ? where id = ?', [users.gone, id]);
    const res = ok(await t.gql(CONVERT, { input: { leadId: id } }, 'SALES_MANAGER')).convertLead;
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'leadId'] })]);
  });

  describe('all or nothing', () => {
    const tables = ['customer', 'contact', 'opportunity', 'opportunity_stage_change', 'audit_event'];
    const snapshot = () => Promise.all(tables.map(count));

    test('the opportunity insert fails (a database check): no customer, contact, opportunity or lead change remains', async () => {
      const id = await lead({ company: 'Atomic Widgets', email: 'atom@atomic.example', ownerId: users.rep1 });
      const leadBefore = await leadRow(id);
      const before = await snapshot();
      // A check only the database knows: the deal is inserted after the customer and the contact.
      await t.sql(`alter table opportunity add constraint test_refuse_boom check (name <> 'Boom deal')`);
      try {
        const res = await t.gql(CONVERT, { input: { leadId: id, createOpportunity: { ...OPP, name: 'Boom deal' } } }, 'SALES_REP');
        expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(res.body.data).toBeNull();
      } finally {
        await t.sql('alter table opportunity drop constraint test_refuse_boom');
      }
      expect(await snapshot()).toEqual(before);
      expect(await t.sql(`select 1 from customer where name = 'Atomic Widgets'`)).toEqual([]);
      expect(await t.sql(`select 1 from contact where emails @> '[{"address": "atom@atomic.example"}]'`)).toEqual([]);
      expect(await leadRow(id)).toEqual(leadBefore);
      // the same conversion goes through once nothing stands in the way
      const res = ok(await t.gql(CONVERT, { input: { leadId: id, createOpportunity: { ...OPP, name: 'Boom deal' } } }, 'SALES_REP')).convertLead;
      expect(res.errors).toEqual([]);
      expect(await snapshot()).toEqual([before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1, before[4] + 4]);
    });

    test('the last write (the lead) fails: the customer and contact written before it are gone too', async () => {
      const id = await lead({ firstName: 'Boom', company: 'Late Failure Ltd', ownerId: users.rep1 });
      const leadBefore = await leadRow(id);
      const before = await snapshot();
      await t.sql(`alter table lead add constraint test_refuse_boom check (status <> 'CONVERTED' or first_name <> 'Boom')`);
      try {
        const res = await t.gql(CONVERT, { input: { leadId: id, createOpportunity: OPP } }, 'SALES_REP');
        expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
      } finally {
        await t.sql('alter table lead drop constraint test_refuse_boom');
      }
      expect(await snapshot()).toEqual(before);
      expect(await t.sql(`select 1 from customer where name = 'Late Failure Ltd'`)).toEqual([]);
      expect(await leadRow(id)).toEqual(leadBefore);
    });
  });
});

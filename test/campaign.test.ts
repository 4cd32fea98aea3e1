import { codes, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Campaigns through HTTP: create/update (roles, validation, versions), who reads campaigns and their
 * budget, filters and order, and `results` checked against numbers computed by hand on a small fixed
 * data set (as a whole and within each sales role's scope), with the statement count independent of
 * the page size.
 */

let t: TestApp;
const users: Record<string, string> = {};
let readKey: string;

const ok = (res: GqlResult) => {
  if (res.status !== 200 || res.body.errors) throw new Error(`unexpected response ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  return res.body.data;
};

beforeAll(async () => {
  t = await startTestApp();
  const rep3 = ok(await t.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { errors { message } } }',
    { input: { email: 'rep3@demo.crm', password: 'longpassword', name: 'Rex Outside', role: 'SALES_REP' } }, 'ADMIN')).createUser;
  expect(rep3.errors).toEqual([]);
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) users[u.email.split('@')[0]] = u.id;
  readKey = ok(await t.gql('mutation { createApiKey(input: { name: "campaign test", role: INTEGRATION, scopes: ["customers:read", "customers:write"] }) { secret } }', {}, 'ADMIN')).createApiKey.secret;
});
afterAll(async () => { await t.close(); });

const FIELDS = 'id name channel budget currency startsOn endsOn goal status version owner { id } createdAt updatedAt';
const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { ${FIELDS} } errors { code field message } } }`;
const UPDATE = `mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { ${FIELDS} } errors { code field message } } }`;
const BASE = { name: 'Autumn mailing', channel: 'EMAIL', startsOn: '2026-09-01', endsOn: '2026-09-30' };

async function campaign(input: Record<string, unknown> = {}): Promise<string> {
  const res = ok(await t.gql(CREATE, { input: { ...BASE, ...input } }, 'MARKETING')).createCampaign;
  expect(res.errors).toEqual([]);
  return res.campaign.id;
}

const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

// ------------------------------------------------------------------------------------------- writes

describe('createCampaign', () => {
  test('MARKETING creates one with the defaults; money and currency are normalised', async () => {
    const res = ok(await t.gql(CREATE, { input: { ...BASE, budget: '25000.5', goal: '300 qualified leads' } }, 'MARKETING')).createCampaign;
    expect(res.errors).toEqual([]);
    expect(res.campaign).toMatchObject({
      ...BASE, budget: '25000.50', currency: 'EUR', goal: '300 qualified leads', status: 'PLANNED', version: 1, owner: { id: users.marketing },
    });
    const [row] = await t.sql<any>('select budget::text as budget, starts_on::text as s, owner_id from campaign where id = ?', [res.campaign.id]);
    expect(row).toEqual({ budget: '25000.50', s: '2026-09-01', owner_id: users.marketing });
  });

  test('ADMIN creates one for a marketing owner, in another currency, on a single day', async () => {
    const res = ok(await t.gql(CREATE, { input: { ...BASE, currency: 'usd', ownerId: users.marketing, status: 'ACTIVE', endsOn: BASE.startsOn, budget: 0 } }, 'ADMIN')).createCampaign;
    expect(res.errors).toEqual([]);
    expect(res.campaign).toMatchObject({ currency: 'USD', owner: { id: users.marketing }, status: 'ACTIVE', budget: '0.00', endsOn: '2026-09-01' });
  });

  test('validation errors name the field and create nothing', async () => {
    const before = await count('campaign');
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ name: ' ' }, ['input', 'name'], 'VALIDATION'],
      [{ endsOn: '2026-08-31' }, ['input', 'endsOn'], 'VALIDATION'],
      [{ budget: '10.005' }, ['input', 'budget'], 'VALIDATION'],
      [{ budget: '-1' }, ['input', 'budget'], 'VALIDATION'],
      [{ currency: 'EURO' }, ['input', 'currency'], 'VALIDATION'],
      [{ currency: 'XYZ' }, ['input', 'currency'], 'VALIDATION'],
      [{ ownerId: 'usr_x' }, ['input', 'ownerId'], 'VALIDATION'],
      [{ ownerId: `usr_${'0'.repeat(32)}` }, ['input', 'ownerId'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const res = ok(await t.gql(CREATE, { input: { ...BASE, ...input } }, 'MARKETING')).createCampaign;
      expect(res.campaign).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ code, field })]);
    }
    const repOwner = ok(await t.gql(CREATE, { input: { ...BASE, ownerId: users.rep1 } }, 'ADMIN')).createCampaign;
    expect(repOwner.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'ownerId'], message: 'Campaigns are owned by MARKETING or ADMIN users.' }]);
    // a malformed date never reaches the service
    expect(codes(await t.gql(CREATE, { input: { ...BASE, startsOn: '2026-02-30' } }, 'MARKETING'))).toEqual(['BAD_USER_INPUT']);
    expect(await count('campaign')).toBe(before);
  });

  test('only MARKETING and ADMIN create campaigns', async () => {
    const before = await count('campaign');
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'FINANCE', 'ANALYST', 'PARTNER', { apiKey: readKey }] as (Who | Caller)[]) {
      const res = await t.gql(CREATE, { input: BASE }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
    expect(await count('campaign')).toBe(before);
  });
});

describe('updateCampaign', () => {
  test('changes fields and bumps the version; stale versions are a CONFLICT; nothing changed keeps it', async () => {
    const id = await campaign({ budget: '1000' });
    const res = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'ACTIVE', budget: '1500.25', goal: 'More', endsOn: '2026-10-15' } }, 'MARKETING')).updateCampaign;
    expect(res.errors).toEqual([]);
    expect(res.campaign).toMatchObject({ status: 'ACTIVE', budget: '1500.25', goal: 'More', endsOn: '2026-10-15', version: 2 });
    const stale = ok(await t.gql(UPDATE, { input: { id, version: 1, status: 'CANCELLED' } }, 'ADMIN')).updateCampaign;
    expect(stale.campaign).toBeNull();
    expect(stale.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'version'] })]);
    const same = ok(await t.gql(UPDATE, { input: { id, version: 2, status: 'ACTIVE' } }, 'ADMIN')).updateCampaign;
    expect(same.campaign.version).toBe(2);
    const cleared = ok(await t.gql(UPDATE, { input: { id, version: 2, budget: null, goal: null } }, 'ADMIN')).updateCampaign;
    expect(cleared.campaign).toMatchObject({ budget: null, goal: null, version: 3 });
    const [row] = await t.sql<any>('select status, budget, version from campaign where id = ?', [id]);
    expect(row).toEqual({ status: 'ACTIVE', budget: null, version: 3 });
  });

  test('validation (on the resulting period too), unknown ids, roles', async () => {
    const id = await campaign();
    const period = ok(await t.gql(UPDATE, { input: { id, version: 1, startsOn: '2026-10-01' } }, 'MARKETING')).updateCampaign;
    expect(period.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'endsOn'] })]);
    const nullName = ok(await t.gql(UPDATE, { input: { id, version: 1, name: null } }, 'MARKETING')).updateCampaign;
    expect(nullName.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'name'] })]);
    const owner = ok(await t.gql(UPDATE, { input: { id, version: 1, ownerId: users.finance } }, 'MARKETING')).updateCampaign;
    expect(owner.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'ownerId'] })]);
    const unknown = ok(await t.gql(UPDATE, { input: { id: `cmp_${'0'.repeat(32)}`, version: 1, name: 'x' } }, 'MARKETING')).updateCampaign;
    expect(unknown.errors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'], message: 'Campaign not found.' }]);
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'FINANCE', 'ANALYST'] as Who[]) {
      expect(codes(await t.gql(UPDATE, { input: { id, version: 1, name: 'Hijacked' } }, who))).toEqual(['FORBIDDEN']);
    }
    const toAdmin = ok(await t.gql(UPDATE, { input: { id, version: 1, ownerId: users.admin } }, 'MARKETING')).updateCampaign;
    expect(toAdmin.campaign).toMatchObject({ owner: { id: users.admin }, version: 2, name: BASE.name });
  });
});

// -------------------------------------------------------------------------------------------- reads

describe('reading campaigns', () => {
  let id: string;
  beforeAll(async () => { id = await campaign({ name: 'Readable', budget: '999.99' }); });

  const q = `query($id: ID!) { campaign(id: $id) { id name budget owner { id } } }`;

  test('campaign readers see every campaign; the others are refused or find nothing', async () => {
    const total = await count('campaign');
    for (const who of ['ADMIN', 'MARKETING', 'SALES_MANAGER', 'SALES_REP', 'FINANCE', 'ANALYST'] as Who[]) {
      const res = await t.gql('{ campaigns(first: 100) { totalCount edges { node { id } } } }', {}, who);
      expect(res.body.data.campaigns.totalCount).toBe(total);
      expect(res.body.data.campaigns.edges).toHaveLength(total);
      expect((await t.gql(q, { id }, who)).body.data.campaign.name).toBe('Readable');
    }
    for (const who of ['SERVICE_AGENT', 'PARTNER', { apiKey: readKey }] as (Who | Caller)[]) {
      expect(codes(await t.gql('{ campaigns(first: 5) { totalCount } }', {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(q, { id }, who))).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, who)).node).toBeNull();
    }
    expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id ... on Campaign { name } } }', { id }, 'FINANCE')).node).toEqual({ id, name: 'Readable' });
    expect(ok(await t.gql(q, { id: `cmp_${'0'.repeat(32)}` }, 'ADMIN')).campaign).toBeNull();
  });

  test('the budget: not for sales reps', async () => {
    for (const who of ['ADMIN', 'MARKETING', 'SALES_MANAGER', 'FINANCE', 'ANALYST'] as Who[]) {
      expect(ok(await t.gql(q, { id }, who)).campaign.budget).toBe('999.99');
    }
    const rep = await t.gql(q, { id }, 'SALES_REP');
    expect(rep.body.data.campaign).toEqual({ id, name: 'Readable', budget: null, owner: { id: users.marketing } });
    expect(rep.body.errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([['campaign.budget', 'FORBIDDEN']]);
  });

  test('filters and order with a cursor walk', async () => {
    const tag = `Walk ${Date.now()}`;
    const made = [
      await campaign({ name: `${tag} c`, startsOn: '2027-03-01', endsOn: '2027-03-31', channel: 'SOCIAL' }),
      await campaign({ name: `${tag} a`, startsOn: '2027-01-01', endsOn: '2027-06-30', channel: 'WEB', status: 'ACTIVE' }),
      await campaign({ name: `${tag} b`, startsOn: '2027-02-01', endsOn: '2027-02-28', channel: 'SOCIAL' }),
      await campaign({ name: `${tag} d`, startsOn: '2027-02-01', endsOn: '2027-12-31', channel: 'PRINT' }),
    ];
    const LIST = `query($filter: CampaignFilter, $orderBy: [CampaignOrderBy!], $first: Int, $after: String) {
      campaigns(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const ids = async (filter: Record<string, unknown>) =>
      ok(await t.gql(LIST, { first: 50, filter: { name: { startsWith: tag }, ...filter }, orderBy: [{ field: 'NAME' }] }, 'SALES_REP')).campaigns.edges.map((e: any) => e.node.id);
    expect(await ids({})).toEqual([made[1], made[2], made[0], made[3]]);
    expect(await ids({ channel: { eq: 'SOCIAL' } })).toEqual([made[2], made[0]]);
    expect(await ids({ status: { eq: 'ACTIVE' } })).toEqual([made[1]]);
    expect(await ids({ startsOn: { gte: '2027-02-01', lt: '2027-03-01' } })).toEqual([made[2], made[3]]);
    // running on 2027-03-15
    expect(await ids({ startsOn: { lte: '2027-03-15' }, endsOn: { gte: '2027-03-15' } })).toEqual([made[1], made[0], made[3]]);
    expect(await ids({ ownerId: { eq: users.admin } })).toEqual([]);
    // by start, then id, two per page
    const expected = (await t.sql<{ id: string }>('select id from campaign where name like ? order by starts_on, id', [`${tag}%`])).map((r) => r.id);
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const conn: any = ok(await t.gql(LIST, { first: 2, after, filter: { name: { startsWith: tag } }, orderBy: [{ field: 'STARTS_ON', direction: 'ASC' }] }, 'ANALYST')).campaigns;
      expect(conn.totalCount).toBe(4);
      walked.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(walked).toEqual(expected);
    expect(walked[0]).toBe(made[1]);
    expect(codes(await t.gql(LIST, { first: 2, after: 'nope' }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

// ------------------------------------------------------------------------------------------- results

describe('campaign results', () => {
  const c: Record<string, string> = {};
  const RESULTS = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Campaign { results {
    leads qualifiedLeads conversions conversionRate wonOpportunities wonAmount wonInOtherCurrencies } } } }`;

  let n = 0;
  async function lead(owner: string | null, status?: string, extra: Record<string, unknown> = {}): Promise<string> {
    n += 1;
    const made = ok(await t.gql('mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } errors { message } } }',
      { input: { firstName: 'Res', lastName: `Lead ${n}`, campaignId: c.A, ownerId: owner, ...extra } }, 'MARKETING')).createLead;
    expect(made.errors).toEqual([]);
    if (status) await t.sql('update lead set status = ?, disqualified_reason = ? where id = ?', [status, status === 'DISQUALIFIED' ? 'no fit' : null, made.lead.id]);
    return made.lead.id;
  }
  async function convert(leadId: string, who: Who, amount?: string): Promise<string | null> {
    const res = ok(await t.gql(`mutation($input: ConvertLeadInput!) { convertLead(input: $input) { opportunity { id } errors { message } } }`,
      { input: { leadId, createOpportunity: amount ? { name: `Deal ${amount}`, amount, expectedCloseDate: '2026-12-31' } : null } }, who)).convertLead;
    expect(res.errors).toEqual([]);
    return res.opportunity?.id ?? null;
  }
  const won = (oppId: string) => t.sql(`update opportunity set stage = 'WON', probability = 100, closed_at = now() where id = ?`, [oppId]);
  /** An opportunity straight in the database (not from a lead). */
  async function deal(owner: string, campaignId: string, amount: string, opts: { currency?: string; stage?: string; deleted?: boolean } = {}) {
    const stage = opts.stage ?? 'WON';
    const [customer] = await t.sql<{ id: string }>('select id from customer order by created_at limit 1');
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id,
        lost_reason, closed_at, campaign_id, deleted_at)
      values ('opp_' || md5(random()::text), ?, 'Direct', ?, ?, ?, ?, '2026-12-31', ?, ?, ?, ?, ?)`,
    [customer.id, amount, opts.currency ?? 'EUR', stage, stage === 'WON' ? 100 : stage === 'LOST' ? 0 : 60, owner,
      stage === 'LOST' ? 'PRICE' : null, ['WON', 'LOST'].includes(stage) ? new Date() : null, campaignId, opts.deleted ? new Date() : null]);
  }

  beforeAll(async () => {
    c.A = await campaign({ name: 'Results A' });
    c.B = await campaign({ name: 'Results B' });
    c.C = await campaign({ name: 'Results C (nothing yet)', currency: 'USD' });
    // Campaign A: nine leads
    await lead(users.rep1); // a1 NEW
    await lead(users.rep1, 'QUALIFIED'); // a2
    await lead(users.rep2, 'WORKING'); // a3
    await lead(null, 'DISQUALIFIED'); // a4, unassigned
    const a5 = await convert(await lead(users.rep1), 'SALES_REP', '1000.50');
    const a6 = await convert(await lead(users.rep2), 'SALES_REP_2', '2000.25');
    await convert(await lead(users.rep1), 'SALES_REP'); // a7, no opportunity
    const a8 = await convert(await lead(users.rep2), 'SALES_REP_2', '500');
    await lead(users.rep3, 'QUALIFIED'); // a9, outside the manager's team
    await won(a5!);
    await won(a6!);
    await won(a8!);
    // a6's deal keeps its campaign only through its lead; a8's deal was re-attributed to campaign B.
    await t.sql('update opportunity set campaign_id = null where id = ?', [a6]);
    await t.sql('update opportunity set campaign_id = ? where id = ?', [c.B, a8]);
    await deal(users.rep2, c.A, '300.00'); // d1
    await deal(users.rep1, c.A, '99.99', { currency: 'USD' }); // d2: counted, not summed
    await deal(users.rep3, c.A, '10.00'); // d3: outside the manager's team
    await deal(users.rep1, c.A, '777.00', { stage: 'LOST' }); // not won
    await deal(users.rep1, c.A, '888.00', { deleted: true }); // deleted
    await deal(users.rep1, c.A, '999.00', { stage: 'PROPOSAL' }); // open
  });

  const results = async (who: Who) => {
    const res = await t.gql(RESULTS, { ids: [c.A, c.B, c.C] }, who);
    return { data: Object.fromEntries(res.body.data.nodes.map((node: any, i: number) => [['A', 'B', 'C'][i], node.results])), errors: res.body.errors };
  };

  const NOTHING = { leads: 0, qualifiedLeads: 0, conversions: 0, conversionRate: null, wonOpportunities: 0, wonAmount: '0.00', wonInOtherCurrencies: 0 };

  test('the whole campaign for ADMIN, MARKETING and FINANCE', async () => {
    for (const who of ['ADMIN', 'MARKETING', 'FINANCE'] as Who[]) {
      const { data, errors } = await results(who);
      expect(errors).toBeUndefined();
      expect(data.A).toEqual({
        leads: 9, qualifiedLeads: 6, conversions: 4, conversionRate: 0.4444,
        wonOpportunities: 5, wonAmount: '3310.75', wonInOtherCurrencies: 1, // 1000.50 + 2000.25 + 300.00 + 10.00; the USD deal apart
      });
      expect(data.B).toEqual({ ...NOTHING, wonOpportunities: 1, wonAmount: '500.00' });
      expect(data.C).toEqual(NOTHING);
    }
  });

  test('a rep counts their own leads and deals, a manager their team\'s (and unassigned leads)', async () => {
    expect((await results('SALES_REP')).data).toEqual({
      A: { leads: 4, qualifiedLeads: 3, conversions: 2, conversionRate: 0.5, wonOpportunities: 2, wonAmount: '1000.50', wonInOtherCurrencies: 1 },
      B: NOTHING,
      C: NOTHING,
    });
    expect((await results('SALES_REP_2')).data).toEqual({
      A: { leads: 3, qualifiedLeads: 2, conversions: 2, conversionRate: 0.6667, wonOpportunities: 2, wonAmount: '2300.25', wonInOtherCurrencies: 0 },
      B: { ...NOTHING, wonOpportunities: 1, wonAmount: '500.00' },
      C: NOTHING,
    });
    expect((await results('SALES_MANAGER')).data).toEqual({
      A: { leads: 8, qualifiedLeads: 5, conversions: 4, conversionRate: 0.5, wonOpportunities: 4, wonAmount: '3300.75', wonInOtherCurrencies: 1 },
      B: { ...NOTHING, wonOpportunities: 1, wonAmount: '500.00' },
      C: NOTHING,
    });
  });

  test('ANALYST gets the counts, not the won amount', async () => {
    const { data, errors } = await results('ANALYST');
    expect(data.A).toEqual({ leads: 9, qualifiedLeads: 6, conversions: 4, conversionRate: 0.4444, wonOpportunities: 5, wonAmount: null, wonInOtherCurrencies: 1 });
    expect(errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([
      ['nodes.0.results.wonAmount', 'FORBIDDEN'], ['nodes.1.results.wonAmount', 'FORBIDDEN'], ['nodes.2.results.wonAmount', 'FORBIDDEN'],
    ]);
  });

  test('the same numbers through `campaigns`', async () => {
    const data = ok(await t.gql(`{ campaigns(first: 100, filter: { name: { startsWith: "Results" } }, orderBy: [{ field: NAME }]) {
      edges { node { name results { leads conversions wonAmount } } } } }`, {}, 'MARKETING')).campaigns.edges.map((e: any) => e.node);
    expect(data).toEqual([
      { name: 'Results A', results: { leads: 9, conversions: 4, wonAmount: '3310.75' } },
      { name: 'Results B', results: { leads: 0, conversions: 0, wonAmount: '500.00' } },
      { name: 'Results C (nothing yet)', results: { leads: 0, conversions: 0, wonAmount: '0.00' } },
    ]);
  });
});

// ------------------------------------------------------------------------------------------------ N+1

test('campaigns with owner and results: the statement count does not grow with the page', async () => {
  // 60 more campaigns, each with leads (some converted) and won deals
  await t.sql(`insert into campaign (id, name, channel, currency, starts_on, ends_on, owner_id, created_at)
    select 'cmp_' || md5('bulk' || i), 'Bulk ' || i, 'WEB', 'EUR', date '2026-01-01', date '2026-12-31', ?, now() - i * interval '1 minute'
    from generate_series(1, 60) i`, [users.marketing]);
  await t.sql(`insert into lead (id, first_name, last_name, source, campaign_id, owner_id, status, converted_at)
    select 'led_' || md5('bulk' || i || '-' || j), 'Bulk', 'Lead', 'CAMPAIGN', 'cmp_' || md5('bulk' || i), case when j % 2 = 0 then ? else ? end,
      case when j = 1 then 'CONVERTED' else 'NEW' end, case when j = 1 then now() end
    from generate_series(1, 60) i, generate_series(1, 3) j`, [users.rep1, users.rep2]);
  const [customer] = await t.sql<{ id: string }>('select id from customer order by created_at limit 1');
  await t.sql(`insert into opportunity (id, customer_id, name, amount, stage, probability, expected_close_date, owner_id, closed_at, campaign_id)
    select 'opp_' || md5('bulk' || i), ?, 'Bulk deal', i * 10, 'WON', 100, date '2026-12-31', ?, now(), 'cmp_' || md5('bulk' || i)
    from generate_series(1, 60) i`, [customer.id, users.rep1]);

  const query = `query($n: Int) { campaigns(first: $n) { edges { node { id name budget owner { name }
    results { leads qualifiedLeads conversions conversionRate wonOpportunities wonAmount wonInOtherCurrencies } } } } }`;
  for (const who of ['ADMIN', 'SALES_MANAGER'] as Who[]) {
    await t.gql(query, { n: 5 }, who); // sign-in and first-run effects stay out of the counts
    await t.gql(query, { n: 50 }, who);
    let small: any;
    let large: any;
    const a = await t.countQueries(async () => { small = ok(await t.gql(query, { n: 5 }, who)); });
    const b = await t.countQueries(async () => { large = ok(await t.gql(query, { n: 50 }, who)); });
    expect(small.campaigns.edges).toHaveLength(5);
    expect(large.campaigns.edges).toHaveLength(50);
    const bulk = large.campaigns.edges.map((e: any) => e.node).filter((node: any) => node.name.startsWith('Bulk '));
    expect(bulk.length).toBeGreaterThan(30); // the rest of the page: campaigns made by the tests above
    for (const node of bulk) {
      const i = Number(node.name.slice(5));
      expect(node.owner.name).toEqual(expect.any(String));
      expect(node.results).toMatchObject({ leads: 3, conversions: 1, wonOpportunities: 1, wonAmount: `${i * 10}.00` });
    }
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a);
  }
});

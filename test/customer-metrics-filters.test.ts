/**
 * The `customers` list filtered and sorted by value and loyalty metrics (issue 12), through HTTP.
 * Seven fixture customers (tag `mfx`, names "MF 1".."MF 7"); six have a `customer_metrics` row written
 * by hand below, F7 has none (created after the last refresh). Every expected order was worked out
 * by hand from this table (ties are broken by id in the last direction; nulls come last both ways):
 *
 *   key owner  pareto c3                churn  score rfm   clvHistoric clvPredicted12m margin12m
 *   F1  rep1   A      CHAMPION          HIGH   70    12    5000.00     1200.00         900.00
 *   F2  rep1   A      AT_RISK_VALUABLE  HIGH   65     9    8000.50      300.00        1500.00
 *   F3  rep1   B      DRIFTER           LOW    10    null   150.25        0.00          20.00   resold by the partner
 *   F4  rep1   C      null              MEDIUM 40     5     -20.00        0.00         -20.00
 *   F5  rep2   A      PASSIVE_LOYAL     HIGH   90    15    8000.50       50.00        3000.00
 *   F6  mgr    B      RISING_FAN        LOW     0     9     700.00      800.00         100.00
 *   F7  rep1   — no metrics row —
 */
import { codes, ok, startTestApp, type Caller, type TestApp, type Who } from './helpers';

let t: TestApp;
let integration: Caller;

type Key = 'F1' | 'F2' | 'F3' | 'F4' | 'F5' | 'F6' | 'F7';
const KEYS: Key[] = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7'];
/** Ids sort like the keys (F1 < F2 < … by id too), which the tie-breaks below rely on. */
const id = (k: Key) => `cus_mfx0${k.slice(1)}`;
const keyOf = (customerId: string) => `F${customerId.slice(-1)}` as Key;

type Owner = 'rep1' | 'rep2' | 'mgr';
const FIXTURE: Record<Key, { owner: Owner; metrics: [string, string | null, string, number, number | null, string, string, string] | null }> = {
  F1: { owner: 'rep1', metrics: ['A', 'CHAMPION', 'HIGH', 70, 12, '5000.00', '1200.00', '900.00'] },
  F2: { owner: 'rep1', metrics: ['A', 'AT_RISK_VALUABLE', 'HIGH', 65, 9, '8000.50', '300.00', '1500.00'] },
  F3: { owner: 'rep1', metrics: ['B', 'DRIFTER', 'LOW', 10, null, '150.25', '0.00', '20.00'] },
  F4: { owner: 'rep1', metrics: ['C', null, 'MEDIUM', 40, 5, '-20.00', '0.00', '-20.00'] },
  F5: { owner: 'rep2', metrics: ['A', 'PASSIVE_LOYAL', 'HIGH', 90, 15, '8000.50', '50.00', '3000.00'] },
  F6: { owner: 'mgr', metrics: ['B', 'RISING_FAN', 'LOW', 0, 9, '700.00', '800.00', '100.00'] },
  F7: { owner: 'rep1', metrics: null },
};

const LIST = `query($filter: CustomerFilter, $orderBy: [CustomerOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
  customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const mine = (filter: Record<string, unknown> = {}) => ({ and: [{ tags: { hasAll: ['mfx'] } }, filter] });
const byName = [{ field: 'NAME', direction: 'ASC' }];

async function list(as: Who | Caller, vars: Record<string, unknown>) {
  const data = ok(await t.gql(LIST, { first: 100, ...vars, filter: mine(vars.filter as Record<string, unknown>) }, as));
  return { keys: data.customers.edges.map((e: { node: { id: string } }) => keyOf(e.node.id)) as Key[], pageInfo: data.customers.pageInfo };
}
const keys = async (as: Who | Caller, vars: Record<string, unknown>) => (await list(as, vars)).keys;
const sorted = (field: string, direction = 'DESC') => ({ orderBy: [{ field, direction }] });

beforeAll(async () => {
  t = await startTestApp();
  const users = await t.sql<{ email: string; id: string; partner_customer_id: string | null }>(
    `select email, id, partner_customer_id from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm', 'manager@demo.crm', 'partner@demo.crm')`);
  const user = (email: string) => users.find((u) => u.email === email)!;
  const owners: Record<Owner, string> = { rep1: user('rep1@demo.crm').id, rep2: user('rep2@demo.crm').id, mgr: user('manager@demo.crm').id };
  const dealer = user('partner@demo.crm').partner_customer_id;
  for (const k of KEYS) {
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, tags, resold_by_id) values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?, '{mfx}', ?)`,
      [id(k), `MF ${k.slice(1)}`, owners[FIXTURE[k].owner], k === 'F3' ? dealer : null]);
    const m = FIXTURE[k].metrics;
    if (!m) continue;
    await t.sql(`insert into customer_metrics (customer_id, computed_at, currency, orders_total, frequency, monetary, rfm_total, revenue_12m,
        revenue_previous_12m, attitude, behaviour, clv_historic, clv_predicted_12m, margin_12m, open_complaints, pareto_class, c3_segment,
        churn_level, churn_score, referral_customers, referral_revenue_12m)
      values (?, now(), 'EUR', 3, 3, 100, ?, 100, 100, 'LOW', 'LOW', ?, ?, ?, 0, ?, ?, ?, ?, 0, 0)`,
    [id(k), m[4], m[5], m[6], m[7], m[0], m[1], m[2], m[3]]);
  }
  const key = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { message } } }`,
    { input: { name: 'metrics filters', role: 'INTEGRATION', scopes: ['customers:read'] } }, 'ADMIN')).createApiKey;
  integration = { apiKey: key.secret };
});

afterAll(() => t?.close());

describe('filters', () => {
  it.each([
    ['paretoClass eq A', { paretoClass: { eq: 'A' } }, ['F1', 'F2', 'F5']],
    ['paretoClass in [B, C]', { paretoClass: { in: ['B', 'C'] } }, ['F3', 'F4', 'F6']],
    ['paretoClass isNull (not computed)', { paretoClass: { isNull: true } }, ['F7']],
    ['c3Segment eq DRIFTER', { c3Segment: { eq: 'DRIFTER' } }, ['F3']],
    ['c3Segment isNull (no order, or not computed)', { c3Segment: { isNull: true } }, ['F4', 'F7']],
    ['c3Segment notIn [CHAMPION] (a missing one counts as none)', { c3Segment: { notIn: ['CHAMPION'] } }, ['F2', 'F3', 'F4', 'F5', 'F6', 'F7']],
    ['churnLevel eq HIGH', { churnLevel: { eq: 'HIGH' } }, ['F1', 'F2', 'F5']],
    ['churnLevel ne HIGH', { churnLevel: { ne: 'HIGH' } }, ['F3', 'F4', 'F6', 'F7']],
    ['rfmScore gte 9', { rfmScore: { gte: 9 } }, ['F1', 'F2', 'F5', 'F6']],
    ['rfmScore lt 9', { rfmScore: { lt: 9 } }, ['F4']],
    ['rfmScore eq 9', { rfmScore: { eq: 9 } }, ['F2', 'F6']],
    ['rfmScore isNull', { rfmScore: { isNull: true } }, ['F3', 'F7']],
    ['clvHistoric gt 700', { clvHistoric: { gt: '700' } }, ['F1', 'F2', 'F5']],
    ['clvHistoric lte 150.25', { clvHistoric: { lte: '150.25' } }, ['F3', 'F4']],
    ['clvHistoric eq 8000.5', { clvHistoric: { eq: '8000.5' } }, ['F2', 'F5']],
    ['clvHistoric isNull', { clvHistoric: { isNull: true } }, ['F7']],
    ['clvPredicted12m gte 300', { clvPredicted12m: { gte: '300' } }, ['F1', 'F2', 'F6']],
    ['clvPredicted12m eq 0', { clvPredicted12m: { eq: '0' } }, ['F3', 'F4']],
    ['clvPredicted12m isNull false', { clvPredicted12m: { isNull: false } }, ['F1', 'F2', 'F3', 'F4', 'F5', 'F6']],
    ['not paretoClass A (null included)', { not: { paretoClass: { eq: 'A' } } }, ['F3', 'F4', 'F6', 'F7']],
    ['Pareto A or churn MEDIUM', { or: [{ paretoClass: { eq: 'A' } }, { churnLevel: { eq: 'MEDIUM' } }] }, ['F1', 'F2', 'F4', 'F5']],
  ])('%s', async (_name, filter, expected) => {
    expect(await keys('ADMIN', { filter, orderBy: byName })).toEqual(expected);
  });

  it('Pareto A at high churn risk, by CLV (highest first; the tie F2/F5 by id, descending)', async () => {
    expect(await keys('ADMIN', { filter: { paretoClass: { eq: 'A' }, churnLevel: { eq: 'HIGH' } }, ...sorted('CLV_HISTORIC') })).toEqual(['F5', 'F2', 'F1']);
  });

  it('a metric filter with a metric sort: customers without metrics are found with isNull', async () => {
    expect(await keys('ADMIN', { filter: { paretoClass: { isNull: true } }, ...sorted('CLV_HISTORIC') })).toEqual(['F7']);
    expect(await keys('ADMIN', { filter: { rfmScore: { isNull: true } }, ...sorted('RFM_SCORE', 'ASC') })).toEqual(['F3', 'F7']);
    expect(await keys('ADMIN', { filter: { clvHistoric: { lt: '1000' } }, ...sorted('CHURN_SCORE') })).toEqual(['F4', 'F3', 'F6']);
  });
});

describe('sort keys', () => {
  it.each([
    ['CLV_HISTORIC', 'DESC', ['F5', 'F2', 'F1', 'F6', 'F3', 'F4', 'F7']],
    ['CLV_HISTORIC', 'ASC', ['F4', 'F3', 'F6', 'F1', 'F2', 'F5', 'F7']],
    ['CLV_PREDICTED_12M', 'DESC', ['F1', 'F6', 'F2', 'F5', 'F4', 'F3', 'F7']],
    ['CLV_PREDICTED_12M', 'ASC', ['F3', 'F4', 'F5', 'F2', 'F6', 'F1', 'F7']],
    // F3 has a metrics row without an RFM score, F7 none: both come last, by id.
    ['RFM_SCORE', 'DESC', ['F5', 'F1', 'F6', 'F2', 'F4', 'F7', 'F3']],
    ['RFM_SCORE', 'ASC', ['F4', 'F2', 'F6', 'F1', 'F5', 'F3', 'F7']],
    ['CHURN_SCORE', 'DESC', ['F5', 'F1', 'F2', 'F4', 'F3', 'F6', 'F7']],
    ['CHURN_SCORE', 'ASC', ['F6', 'F3', 'F4', 'F2', 'F1', 'F5', 'F7']],
    ['MARGIN_12M', 'DESC', ['F5', 'F2', 'F1', 'F6', 'F3', 'F4', 'F7']],
    ['MARGIN_12M', 'ASC', ['F4', 'F3', 'F6', 'F1', 'F2', 'F5', 'F7']],
  ])('%s %s', async (field, direction, expected) => {
    expect(await keys('ADMIN', sorted(field, direction))).toEqual(expected);
  });

  it('a metric after another key, and another key after a metric', async () => {
    // Pareto by name is not a key: NAME first, then CLV (names are unique, so CLV never decides).
    expect(await keys('ADMIN', { orderBy: [{ field: 'NAME', direction: 'DESC' }, { field: 'CLV_HISTORIC', direction: 'DESC' }] }))
      .toEqual(['F7', 'F6', 'F5', 'F4', 'F3', 'F2', 'F1']);
    // RFM 9 ties (F2, F6) broken by CLV descending (F6 700 < F2 8000.50), the nulls (F3, F7) by CLV too (F7 has none: last).
    expect(await keys('ADMIN', { orderBy: [{ field: 'RFM_SCORE', direction: 'DESC' }, { field: 'CLV_HISTORIC', direction: 'DESC' }] }))
      .toEqual(['F5', 'F1', 'F2', 'F6', 'F4', 'F3', 'F7']);
  });
});

describe('paging over a metric sort', () => {
  /** Every page forward, `size` at a time; then every page backward from the end. */
  async function pagesOf(orderBy: object, size: number) {
    const forward: Key[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await list('ADMIN', { orderBy, first: size, after });
      forward.push(page.keys);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const backward: Key[][] = [];
    let before: string | null = null;
    for (;;) {
      const page = await list('ADMIN', { orderBy, first: undefined, last: size, before });
      backward.unshift(page.keys);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    return { forward, backward };
  }

  it('CLV_HISTORIC DESC by 2: the pages meet the customers without metrics, forward and backward', async () => {
    const { forward, backward } = await pagesOf(sorted('CLV_HISTORIC').orderBy, 2);
    expect(forward).toEqual([['F5', 'F2'], ['F1', 'F6'], ['F3', 'F4'], ['F7']]);
    expect(backward).toEqual([['F5'], ['F2', 'F1'], ['F6', 'F3'], ['F4', 'F7']]);
  });

  it('RFM_SCORE ASC by 3: across the nulls with and without a metrics row', async () => {
    const { forward, backward } = await pagesOf(sorted('RFM_SCORE', 'ASC').orderBy, 3);
    expect(forward).toEqual([['F4', 'F2', 'F6'], ['F1', 'F5', 'F3'], ['F7']]);
    expect(backward).toEqual([['F4'], ['F2', 'F6', 'F1'], ['F5', 'F3', 'F7']]);
  });

  it('a cursor belongs to its order', async () => {
    const page = await list('ADMIN', { ...sorted('CLV_HISTORIC'), first: 2 });
    const res = await t.gql(LIST, { filter: mine(), ...sorted('MARGIN_12M'), first: 2, after: page.pageInfo.endCursor }, 'ADMIN');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('the number of statements does not grow with the page', async () => {
    await t.token('ADMIN');
    const run = (first: number) => t.countQueries(() => t.gql(LIST, { filter: mine(), ...sorted('CLV_HISTORIC'), first }, 'ADMIN'));
    const one = await run(1);
    expect(await run(5)).toBe(one);
    // Past the last customer with a value, one more statement reads those without (whatever their number).
    expect(await run(7)).toBe(one + 1);
    expect(await run(50)).toBe(one + 1);
    // Without a metric sort, filtering by metrics costs nothing extra either.
    const filtered = (first: number) => t.countQueries(() => t.gql(LIST, { filter: mine({ paretoClass: { eq: 'A' } }), first }, 'ADMIN'));
    expect(await filtered(50)).toBe(await filtered(1));
  });
});

describe('who may filter and sort by what', () => {
  const forbiddenSort = async (as: Who | Caller, field: string) => {
    const res = await t.gql(LIST, { filter: mine(), ...sorted(field) }, as);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0].message).toContain(`orderBy: ${field}`);
    expect(res.body.data?.customers ?? null).toBeNull();
  };

  it('SALES_MANAGER, FINANCE and ADMIN: every metric, in their scope', async () => {
    for (const who of ['SALES_MANAGER', 'FINANCE', 'ADMIN'] as Who[]) {
      expect(await keys(who, sorted('MARGIN_12M'))).toEqual(['F5', 'F2', 'F1', 'F6', 'F3', 'F4', 'F7']);
      expect(await keys(who, { filter: { clvPredicted12m: { gte: '300' } }, orderBy: byName })).toEqual(['F1', 'F2', 'F6']);
    }
  });

  it('a rep: the non-cost metrics of its own customers; CLV and margin are null to its filters and refused as sorts', async () => {
    expect(await keys('SALES_REP', sorted('RFM_SCORE'))).toEqual(['F1', 'F2', 'F4', 'F7', 'F3']);
    expect(await keys('SALES_REP', { filter: { paretoClass: { eq: 'A' } }, orderBy: byName })).toEqual(['F1', 'F2']);
    expect(await keys('SALES_REP', { filter: { clvHistoric: { gt: '0' } }, orderBy: byName })).toEqual([]);
    expect(await keys('SALES_REP', { filter: { clvPredicted12m: { isNull: true } }, orderBy: byName })).toEqual(['F1', 'F2', 'F3', 'F4', 'F7']);
    for (const field of ['CLV_HISTORIC', 'CLV_PREDICTED_12M', 'MARGIN_12M']) await forbiddenSort('SALES_REP', field);
  });

  it.each(['MARKETING', 'ANALYST', 'SERVICE_AGENT'] as Who[])('%s: every customer\'s non-cost metrics; not CLV or margin', async (who) => {
    expect(await keys(who, sorted('CHURN_SCORE'))).toEqual(['F5', 'F1', 'F2', 'F4', 'F3', 'F6', 'F7']);
    expect(await keys(who, { filter: { churnLevel: { eq: 'HIGH' }, rfmScore: { gte: 12 } }, orderBy: [{ field: 'CREATED_AT', direction: 'ASC' }] }))
      .toEqual(['F1', 'F5']);
    expect(await keys(who, { filter: { clvHistoric: { gte: '-1000000' } }, orderBy: byName })).toEqual([]);
    await forbiddenSort(who, 'CLV_HISTORIC');
    await forbiddenSort(who, 'MARGIN_12M');
  });

  it.each([['PARTNER'], ['an INTEGRATION key']])('%s: no metric at all (null to its filters, refused as sorts)', async (name) => {
    const as: Who | Caller = name === 'PARTNER' ? 'PARTNER' : integration;
    // The partner sees F3 (which it resells); the key every customer.
    const visible: Key[] = name === 'PARTNER' ? ['F3'] : KEYS;
    expect(await keys(as, { orderBy: byName })).toEqual(visible);
    for (const filter of [{ paretoClass: { eq: 'B' } }, { churnLevel: { in: ['LOW', 'MEDIUM', 'HIGH'] } }, { rfmScore: { gte: 0 } }, { c3Segment: { isNull: false } }]) {
      expect(await keys(as, { filter, orderBy: byName })).toEqual([]);
    }
    expect(await keys(as, { filter: { paretoClass: { isNull: true }, clvHistoric: { isNull: true } }, orderBy: byName })).toEqual(visible);
    for (const field of ['RFM_SCORE', 'CHURN_SCORE', 'CLV_HISTORIC']) await forbiddenSort(as, field);
  });
});

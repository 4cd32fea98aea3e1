import { codes, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Quotes through HTTP: exact decimal totals (no float drift, half-up cents), numbering, the DRAFT →
 * SENT → ACCEPTED / REJECTED / EXPIRED life cycle with its refusals, accepting a quote winning the deal
 * (amount, stage history, audit), and who may read and write quotes.
 */

let t: TestApp;
const users: Record<string, string> = {};
let rep1Customer: string;
let rep2Customer: string;

beforeAll(async () => {
  t = await startTestApp({ customers: 6 });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) users[u.email.split('@')[0]] = u.id;
  const of = async (owner: string) => (await t.sql<{ id: string }>(`select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1`, [owner]))[0].id;
  rep1Customer = await of(users.rep1);
  rep2Customer = await of(users.rep2);
});
afterAll(async () => { await t.close(); });

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const FUTURE = '2099-12-31';
const QUOTE = `id number status currency validUntil notes subtotal discountTotal total version
  lines { id position productRef description quantity unitPrice discountPercent lineTotal } opportunity { id }`;
const PAYLOAD = `quote { ${QUOTE} } errors { code message field }`;

async function opportunity(input: Record<string, unknown> = {}, who: Who = 'SALES_REP') {
  const res = ok(await t.gql(`mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id version stage amount } errors { code message } } }`,
    { i: { customerId: rep1Customer, name: 'Quoted deal', amount: '1000', expectedCloseDate: '2027-06-30', ...input } }, who)).createOpportunity;
  expect(res.errors).toEqual([]);
  return res.opportunity;
}
const line = (unitPrice: string, quantity = '1', discountPercent?: string): Record<string, unknown> => ({ description: `Item at ${unitPrice}`, quantity, unitPrice, ...(discountPercent ? { discountPercent } : {}) });

async function createQuote(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: CreateQuoteInput!) { createQuote(input: $i) { ${PAYLOAD} } }`, { i: { validUntil: FUTURE, ...input } }, who)).createQuote as { quote: any; errors: any[] };
}
async function quoteOn(opportunityId: string, lines = [line('10.00')], who: Who = 'SALES_REP') {
  const res = await createQuote({ opportunityId, lines }, who);
  expect(res.errors).toEqual([]);
  return res.quote;
}
async function updateQuote(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: UpdateQuoteInput!) { updateQuote(input: $i) { ${PAYLOAD} } }`, { i: input }, who)).updateQuote as { quote: any; errors: any[] };
}
async function transition(name: 'sendQuote' | 'rejectQuote', id: string, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: QuoteIdInput!) { ${name}(input: $i) { ${PAYLOAD} } }`, { i: { id } }, who))[name] as { quote: any; errors: any[] };
}
async function accept(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: AcceptQuoteInput!) { acceptQuote(input: $i) { quote { id status } opportunity { id stage amount currency probability closedAt version }
    errors { code message field } } }`, { i: input }, who)).acceptQuote as { quote: any; opportunity: any; errors: any[] };
}
const statusOf = async (id: string) => (await t.sql<{ status: string }>('select status from quote where id = ?', [id]))[0].status;

// ------------------------------------------------------------------------------------------ totals

describe('totals in exact decimals', () => {
  let opp: any;
  beforeAll(async () => { opp = await opportunity(); });

  test('0.10 + 0.20 is 0.30 (no float drift)', async () => {
    const q = await quoteOn(opp.id, [line('0.10'), line('0.20')]);
    expect(q).toMatchObject({ subtotal: '0.30', discountTotal: '0.00', total: '0.30' });
    expect(q.lines.map((l: any) => l.lineTotal)).toEqual(['0.10', '0.20']);
    expect(0.1 + 0.2).not.toBe(0.3); // what a float would have done
  });

  test('3 × 33.33 is 99.99; ten lines of 0.10 are 1.00', async () => {
    expect(await quoteOn(opp.id, [line('33.33', '3')])).toMatchObject({ subtotal: '99.99', total: '99.99' });
    expect(await quoteOn(opp.id, Array.from({ length: 10 }, () => line('0.10')))).toMatchObject({ subtotal: '1.00', total: '1.00' });
  });

  test('a discount that yields half a cent rounds half-up, per line', async () => {
    // 2.01 × 50 % = 1.005 → 1.01 (a float computes 1.00499999… and would round down)
    expect((2.01 * 0.5).toFixed(2)).toBe('1.00');
    const q = await quoteOn(opp.id, [line('2.01', '1', '50'), line('0.05', '1', '50'), line('19.99', '3', '12.5')]);
    // 0.05 × 50 % = 0.025 → 0.03; 59.97 × 87.5 % = 52.47375 → 52.47
    expect(q.lines.map((l: any) => [l.position, l.quantity, l.unitPrice, l.discountPercent, l.lineTotal])).toEqual([
      [1, '1.000', '2.01', '50.00', '1.01'], [2, '1.000', '0.05', '50.00', '0.03'], [3, '3.000', '19.99', '12.50', '52.47'],
    ]);
    expect(q).toMatchObject({ subtotal: '62.03', total: '53.51', discountTotal: '8.52' });
    const [row] = await t.sql<{ subtotal: string; discount_total: string; total: string }>(
      'select subtotal::text as subtotal, discount_total::text as discount_total, total::text as total from quote where id = ?', [q.id]);
    expect(row).toEqual({ subtotal: '62.03', discount_total: '8.52', total: '53.51' });
  });

  test('fractional quantities and a 100 % discount', async () => {
    const q = await quoteOn(opp.id, [line('10.00', '1.333'), line('80.00', '2', '100'), { ...line('5.00', '1'), productRef: 'SKU-42' }]);
    // 1.333 × 10.00 = 13.33; the free line counts in the subtotal and the discount
    expect(q).toMatchObject({ subtotal: '178.33', discountTotal: '160.00', total: '18.33' });
    expect(q.lines[2]).toMatchObject({ productRef: 'SKU-42', description: 'Item at 5.00' });
    expect(q.lines[0].productRef).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------ create

describe('createQuote', () => {
  test('DRAFT, in the deal\'s currency, numbered uniquely and readably, audited on the customer', async () => {
    const opp = await opportunity({ currency: 'GBP' });
    const a = await quoteOn(opp.id);
    const b = await quoteOn(opp.id);
    expect(a).toMatchObject({ status: 'DRAFT', currency: 'GBP', validUntil: FUTURE, version: 1, opportunity: { id: opp.id } });
    expect(a.id).toMatch(/^quo_[0-9a-f]{32}$/);
    const year = new Date().getUTCFullYear();
    expect(a.number).toMatch(new RegExp(`^Q-${year}-\\d{6}$`));
    expect(Number(b.number.slice(-6))).toBeGreaterThan(Number(a.number.slice(-6)));
    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 100) { edges { node { entityType entityId action changes { field newValue } } } } } }`,
      { id: rep1Customer }, 'SALES_REP')).customer.history.edges.map((e: any) => e.node);
    const entry = history.find((h: any) => h.entityId === a.id);
    expect(entry).toMatchObject({ entityType: 'Quote', action: 'CREATE' });
    expect(entry.changes).toEqual(expect.arrayContaining([{ field: 'number', newValue: a.number }, { field: 'total', newValue: '10.00' }]));
  });

  test('validation errors name the line and field; nothing is written', async () => {
    const opp = await opportunity();
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from quote'))[0].n;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ lines: [] }, ['input', 'lines']],
      [{ lines: [line('1.00', '0')] }, ['input', 'lines', '0', 'quantity']],
      [{ lines: [line('1.00'), line('1.00', '-1')] }, ['input', 'lines', '1', 'quantity']],
      [{ lines: [line('1.00', '1.2345')] }, ['input', 'lines', '0', 'quantity']],
      [{ lines: [line('1.234')] }, ['input', 'lines', '0', 'unitPrice']],
      [{ lines: [line('-1.00')] }, ['input', 'lines', '0', 'unitPrice']],
      [{ lines: [line('1.00', '1', '100.01')] }, ['input', 'lines', '0', 'discountPercent']],
      [{ lines: [{ ...line('1.00'), description: ' ' }] }, ['input', 'lines', '0', 'description']],
      [{ lines: Array.from({ length: 101 }, () => line('1.00')) }, ['input', 'lines']],
      [{ lines: [line('9999999999999999.99', '99999999999')] }, ['input', 'lines']],
      [{ validUntil: '2020-01-01' }, ['input', 'validUntil']],
    ];
    for (const [input, field] of cases) {
      const res = await createQuote({ opportunityId: opp.id, lines: [line('1.00')], ...input });
      expect(res.quote).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field })]);
    }
    expect((await t.sql<{ n: number }>('select count(*)::int as n from quote'))[0].n).toBe(before);
  });

  test('the opportunity must be visible, live and open', async () => {
    const other = await opportunity({ customerId: rep2Customer }, 'SALES_REP_2');
    let res = await createQuote({ opportunityId: other.id, lines: [line('1.00')] });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'opportunityId'] })]);
    const won = await opportunity({ stage: 'WON' });
    res = await createQuote({ opportunityId: won.id, lines: [line('1.00')] });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'opportunityId'] })]);
    const gone = await opportunity();
    ok(await t.gql(`mutation($i: OpportunityIdInput!) { deleteOpportunity(input: $i) { errors { code } } }`, { i: { id: gone.id } }, 'SALES_REP'));
    res = await createQuote({ opportunityId: gone.id, lines: [line('1.00')] });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });
});

// ------------------------------------------------------------------------------------ life cycle

describe('updateQuote, sendQuote, rejectQuote', () => {
  test('a DRAFT is changed, lines replaced and totals recomputed; stale version is a CONFLICT', async () => {
    const opp = await opportunity();
    const q = await quoteOn(opp.id, [line('1.00'), line('2.00')]);
    let res = await updateQuote({ id: q.id, version: 1, notes: 'Net 30', validUntil: '2098-01-31', lines: [line('33.33', '3')] });
    expect(res.errors).toEqual([]);
    expect(res.quote).toMatchObject({ notes: 'Net 30', validUntil: '2098-01-31', total: '99.99', version: 2, number: q.number });
    expect(res.quote.lines.map((l: any) => [l.position, l.unitPrice])).toEqual([[1, '33.33']]);
    expect((await t.sql<{ n: number }>('select count(*)::int as n from quote_line where quote_id = ?', [q.id]))[0].n).toBe(1);
    res = await updateQuote({ id: q.id, version: 1, notes: 'stale' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'version'] })]);
    res = await updateQuote({ id: q.id, version: 2, notes: null });
    expect(res.quote).toMatchObject({ notes: null, total: '99.99', version: 3 });
    res = await updateQuote({ id: q.id, version: 3, lines: [] });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lines'] })]);
  });

  test('send: DRAFT → SENT, then frozen; reject: SENT → REJECTED only', async () => {
    const opp = await opportunity();
    const q = await quoteOn(opp.id);
    let res = await transition('rejectQuote', q.id);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'id'] })]);
    res = await transition('sendQuote', q.id);
    expect(res.errors).toEqual([]);
    expect(res.quote).toMatchObject({ status: 'SENT', version: 2 });
    res = await transition('sendQuote', q.id);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
    res = await updateQuote({ id: q.id, version: 2, notes: 'too late' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'id'] })]);
    res = await transition('rejectQuote', q.id);
    expect(res.quote.status).toBe('REJECTED');
    expect(await statusOf(q.id)).toBe('REJECTED');
    expect((await accept({ id: q.id })).errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
  });

  test('a quote past its validity is not sent', async () => {
    const opp = await opportunity();
    const q = await quoteOn(opp.id);
    await t.sql(`update quote set valid_until = '2020-01-01' where id = ?`, [q.id]);
    const res = await transition('sendQuote', q.id);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
    expect(await statusOf(q.id)).toBe('DRAFT');
  });

  test('out of scope is NOT_FOUND; FINANCE and others may not write quotes', async () => {
    const opp = await opportunity();
    const q = await quoteOn(opp.id);
    expect((await transition('sendQuote', q.id, 'SALES_REP_2')).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    expect((await updateQuote({ id: q.id, version: 1, notes: 'x' }, 'SALES_REP_2')).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await accept({ id: q.id }, 'SALES_REP_2')).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    for (const who of ['FINANCE', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as Who[]) {
      const res = await t.gql(`mutation($i: QuoteIdInput!) { sendQuote(input: $i) { errors { code } } }`, { i: { id: q.id } }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      const made = await t.gql(`mutation($i: CreateQuoteInput!) { createQuote(input: $i) { errors { code } } }`,
        { i: { opportunityId: opp.id, validUntil: FUTURE, lines: [line('1.00')] } }, who);
      expect(codes(made)).toEqual(['FORBIDDEN']);
    }
    expect(await statusOf(q.id)).toBe('DRAFT');
    // the manager acts on the team's quotes
    expect((await transition('sendQuote', q.id, 'SALES_MANAGER')).quote.status).toBe('SENT');
  });
});

// ----------------------------------------------------------------------------------------- accept

describe('acceptQuote', () => {
  test('SENT → ACCEPTED; the other open quotes are REJECTED; the deal is WON at the quote total (stage history, audit)', async () => {
    const opp = await opportunity({ stage: 'NEGOTIATION', currency: 'USD' });
    const draft = await quoteOn(opp.id, [line('5.00')]);
    const sentOther = await quoteOn(opp.id, [line('6.00')]);
    const rejected = await quoteOn(opp.id, [line('7.00')]);
    const chosen = await quoteOn(opp.id, [line('0.10'), line('0.20'), line('33.33', '3')]);
    for (const q of [sentOther, rejected, chosen]) expect((await transition('sendQuote', q.id)).errors).toEqual([]);
    expect((await transition('rejectQuote', rejected.id)).errors).toEqual([]);

    const res = await accept({ id: chosen.id });
    expect(res.errors).toEqual([]);
    expect(res.quote).toEqual({ id: chosen.id, status: 'ACCEPTED' });
    expect(res.opportunity).toMatchObject({ id: opp.id, stage: 'WON', amount: '100.29', currency: 'USD', probability: 100, version: opp.version + 1 });
    expect(res.opportunity.closedAt).toEqual(expect.any(String));
    expect(await statusOf(draft.id)).toBe('REJECTED');
    expect(await statusOf(sentOther.id)).toBe('REJECTED');
    expect(await statusOf(rejected.id)).toBe('REJECTED');

    const read = ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { amount stage stageHistory(last: 1) { edges { node { fromStage toStage probability by { id } at } } }
      quotes(first: 10) { totalCount edges { node { id status } } } } }`, { id: opp.id }, 'SALES_REP')).opportunity;
    expect(read.stageHistory.edges[0].node).toMatchObject({ fromStage: 'NEGOTIATION', toStage: 'WON', probability: 100, by: { id: users.rep1 }, at: res.opportunity.closedAt });
    expect(read.quotes.totalCount).toBe(4);
    expect(read.quotes.edges.map((e: any) => e.node.id)).toEqual([chosen.id, rejected.id, sentOther.id, draft.id]); // newest first
    expect(read.quotes.edges[0].node.status).toBe('ACCEPTED');

    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 20) { edges { node { entityType entityId action changes { field oldValue newValue } } } } } }`,
      { id: rep1Customer }, 'ADMIN')).customer.history.edges.map((e: any) => e.node);
    const won = history.find((h: any) => h.entityType === 'Opportunity' && h.entityId === opp.id);
    expect(won.action).toBe('UPDATE');
    expect(won.changes).toEqual(expect.arrayContaining([
      { field: 'stage', oldValue: 'NEGOTIATION', newValue: 'WON' }, { field: 'amount', oldValue: '1000.00', newValue: '100.29' },
    ]));
    const acceptedEntry = history.find((h: any) => h.entityType === 'Quote' && h.entityId === chosen.id);
    expect(acceptedEntry.changes).toEqual([{ field: 'status', oldValue: 'SENT', newValue: 'ACCEPTED' }]);
    const autoRejected = history.filter((h: any) => h.entityType === 'Quote' && [draft.id, sentOther.id, rejected.id, chosen.id].includes(h.entityId)
      && h.changes.some((c: any) => c.field === 'status' && c.newValue === 'REJECTED'));
    expect(autoRejected.map((h: any) => h.entityId).sort()).toEqual([draft.id, sentOther.id, rejected.id].sort());
  });

  test('two quotes of one deal accepted at once: exactly one wins, the deal is won once', async () => {
    const opp = await opportunity({ stage: 'PROPOSAL' });
    const a = await quoteOn(opp.id, [line('100.00')]);
    const b = await quoteOn(opp.id, [line('200.00')]);
    for (const q of [a, b]) await transition('sendQuote', q.id);
    const results = await Promise.all([accept({ id: a.id }), accept({ id: b.id }, 'SALES_MANAGER')]);
    const winners = results.filter((r) => r.errors.length === 0);
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => r.errors.length > 0)!;
    expect(['BUSINESS_RULE', 'CONFLICT']).toContain(loser.errors[0].code);
    const statuses = [await statusOf(a.id), await statusOf(b.id)].sort();
    expect(statuses).toEqual(['ACCEPTED', 'REJECTED']);
    const wonAt = winners[0].quote.id === a.id ? '100.00' : '200.00';
    const [deal] = await t.sql<{ stage: string; amount: string }>('select stage, amount::text as amount from opportunity where id = ?', [opp.id]);
    expect(deal).toEqual({ stage: 'WON', amount: wonAt });
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from opportunity_stage_change where opportunity_id = ? and to_stage = 'WON'`, [opp.id]);
    expect(n).toBe(1);
  });

  test('markOpportunityWon: false leaves the deal as it is', async () => {
    const opp = await opportunity({ stage: 'PROPOSAL' });
    const q = await quoteOn(opp.id, [line('250.00')]);
    await transition('sendQuote', q.id);
    const res = await accept({ id: q.id, markOpportunityWon: false });
    expect(res.errors).toEqual([]);
    expect(res.quote.status).toBe('ACCEPTED');
    expect(res.opportunity).toMatchObject({ stage: 'PROPOSAL', amount: '1000.00', probability: 60, closedAt: null, version: 1 });
  });

  test('only SENT quotes; past validUntil the quote becomes EXPIRED and acceptance is refused', async () => {
    const opp = await opportunity();
    const draft = await quoteOn(opp.id);
    let res = await accept({ id: draft.id });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'id'] })]);
    expect(await statusOf(draft.id)).toBe('DRAFT');

    const old = await quoteOn(opp.id);
    await transition('sendQuote', old.id);
    await t.sql(`update quote set valid_until = '2020-01-01' where id = ?`, [old.id]);
    res = await accept({ id: old.id });
    expect(res.quote).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'id'] })]);
    expect(res.errors[0].message).toMatch(/EXPIRED/);
    expect(await statusOf(old.id)).toBe('EXPIRED'); // kept although the acceptance was refused
    // nothing else moved
    expect(await statusOf(draft.id)).toBe('DRAFT');
    const [deal] = await t.sql<{ stage: string; version: number }>('select stage, version from opportunity where id = ?', [opp.id]);
    expect(deal).toEqual({ stage: 'PROSPECTING', version: 1 });
    res = await accept({ id: old.id });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE' })]);
    // valid through the whole of its last day
    const today = await quoteOn(opp.id);
    await transition('sendQuote', today.id);
    await t.sql(`update quote set valid_until = ? where id = ?`, [new Date().toISOString().slice(0, 10), today.id]);
    expect((await accept({ id: today.id })).errors).toEqual([]);
  });
});

// ----------------------------------------------------------------------------------- read access

describe('who reads quotes', () => {
  let opp: any;
  let q: any;
  beforeAll(async () => {
    opp = await opportunity();
    q = await quoteOn(opp.id, [line('12.34', '2')]);
  });
  const QUOTES = `query($id: ID!) { opportunity(id: $id) { id name quotes { totalCount edges { node { id total lines { lineTotal } } } } } }`;

  test('sales roles, ADMIN and FINANCE read quotes (field, node); SERVICE_AGENT and MARKETING get FORBIDDEN / null', async () => {
    for (const who of ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'FINANCE'] as Who[]) {
      const data = ok(await t.gql(QUOTES, { id: opp.id }, who)).opportunity;
      expect(data.quotes).toEqual({ totalCount: 1, edges: [{ node: { id: q.id, total: '24.68', lines: [{ lineTotal: '24.68' }] } }] });
      const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on Quote { number status } } }`, { id: q.id }, who)).node;
      expect(node).toEqual({ id: q.id, number: q.number, status: 'DRAFT' });
    }
    for (const who of ['SERVICE_AGENT', 'MARKETING'] as Who[]) {
      const res = await t.gql(QUOTES, { id: opp.id }, who);
      expect(res.body.data.opportunity).toEqual({ id: opp.id, name: 'Quoted deal', quotes: null });
      expect(res.body.errors).toEqual([expect.objectContaining({ path: ['opportunity', 'quotes'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: q.id }, who)).node).toBeNull();
    }
    for (const who of ['SALES_REP_2', 'ANALYST', 'PARTNER'] as Who[]) {
      expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: q.id }, who)).node).toBeNull();
    }
  });

  test('the customer\'s history shows a deal\'s and its quotes\' entries only to those who see the deal', async () => {
    // rep2's deal on rep1's customer
    const theirs = await opportunity({ ownerId: users.rep2 }, 'SALES_MANAGER');
    const quote = await quoteOn(theirs.id, [line('9.99')], 'SALES_REP_2');
    const entries = async (who: Who) => ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 100) { totalCount edges { node { entityType entityId } } } } }`,
      { id: rep1Customer }, who)).customer.history;
    const about = (h: any) => h.edges.map((e: any) => e.node.entityId).filter((id: string) => id === theirs.id || id === quote.id);
    const rep1 = await entries('SALES_REP');
    expect(about(rep1)).toEqual([]);
    const manager = await entries('SALES_MANAGER');
    expect(about(manager).sort()).toEqual([quote.id, theirs.id].sort());
    expect(manager.totalCount).toBe(rep1.totalCount + 2);
  });

  test('a deleted opportunity takes its quotes with it', async () => {
    const other = await opportunity();
    const gone = await quoteOn(other.id);
    ok(await t.gql(`mutation($i: OpportunityIdInput!) { deleteOpportunity(input: $i) { errors { code } } }`, { i: { id: other.id } }, 'SALES_REP'));
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: gone.id }, 'ADMIN')).node).toBeNull();
    expect((await transition('sendQuote', gone.id)).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });
});

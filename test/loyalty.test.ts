import { runLoyaltyJob } from '../src/services/loyalty.service';
import { ok, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * The loyalty programme through HTTP (issue 11): settings, enrolment, member prices, EARN / REDEEM /
 * REVERSAL / EXPIRE / ADJUST amounts against values computed by hand below, tiers up at once and down
 * at the job, the balance invariant under 50 concurrent redemptions, the liability report, scopes.
 * Programme used (the migration's defaults): EUR; SILVER 1000, GOLD 5000, PLATINUM 20000; rates 1 /
 * 1.25 / 1.5 / 2; 100 points = 1.00; points pay at most 50 %; expiry 24 months; sign-up bonus 100.
 */

let t: TestApp;
let shop: Caller;
let blindShop: Caller;
let rep1: string;
const custs: string[] = [];
let partnerOwn: string;
let resold: string;

const MEMBERSHIP = 'number tier since tierSince pointsBalance pointsExpiringNext { points on } spend12m nextTier { tier missing } tierHistory { fromTier toTier reason spend12m orderId }';
const PUSH = `mutation($i: PushOrderInput!) { pushOrder(input: $i) { order { id status subtotal discountTotal pointsRedeemed pointsValue total version
  lines { sku unitPrice priceSource lineTotal } } errors { code message field } } }`;
const STATUS = 'mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { id status version completedAt } errors { code message field } } }';
const ENROL = 'mutation($i: EnrolMemberInput!) { enrolMember(input: $i) { membership { id number tier } errors { code message field } } }';
const ADJUST = 'mutation($i: AdjustPointsInput!) { adjustPoints(input: $i) { membership { id pointsBalance } errors { code message field } } }';
const PROGRAMME = 'version currency pointValue maxRedeemPercent expiryMonths signupBonus tiers { tier minSpend12m earnRate }';

const membership = async (id: string, as: Who | Caller = 'ADMIN') =>
  ok(await t.gql(`query($id: ID!) { customer(id: $id) { membership { ${MEMBERSHIP} } } }`, { id }, as)).customer?.membership;
const ledger = async (id: string, as: Who | Caller = 'ADMIN') =>
  ok(await t.gql('query($id: ID!) { customer(id: $id) { pointsLedger(first: 50) { totalCount edges { node { kind points balanceAfter expiresOn unrecovered reason orderId } } } } }', { id }, as))
    .customer.pointsLedger;
const balance = async (id: string) => (await membership(id)).pointsBalance as number;
const ledgerSum = async (id: string) => Number((await t.sql<{ s: string }>('select coalesce(sum(points), 0)::text as s from points_entry where customer_id = ?', [id]))[0].s);

let seq = 0;
const push = async (customerId: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}, as: Who | Caller = shop) => {
  seq += 1;
  const res = await t.gql(PUSH, { i: { idempotencyKey: `loy-${seq}`, channel: 'WEB', currency: 'EUR', customer: { customerId }, lines, ...extra } }, as);
  return ok(res).pushOrder;
};
const pushed = async (...args: Parameters<typeof push>) => {
  const res = await push(...args);
  expect(res.errors).toEqual([]);
  return res.order;
};
/** Moves an order along its lifecycle to `target` (as ADMIN). */
async function moveTo(orderId: string, ...statuses: string[]): Promise<GqlResult['body']['data']> {
  let last: any;
  for (const status of statuses) {
    const [{ version }] = await t.sql<{ version: number }>('select version from sales_order where id = ?', [orderId]);
    last = ok(await t.gql(STATUS, { i: { id: orderId, version, status } }, 'ADMIN')).updateOrderStatus;
    expect(last.errors).toEqual([]);
  }
  return last.order;
}
const complete = (orderId: string) => moveTo(orderId, 'CONFIRMED', 'FULFILLED', 'COMPLETED');
const enrol = async (customerId: string, as: Who = 'ADMIN') => ok(await t.gql(ENROL, { i: { customerId } }, as)).enrolMember;
const adjust = async (customerId: string, points: number, as: Who = 'ADMIN') =>
  ok(await t.gql(ADJUST, { i: { customerId, points, reason: `test ${points}` } }, as)).adjustPoints;
const inMonths = (months: number, from = new Date()) => {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + months, from.getUTCDate()));
  return d.toISOString().slice(0, 10);
};
const programme = async () => ok(await t.gql(`{ loyaltyProgramme { ${PROGRAMME} } }`, {}, 'ADMIN')).loyaltyProgramme;
const setProgramme = async (change: Record<string, unknown>) => {
  const { version } = await programme();
  const res = ok(await t.gql(`mutation($i: UpdateLoyaltyProgrammeInput!) { updateLoyaltyProgramme(input: $i) { programme { ${PROGRAMME} } errors { code message field } } }`,
    { i: { version, ...change } }, 'ADMIN')).updateLoyaltyProgramme;
  expect(res.errors).toEqual([]);
  return res.programme;
};

beforeAll(async () => {
  t = await startTestApp({ customers: 40 });
  const key = async (scopes: string[]) => ({ apiKey: ok(await t.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: `loyalty ${scopes.join(',')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey.secret as string });
  shop = await key(['orders:write', 'customers:read']);
  blindShop = await key(['orders:write']);
  rep1 = (await t.sql<{ id: string }>(`select id from app_user where email = 'rep1@demo.crm'`))[0].id;
  custs.push(...(await t.sql<{ id: string }>('select id from customer where owner_id = ? and resold_by_id is null order by created_at, id limit 8', [rep1])).map((c) => c.id));
  partnerOwn = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  await t.sql('update customer set resold_by_id = ? where id = ?', [partnerOwn, custs[7]]);
  resold = custs[7];
  await t.sql(`insert into product (id, sku, name, category, list_price, member_price, currency) values
    ('prd_${'a'.repeat(32)}', 'LOY-A', 'Headphones', 'Audio', 200.00, 180.00, 'EUR'),
    ('prd_${'b'.repeat(32)}', 'LOY-B', 'Case', 'Accessories', 50.00, null, 'EUR')`);
  await t.sql(`update product set max_discount_percent = 10 where sku = 'LOY-B'`);
  expect(custs.length).toBe(8);
});
afterAll(async () => { await t.close(); });

describe('the programme', () => {
  test('staff read it; ADMIN changes it (audited, thresholds must rise, stale version CONFLICT); others are FORBIDDEN', async () => {
    const p = await programme();
    expect(p).toMatchObject({ currency: 'EUR', pointValue: '0.010000', maxRedeemPercent: '50.00', expiryMonths: 24, signupBonus: 100 });
    expect(p.tiers).toEqual([
      { tier: 'STANDARD', minSpend12m: '0.00', earnRate: '1.0000' }, { tier: 'SILVER', minSpend12m: '1000.00', earnRate: '1.2500' },
      { tier: 'GOLD', minSpend12m: '5000.00', earnRate: '1.5000' }, { tier: 'PLATINUM', minSpend12m: '20000.00', earnRate: '2.0000' },
    ]);
    for (const who of ['SALES_REP', 'ANALYST', 'FINANCE'] as const) expect(ok(await t.gql('{ loyaltyProgramme { currency } }', {}, who)).loyaltyProgramme.currency).toBe('EUR');
    expect((await t.gql('{ loyaltyProgramme { currency } }', {}, 'PARTNER')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const M = 'mutation($i: UpdateLoyaltyProgrammeInput!) { updateLoyaltyProgramme(input: $i) { programme { version } errors { code field } } }';
    expect((await t.gql(M, { i: { version: p.version, signupBonus: 5 } }, 'MARKETING')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(ok(await t.gql(M, { i: { version: p.version, silverSpend: '6000' } }, 'ADMIN')).updateLoyaltyProgramme.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'silverSpend'] }]);
    expect(ok(await t.gql(M, { i: { version: p.version + 7, signupBonus: 5 } }, 'ADMIN')).updateLoyaltyProgramme.errors).toEqual([{ code: 'CONFLICT', field: ['input', 'version'] }]);
    expect((await setProgramme({ signupBonus: 150 })).signupBonus).toBe(150);
    expect((await setProgramme({ signupBonus: 100 })).signupBonus).toBe(100);
    const audit = await t.sql<{ changes: any }>(`select changes from audit_event where entity_type = 'LoyaltyProgramme' order by at`);
    expect(audit.map((a) => (typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes))).toEqual([
      [{ field: 'signupBonus', old: 100, new: 150 }], [{ field: 'signupBonus', old: 150, new: 100 }],
    ]);
    // …and readable by staff, newest first, with who made the change
    const history = ok(await t.gql('{ loyaltyProgramme { history(first: 5) { action actor { email } changes { field oldValue newValue redacted } } } }', {}, 'FINANCE'));
    expect(history.loyaltyProgramme.history).toEqual([
      { action: 'UPDATE', actor: { email: 'admin@demo.crm' }, changes: [{ field: 'signupBonus', oldValue: 150, newValue: 100, redacted: false }] },
      { action: 'UPDATE', actor: { email: 'admin@demo.crm' }, changes: [{ field: 'signupBonus', oldValue: 100, newValue: 150, redacted: false }] },
    ]);
  });
});

describe('membership, member prices, earning and tiers', () => {
  test('enrolment: a number, STANDARD, the sign-up bonus as a lot expiring in 24 months; once; only for who writes the customer', async () => {
    const a = custs[0];
    expect((await t.gql(ENROL, { i: { customerId: a } }, 'SERVICE_AGENT')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await enrol(a, 'SALES_REP_2')).errors).toEqual([{ code: 'NOT_FOUND', message: 'Customer not found.', field: ['input', 'customerId'] }]);
    const made = await enrol(a, 'SALES_REP');
    expect(made.errors).toEqual([]);
    expect(made.membership).toMatchObject({ tier: 'STANDARD', number: expect.stringMatching(/^M\d{6}$/) });
    expect((await enrol(a, 'SALES_REP')).errors).toEqual([{ code: 'DUPLICATE', message: 'This customer is a member already.', field: ['input', 'customerId'] }]);
    expect(await membership(a)).toMatchObject({
      tier: 'STANDARD', pointsBalance: 100, pointsExpiringNext: { points: 100, on: inMonths(24) }, spend12m: '0.00',
      nextTier: { tier: 'SILVER', missing: '1000.00' }, tierHistory: [{ fromTier: null, toTier: 'STANDARD', reason: 'ENROLMENT', spend12m: '0.00', orderId: null }],
    });
    expect((await ledger(a)).edges.map((e: any) => e.node)).toEqual([
      { kind: 'BONUS', points: 100, balanceAfter: 100, expiresOn: inMonths(24), unrecovered: 0, reason: 'Sign-up bonus', orderId: null },
    ]);
  });

  test('lines without unitPrice get the member price for members (else the list price); a pushed member price is only for members', async () => {
    const [member, stranger] = [custs[0], custs[1]];
    const m = await pushed(member, [{ sku: 'LOY-A', quantity: 2 }, { sku: 'LOY-B', quantity: 1 }]);
    expect(m.lines).toEqual([
      { sku: 'LOY-A', unitPrice: '180.00', priceSource: 'MEMBER', lineTotal: '360.00' },
      { sku: 'LOY-B', unitPrice: '50.00', priceSource: 'LIST', lineTotal: '50.00' },
    ]);
    const s = await pushed(stranger, [{ sku: 'LOY-A', quantity: 1 }, { sku: 'LOY-B', quantity: 1, unitPrice: '50.00' }]);
    expect(s.lines.map((l: any) => [l.unitPrice, l.priceSource])).toEqual([['200.00', 'LIST'], ['50.00', 'SHOP']]);
    const refused = await push(stranger, [{ sku: 'LOY-A', quantity: 1, unitPrice: '180.00' }]);
    expect(refused.errors.map((e: any) => [e.code, e.field])).toEqual([['VALIDATION', ['input', 'lines', '0', 'unitPrice']]]);
    expect((await pushed(member, [{ sku: 'LOY-A', quantity: 1, unitPrice: '180.00' }])).lines[0].priceSource).toBe('SHOP');
    // enrol: true makes the shopper a member in the push, at member prices
    const joined = await pushed(custs[2], [{ sku: 'LOY-A', quantity: 1 }], { enrol: true });
    expect(joined.lines[0]).toMatchObject({ unitPrice: '180.00', priceSource: 'MEMBER' });
    expect(await membership(custs[2])).toMatchObject({ tier: 'STANDARD', pointsBalance: 100 });
  });

  test('quotes price lines without a unit price from the catalogue: member price for members, list price for others', async () => {
    const quote = async (customerId: string) => {
      const opp = ok(await t.gql('mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } errors { code } } }',
        { i: { customerId, name: 'Loyal deal', amount: '1000', expectedCloseDate: '2027-06-30', currency: 'EUR' } }, 'SALES_REP')).createOpportunity.opportunity;
      return ok(await t.gql('mutation($i: CreateQuoteInput!) { createQuote(input: $i) { quote { total lines { unitPrice } } errors { code field } } }', { i: {
        opportunityId: opp.id, validUntil: '2099-01-01', lines: [
          { productRef: 'loy-a', description: 'Headphones', quantity: '2' },
          { productRef: 'LOY-B', description: 'Case', quantity: '1' },
          { description: 'Service', quantity: '1', unitPrice: '10.00' },
        ] } }, 'SALES_REP')).createQuote;
    };
    const member = await quote(custs[0]);
    expect(member.errors).toEqual([]);
    expect(member.quote).toEqual({ total: '420.00', lines: [{ unitPrice: '180.00' }, { unitPrice: '50.00' }, { unitPrice: '10.00' }] });
    expect((await quote(custs[1])).quote).toEqual({ total: '460.00', lines: [{ unitPrice: '200.00' }, { unitPrice: '50.00' }, { unitPrice: '10.00' }] });
  });

  test('EARN on COMPLETED (once), REDEEM in the push, tiers up at once, REVERSAL on return, down only at the job', async () => {
    const a = custs[3];
    await enrol(a); // 100
    // order 1: 3 × 180 (member) + 2 × 50 − 10 discount = 630.00 → EARN floor(630 × 1) = 630 → 730
    const o1 = await pushed(a, [{ sku: 'LOY-A', quantity: 3 }, { sku: 'LOY-B', quantity: 2, discount: '10.00' }]);
    expect([o1.subtotal, o1.discountTotal, o1.total]).toEqual(['640.00', '10.00', '630.00']);
    const done = await complete(o1.id);
    expect(done.completedAt).toEqual(expect.any(String));
    expect(await balance(a)).toBe(730);
    // completing twice is not a transition; a second EARN for the order is refused by the ledger itself
    expect((await t.gql(STATUS, { i: { id: o1.id, version: done.version, status: 'COMPLETED' } }, 'ADMIN')).body.data.updateOrderStatus.errors[0].code).toBe('BUSINESS_RULE');
    await expect(t.sql(`insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, expires_on, order_id, created_by)
      select 'pte_' || replace(gen_random_uuid()::text, '-', ''), membership_id, customer_id, 'EARN', 630, 1360, expires_on, order_id, 'test'
      from points_entry where order_id = ? and kind = 'EARN'`, [o1.id])).rejects.toThrow(/points_entry_earn_once|duplicate key/);
    // order 2: 3 × 180 = 540.00, 500 points pay 5.00 → 535.00; balance 230; EARN floor(535) → 765; spend 1165 → SILVER at once
    const o2 = await pushed(a, [{ sku: 'LOY-A', quantity: 3 }], { pointsToRedeem: 500 });
    expect([o2.subtotal, o2.pointsRedeemed, o2.pointsValue, o2.total]).toEqual(['540.00', 500, '5.00', '535.00']);
    expect(await balance(a)).toBe(230);
    await complete(o2.id);
    expect(await membership(a)).toMatchObject({ tier: 'SILVER', pointsBalance: 765, spend12m: '1165.00', nextTier: { tier: 'GOLD', missing: '3835.00' } });
    // order 3 at SILVER: 50.00 × 1.25 = 62.5 → 62 → 827
    const o3 = await pushed(a, [{ sku: 'LOY-B', quantity: 1 }]);
    await complete(o3.id);
    expect(await balance(a)).toBe(827);
    // return order 2: give back 500 (1327), take back 535 (792); spend 680 but still SILVER until the job
    await moveTo(o2.id, 'RETURNED');
    const m = await membership(a);
    expect(m).toMatchObject({ tier: 'SILVER', pointsBalance: 792, spend12m: '680.00' });
    const entries = (await ledger(a)).edges.map((e: any) => e.node);
    expect(entries.map((e: any) => [e.kind, e.points, e.balanceAfter, e.unrecovered])).toEqual([
      ['REVERSAL', -535, 792, 0], ['REVERSAL', 500, 1327, 0], ['EARN', 62, 827, 0], ['EARN', 535, 765, 0], ['REDEEM', -500, 230, 0], ['EARN', 630, 730, 0], ['BONUS', 100, 100, 0],
    ]);
    expect(entries[1].expiresOn).toBe(inMonths(24)); // redeemed points come back as a new lot
    expect(await ledgerSum(a)).toBe(792);
    // the nightly job lowers the tier (once, also when run twice)
    const job = () => runLoyaltyJob(t.db.orm.em.fork() as any, new Date());
    expect((await job()).tierChanges).toBeGreaterThanOrEqual(1);
    expect((await job()).tierChanges).toBe(0);
    expect((await membership(a)).tierHistory.map((h: any) => [h.fromTier, h.toTier, h.reason, h.spend12m, !!h.orderId])).toEqual([
      [null, 'STANDARD', 'ENROLMENT', '0.00', false], ['STANDARD', 'SILVER', 'ORDER', '1165.00', true], ['SILVER', 'STANDARD', 'JOB', '680.00', false],
    ]);
    const timeline = ok(await t.gql('query($id: ID!) { customer(id: $id) { timeline(first: 50, types: [TIER_CHANGE]) { edges { kind node { ... on TierChange { toTier } } } } } }', { id: a }, 'SALES_REP'));
    expect(timeline.customer.timeline.edges.map((e: any) => e.node.toTier)).toEqual(['STANDARD', 'SILVER', 'STANDARD']);
  });

  test('redemption rules: member, balance, the 50 % cap, integers; a key that may not read customers names the customer by id', async () => {
    const a = custs[4];
    await enrol(a);
    expect((await adjust(a, 5000)).membership.pointsBalance).toBe(5100);
    const err = async (points: number, lines = [{ sku: 'LOY-B', quantity: 1 }]) => (await push(a, lines, { pointsToRedeem: points })).errors;
    expect(await err(2501)).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'pointsToRedeem'],
      message: 'Points may pay at most 50.00 % of the order (25.00 EUR): at most 2500 points.' }]);
    expect(await err(5101, [{ sku: 'LOY-A', quantity: 3 }])).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'pointsToRedeem'], message: 'Balance too low: the member has 5100 points.' }]);
    expect((await err(-1))[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'pointsToRedeem'] });
    const ok2500 = await pushed(a, [{ sku: 'LOY-B', quantity: 1 }], { pointsToRedeem: 2500 });
    expect([ok2500.pointsValue, ok2500.total]).toEqual(['25.00', '25.00']);
    expect(await balance(a)).toBe(2600);
    const blind = await push(a, [{ sku: 'LOY-B', quantity: 1 }], { pointsToRedeem: 10, customer: { email: 'who@example.com', name: 'Who' } }, blindShop);
    expect(blind.errors.map((e: any) => e.field)).toEqual([['input', 'pointsToRedeem']]);
    // cancelling gives the points back
    await moveTo(ok2500.id, 'CANCELLED');
    expect(await balance(a)).toBe(5100);
    // …and so does FINANCE refusing the credit of a held order (over a 1.00 EUR limit)
    await t.sql(`update customer set credit_limit = 1, credit_currency = 'EUR' where id = ?`, [a]);
    const held = await pushed(a, [{ sku: 'LOY-B', quantity: 1 }], { pointsToRedeem: 1000, paymentTerms: 'ON_ACCOUNT' });
    expect([held.status, await balance(a)]).toEqual(['PENDING_CREDIT_APPROVAL', 4100]);
    const [hold] = await t.sql<{ id: string; version: number }>('select id, version from credit_hold where order_id = ?', [held.id]);
    const rejected = ok(await t.gql('mutation($i: RejectCreditInput!) { rejectCredit(input: $i) { errors { message } } }',
      { i: { holdId: hold.id, version: hold.version, note: 'No limit' } }, 'FINANCE')).rejectCredit;
    expect(rejected.errors).toEqual([]);
    expect(await balance(a)).toBe(5100);
  });

  test('a reversal takes back only what the balance holds and records the rest as unrecovered', async () => {
    const c = custs[5];
    await enrol(c); // 100
    const o = await pushed(c, [{ sku: 'LOY-B', quantity: 20 }]); // 1000.00
    await complete(o.id); // EARN 1000 → 1100
    expect((await membership(c)).tier).toBe('SILVER'); // a spend of exactly the threshold (1000.00) reaches it
    expect((await adjust(c, -1101, 'SERVICE_AGENT')).errors).toEqual([{ code: 'BUSINESS_RULE', field: ['input', 'points'], message: 'The balance is 1100 points: at most 1100 can be taken off.' }]);
    expect((await adjust(c, -1000, 'SERVICE_AGENT')).membership.pointsBalance).toBe(100);
    expect((await t.gql(ADJUST, { i: { customerId: c, points: 5, reason: 'x' } }, 'SALES_REP')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await moveTo(o.id, 'RETURNED');
    const [last] = (await ledger(c)).edges.map((e: any) => e.node);
    expect(last).toMatchObject({ kind: 'REVERSAL', points: -100, balanceAfter: 0, unrecovered: 900, orderId: o.id });
    expect(await ledgerSum(c)).toBe(0);
    // the ledger is history: the database itself refuses to change or delete it
    await expect(t.sql('update points_entry set points = 0 where customer_id = ?', [c])).rejects.toThrow(/append-only/);
    await expect(t.sql('delete from points_entry where customer_id = ?', [c])).rejects.toThrow(/append-only/);
    const audit = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where entity_type = 'Membership' and customer_id = ?`, [c]);
    expect(audit[0].n).toBe(2); // enrolment + adjustment
  });
});

describe('expiry and liability', () => {
  test('lots expire FIFO by their own date; the job expires once, also when two run at the same time', async () => {
    const d = custs[6];
    await enrol(d); // lot 1: 100, expires in 24 months
    await setProgramme({ expiryMonths: 36 });
    await adjust(d, 50); // lot 2: 50, expires in 36 months
    await setProgramme({ expiryMonths: 24 });
    await adjust(d, -30); // uses lot 1 first: 70 left of it
    expect(await membership(d)).toMatchObject({ pointsBalance: 120, pointsExpiringNext: { points: 70, on: inMonths(24) } });
    const at = (months: number) => new Date(`${inMonths(months)}T12:00:00Z`);
    const day25 = new Date(at(24).getTime() + 86400_000);
    const results = await Promise.all([runLoyaltyJob(t.db.orm.em.fork() as any, day25), runLoyaltyJob(t.db.orm.em.fork() as any, day25)]);
    expect(results.map((r) => r.expired).sort()).toEqual(expect.arrayContaining([0]));
    expect(await membership(d)).toMatchObject({ pointsBalance: 50, pointsExpiringNext: { points: 50, on: inMonths(36) } });
    await runLoyaltyJob(t.db.orm.em.fork() as any, day25);
    const expiries = await t.sql<{ points: number }>(`select points from points_entry where customer_id = ? and kind = 'EXPIRE'`, [d]);
    expect(expiries.map((e) => Number(e.points))).toEqual([-70]);
    await runLoyaltyJob(t.db.orm.em.fork() as any, new Date(at(36).getTime() + 86400_000));
    expect(await balance(d)).toBe(0);
    expect(await ledgerSum(d)).toBe(0);
  });

  test('loyaltyLiability: outstanding points by expiry month equal the sum of the ledger; FINANCE and ADMIN only', async () => {
    const Q = 'query($asOf: DateTime) { loyaltyLiability(asOf: $asOf) { currency pointValue points value members byExpiryMonth { month points value } } }';
    const now = ok(await t.gql(Q, {}, 'FINANCE')).loyaltyLiability;
    const [{ total, members }] = await t.sql<{ total: string; members: number }>(`select sum(points)::text as total,
      count(distinct customer_id) filter (where true)::int as members from points_entry`);
    const balances = await t.sql<{ b: number }>(`select customer_id, sum(points)::int as b from points_entry group by customer_id having sum(points) > 0`);
    expect(now.points).toBe(Number(total));
    expect(now.value).toBe((Number(total) / 100).toFixed(2));
    expect(now.members).toBe(balances.length);
    expect(members).toBeGreaterThanOrEqual(balances.length);
    expect(now.byExpiryMonth.reduce((s: number, m: any) => s + m.points, 0)).toBe(Number(total));
    expect(now.byExpiryMonth.every((m: any) => m.value === (m.points / 100).toFixed(2))).toBe(true);
    expect(ok(await t.gql(Q, { asOf: '2020-01-01T00:00:00Z' }, 'ADMIN')).loyaltyLiability).toMatchObject({ points: 0, value: '0.00', byExpiryMonth: [] });
    for (const who of ['SALES_MANAGER', 'ANALYST', 'MARKETING'] as const) expect((await t.gql(Q, {}, who)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('concurrency, scopes and batching', () => {
  test('50 concurrent pushes redeeming the same balance: exactly as many as it covers succeed, and it never goes below 0', async () => {
    const e = custs[1];
    await enrol(e); // 100
    await adjust(e, 900); // 1000
    const results = await Promise.all(Array.from({ length: 50 }, () => push(e, [{ sku: 'LOY-A', quantity: 1 }], { pointsToRedeem: 100 })));
    expect(results.filter((r) => r.order).length).toBe(10);
    expect(results.filter((r) => r.errors.length).every((r) => r.errors[0].message === 'Balance too low: the member has 0 points.')).toBe(true);
    expect(await balance(e)).toBe(0);
    expect(await ledgerSum(e)).toBe(0);
    const [{ n }] = await t.sql<{ n: number }>('select count(*)::int as n from points_entry where customer_id = ? and balance_after < 0', [e]);
    expect(n).toBe(0);
  });

  test('scopes: reps their customers, ANALYST tiers but no ledger, PARTNER only its own membership', async () => {
    const a = custs[0];
    expect(ok(await t.gql('query($id: ID!) { customer(id: $id) { id } }', { id: a }, 'SALES_REP_2')).customer).toBeNull();
    const analyst = await t.gql('query($id: ID!) { customer(id: $id) { membership { tier pointsBalance } pointsLedger(first: 1) { totalCount } } }', { id: a }, 'ANALYST');
    expect(analyst.body.data.customer.membership).toMatchObject({ tier: 'STANDARD' });
    expect(analyst.body.data.customer.pointsLedger).toBeNull();
    expect(analyst.body.errors?.map((x) => x.extensions?.code)).toEqual(['FORBIDDEN']);
    await enrol(partnerOwn);
    await enrol(resold);
    const own = ok(await t.gql('query($id: ID!) { customer(id: $id) { membership { tier pointsBalance } pointsLedger(first: 5) { totalCount } } }', { id: partnerOwn }, 'PARTNER'));
    expect(own.customer).toEqual({ membership: { tier: 'STANDARD', pointsBalance: 100 }, pointsLedger: { totalCount: 1 } });
    const other = ok(await t.gql('query($id: ID!) { customer(id: $id) { id membership { tier } pointsLedger(first: 5) { totalCount } } }', { id: resold }, 'PARTNER'));
    expect(other.customer).toEqual({ id: resold, membership: null, pointsLedger: { totalCount: 0 } });
  });

  test('membership figures, tier history and ledger pages of a list: statements do not grow with the rows', async () => {
    const Q = 'query($n: Int!) { customers(first: $n, orderBy: [{ field: CREATED_AT, direction: ASC }]) { edges { node { id membership { tier pointsBalance spend12m pointsExpiringNext { points } nextTier { missing } tierHistory { toTier } } pointsLedger(first: 2) { totalCount edges { node { points } } } } } } }';
    const few = await t.countQueries(async () => ok(await t.gql(Q, { n: 2 }, 'ADMIN')));
    const many = await t.countQueries(async () => ok(await t.gql(Q, { n: 12 }, 'ADMIN')));
    expect(many).toBe(few);
  });
});

import { codes, startTestApp, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * Opportunities through HTTP: create/update/reopen/delete with their payload errors, probability
 * defaults and overrides, the lost-reason rule, stage history, audit on the customer, the record scope
 * per role (rep, manager, outsider, all-readers, no-readers), the amount field rule, filters and
 * orders with cursor walks, `Customer.opportunities`, `node`, and the N+1 rule.
 */

let t: TestApp;
const users: Record<string, string> = {};
let rep1Customers: string[];
let rep2Customers: string[];

beforeAll(async () => {
  t = await startTestApp({ customers: 12 });
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) users[u.email.split('@')[0]] = u.id;
  const of = async (owner: string) => (await t.sql<{ id: string }>(`select id from customer where owner_id = ? and not is_partner order by created_at, id`, [owner])).map((r) => r.id);
  rep1Customers = await of(users.rep1);
  rep2Customers = await of(users.rep2);
  expect(rep1Customers.length).toBeGreaterThanOrEqual(4);
  expect(rep2Customers.length).toBeGreaterThanOrEqual(3);
});
afterAll(async () => { await t.close(); });

const ok = (res: GqlResult) => {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
};

const OPP = `id name amount currency stage probability expectedCloseDate competitors lostReason lostNote closedAt version createdAt
  owner { id } customer { id }`;
const PAYLOAD = `opportunity { ${OPP} } errors { code message field }`;

async function create(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  const res = await t.gql(`mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { ${PAYLOAD} } }`,
    { i: { name: 'Laptops for the district', amount: '1000.00', expectedCloseDate: '2027-03-31', customerId: rep1Customers[0], ...input } }, who);
  return ok(res).createOpportunity as { opportunity: any; errors: any[] };
}
async function created(input: Record<string, unknown> = {}, who: Who = 'SALES_REP') {
  const res = await create(input, who);
  expect(res.errors).toEqual([]);
  return res.opportunity;
}
async function update(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: UpdateOpportunityInput!) { updateOpportunity(input: $i) { ${PAYLOAD} } }`, { i: input }, who)).updateOpportunity as { opportunity: any; errors: any[] };
}
async function reopen(input: Record<string, unknown>, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: ReopenOpportunityInput!) { reopenOpportunity(input: $i) { ${PAYLOAD} } }`, { i: input }, who)).reopenOpportunity as { opportunity: any; errors: any[] };
}
async function remove(id: string, who: Who = 'SALES_REP') {
  return ok(await t.gql(`mutation($i: OpportunityIdInput!) { deleteOpportunity(input: $i) { ${PAYLOAD} } }`, { i: { id } }, who)).deleteOpportunity as { opportunity: any; errors: any[] };
}
async function stages(id: string, who: Who = 'ADMIN') {
  const data = ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { stageHistory(first: 100) { totalCount
    edges { node { id fromStage toStage probability reopened actorType at by { id } opportunity { id } } } } } }`, { id }, who));
  return data.opportunity.stageHistory.edges.map((e: any) => e.node) as any[];
}
/** Audit entries of an opportunity, newest first, from its customer's history. */
async function audits(customerId: string, opportunityId: string, who: Who = 'ADMIN') {
  const data = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 100) { edges { node { entityType entityId action
    actor { id } changes { field oldValue newValue redacted } } } } } }`, { id: customerId }, who));
  return data.customer.history.edges.map((e: any) => e.node).filter((n: any) => n.entityId === opportunityId) as any[];
}
const change = (entry: any, field: string) => entry.changes.find((c: any) => c.field === field);

// ------------------------------------------------------------------------------------------ create

describe('createOpportunity', () => {
  test('happy path: defaults, normalised values, first stage-history entry, audit on the customer', async () => {
    const opp = await created({ amount: '12500', currency: 'usd', competitors: ['Acme', 'Acme', 'Globex'] });
    expect(opp).toMatchObject({
      name: 'Laptops for the district', amount: '12500.00', currency: 'USD', stage: 'PROSPECTING', probability: 10,
      expectedCloseDate: '2027-03-31', competitors: ['Acme', 'Globex'], lostReason: null, closedAt: null, version: 1,
      owner: { id: users.rep1 }, customer: { id: rep1Customers[0] },
    });
    expect(opp.id).toMatch(/^opp_[0-9a-f]{32}$/);
    const history = await stages(opp.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ fromStage: null, toStage: 'PROSPECTING', probability: 10, reopened: false, actorType: 'USER', by: { id: users.rep1 }, opportunity: { id: opp.id } });
    const [entry] = await audits(rep1Customers[0], opp.id);
    expect(entry).toMatchObject({ entityType: 'Opportunity', action: 'CREATE', actor: { id: users.rep1 } });
    expect(change(entry, 'amount')).toMatchObject({ oldValue: null, newValue: '12500.00' });
    expect(change(entry, 'stage')).toMatchObject({ newValue: 'PROSPECTING' });
    expect(change(entry, 'ownerId')).toMatchObject({ newValue: users.rep1 });
    const [row] = await t.sql<{ amount: string }>('select amount::text as amount from opportunity where id = ?', [opp.id]);
    expect(row.amount).toBe('12500.00');
  });

  test('validation errors name the field, and nothing is written', async () => {
    const before = (await t.sql<{ n: number }>('select count(*)::int as n from opportunity'))[0].n;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ amount: '-5' }, ['input', 'amount']],
      [{ amount: '1.234' }, ['input', 'amount']],
      [{ currency: 'EURO' }, ['input', 'currency']],
      [{ currency: 'XYZ' }, ['input', 'currency']],
      [{ probability: 101 }, ['input', 'probability']],
      [{ probability: -1 }, ['input', 'probability']],
      [{ name: '  ' }, ['input', 'name']],
      [{ customerId: 'cus_nope' }, ['input', 'customerId']],
      [{ competitors: Array.from({ length: 21 }, (_, i) => `C${i}`) }, ['input', 'competitors']],
    ];
    for (const [input, field] of cases) {
      const res = await create(input);
      expect(res.opportunity).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field })]);
    }
    expect((await t.sql<{ n: number }>('select count(*)::int as n from opportunity'))[0].n).toBe(before);
  });

  test('a float amount is refused by the Decimal scalar', async () => {
    const res = await t.gql(`mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { errors { code } } }`,
      { i: { customerId: rep1Customers[0], name: 'x', amount: 12.5, expectedCloseDate: '2027-01-01' } }, 'SALES_REP');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data).toBeUndefined();
  });

  test('the customer must be visible and live', async () => {
    // rep1 cannot see rep2's customers
    let res = await create({ customerId: rep2Customers[0] });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'customerId'] })]);
    // a deleted customer does not exist
    const victim = rep1Customers[3];
    await t.sql('update customer set deleted_at = now() where id = ?', [victim]);
    res = await create({ customerId: victim });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'customerId'] })]);
    res = await create({ customerId: victim }, 'ADMIN');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    await t.sql('update customer set deleted_at = null where id = ?', [victim]);
  });

  test('owner: a rep only themselves, a manager their team, ADMIN anyone in sales', async () => {
    let res = await create({ ownerId: users.rep2 });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'ownerId'] })]);
    expect((await create({ ownerId: users.rep1 })).errors).toEqual([]);
    // the manager assigns within the subtree, not outside it
    const byManager = await created({ ownerId: users.rep2, customerId: rep2Customers[0] }, 'SALES_MANAGER');
    expect(byManager.owner.id).toBe(users.rep2);
    res = await create({ ownerId: users.admin, customerId: rep2Customers[0] }, 'SALES_MANAGER');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'ownerId'] })]);
    // the manager's own deal defaults to the manager
    expect((await created({ customerId: rep2Customers[0] }, 'SALES_MANAGER')).owner.id).toBe(users.manager);
    // ADMIN: only sales people (or admins) own deals
    res = await create({ ownerId: users.finance }, 'ADMIN');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'ownerId'] })]);
    res = await create({ ownerId: 'usr_00000000000000000000000000000000' }, 'ADMIN');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'ownerId'] })]);
  });

  test('campaign attribution: an unknown campaign is NOT_FOUND, a known one is kept and filterable', async () => {
    let res = await create({ campaignId: 'cmp_00000000000000000000000000000000' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'campaignId'] })]);
    const campaignId = 'cmp_0123456789abcdef0123456789abcdef';
    await t.sql(`insert into campaign (id, name, channel, starts_on, ends_on, owner_id) values (?, 'Spring fair', 'EVENT', '2026-03-01', '2026-03-31', ?)`, [campaignId, users.marketing]);
    res = await create({ campaignId, name: 'From the fair' });
    expect(res.errors).toEqual([]);
    const list = ok(await t.gql(`query($f: OpportunityFilter) { opportunities(filter: $f) { totalCount edges { node { id } } } }`,
      { f: { campaignId: { eq: campaignId } } }, 'SALES_REP')).opportunities;
    expect(list.edges.map((e: any) => e.node.id)).toEqual([res.opportunity.id]);
    const [row] = await t.sql<{ campaign_id: string }>('select campaign_id from opportunity where id = ?', [res.opportunity.id]);
    expect(row.campaign_id).toBe(campaignId);
    const CAMPAIGN = `query($id: ID!) { opportunity(id: $id) { campaign { id name } } }`;
    expect(ok(await t.gql(CAMPAIGN, { id: res.opportunity.id }, 'SALES_REP')).opportunity.campaign).toEqual({ id: campaignId, name: 'Spring fair' });
    // a role that reads deals but not campaigns sees no campaign
    expect(ok(await t.gql(CAMPAIGN, { id: res.opportunity.id }, 'SERVICE_AGENT')).opportunity.campaign).toBeNull();
    // detaching
    const detached = await update({ id: res.opportunity.id, version: 1, campaignId: null });
    expect(detached.errors).toEqual([]);
    expect(ok(await t.gql(CAMPAIGN, { id: res.opportunity.id }, 'SALES_REP')).opportunity.campaign).toBeNull();
  });

  test('only sales roles and ADMIN may write deals', async () => {
    for (const who of ['FINANCE', 'SERVICE_AGENT', 'MARKETING', 'ANALYST', 'PARTNER'] as Who[]) {
      const res = await t.gql(`mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { errors { code } } }`,
        { i: { customerId: rep1Customers[0], name: 'x', amount: '1', expectedCloseDate: '2027-01-01' } }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
    const anon = await t.gql(`mutation { deleteOpportunity(input: { id: "opp_00000000000000000000000000000000" }) { errors { code } } }`, {}, null);
    expect(codes(anon)).toEqual(['UNAUTHENTICATED']);
  });
});

// ---------------------------------------------------------------------------- probability and loss

describe('probability defaults and the lost-reason rule', () => {
  const DEFAULTS: Record<string, number> = { PROSPECTING: 10, QUALIFICATION: 20, NEEDS_ANALYSIS: 40, PROPOSAL: 60, NEGOTIATION: 80, WON: 100, LOST: 0 };

  test('each stage starts at its default probability; WON and LOST are closed', async () => {
    for (const [stage, probability] of Object.entries(DEFAULTS)) {
      const opp = await created({ stage, name: `Stage ${stage}`, ...(stage === 'LOST' ? { lostReason: 'PRICE' } : {}) });
      expect(opp).toMatchObject({ stage, probability });
      expect(opp.closedAt === null).toBe(stage !== 'WON' && stage !== 'LOST');
      expect((await stages(opp.id))[0]).toMatchObject({ fromStage: null, toStage: stage, probability });
    }
  });

  test('open stages may override the probability; closed ones may not', async () => {
    expect(await created({ stage: 'QUALIFICATION', probability: 35 })).toMatchObject({ stage: 'QUALIFICATION', probability: 35 });
    expect(await created({ stage: 'PROPOSAL', probability: 0 })).toMatchObject({ probability: 0 });
    expect(await created({ stage: 'WON', probability: 100 })).toMatchObject({ probability: 100 });
    let res = await create({ stage: 'WON', probability: 50 });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'probability'] })]);
    res = await create({ stage: 'LOST', lostReason: 'PRICE', probability: 10 });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'probability'] })]);
  });

  test('a stage change resets the probability to the new default unless one is given; null resets it', async () => {
    const opp = await created({ stage: 'QUALIFICATION', probability: 35 });
    let res = await update({ id: opp.id, version: 1, stage: 'PROPOSAL' });
    expect(res.opportunity).toMatchObject({ stage: 'PROPOSAL', probability: 60, version: 2 });
    res = await update({ id: opp.id, version: 2, stage: 'NEGOTIATION', probability: 70 });
    expect(res.opportunity).toMatchObject({ stage: 'NEGOTIATION', probability: 70 });
    res = await update({ id: opp.id, version: 3, probability: 75 });
    expect(res.opportunity).toMatchObject({ stage: 'NEGOTIATION', probability: 75 });
    res = await update({ id: opp.id, version: 4, probability: null });
    expect(res.opportunity).toMatchObject({ stage: 'NEGOTIATION', probability: 80 });
    // a probability change alone is not a stage change
    expect((await stages(opp.id)).map((s) => [s.fromStage, s.toStage, s.probability])).toEqual([
      [null, 'QUALIFICATION', 35], ['QUALIFICATION', 'PROPOSAL', 60], ['PROPOSAL', 'NEGOTIATION', 70],
    ]);
  });

  test('lostReason is required when LOST and refused otherwise (create and update)', async () => {
    let res = await create({ stage: 'LOST' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostReason'] })]);
    res = await create({ stage: 'PROPOSAL', lostReason: 'PRICE' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostReason'] })]);
    res = await create({ stage: 'WON', lostNote: 'too expensive' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostNote'] })]);

    const opp = await created({ stage: 'NEGOTIATION' });
    res = await update({ id: opp.id, version: 1, stage: 'LOST' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostReason'] })]);
    res = await update({ id: opp.id, version: 1, lostReason: 'TIMING' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostReason'] })]);
    expect((await stages(opp.id))).toHaveLength(1); // refused changes leave no trace
    res = await update({ id: opp.id, version: 1, stage: 'LOST', lostReason: 'COMPETITOR', lostNote: 'Went with Globex' });
    expect(res.errors).toEqual([]);
    expect(res.opportunity).toMatchObject({ stage: 'LOST', probability: 0, lostReason: 'COMPETITOR', lostNote: 'Went with Globex', version: 2 });
    expect(res.opportunity.closedAt).toEqual(expect.any(String));
    // the reason cannot be cleared while LOST
    res = await update({ id: opp.id, version: 2, lostReason: null });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'lostReason'] })]);
    // LOST → WON (closed to closed) is a plain update and clears the loss
    res = await update({ id: opp.id, version: 2, stage: 'WON' });
    expect(res.opportunity).toMatchObject({ stage: 'WON', probability: 100, lostReason: null, lostNote: null });
  });
});

// ------------------------------------------------------------------------------------------ update

describe('updateOpportunity', () => {
  test('changes fields, appends stage history (from, to, by, at) and audits each change on the customer', async () => {
    const opp = await created({ customerId: rep1Customers[1] });
    let res = await update({ id: opp.id, version: 1, name: 'Renamed', amount: '2000.5', expectedCloseDate: '2027-06-30', competitors: ['Initech'], stage: 'QUALIFICATION' });
    expect(res.errors).toEqual([]);
    expect(res.opportunity).toMatchObject({ name: 'Renamed', amount: '2000.50', expectedCloseDate: '2027-06-30', competitors: ['Initech'], stage: 'QUALIFICATION', probability: 20, version: 2 });
    res = await update({ id: opp.id, version: 2, stage: 'WON' }, 'SALES_MANAGER');
    expect(res.opportunity).toMatchObject({ stage: 'WON', probability: 100, version: 3 });
    const closedAt = res.opportunity.closedAt;
    expect(Date.parse(closedAt)).toBeGreaterThan(Date.parse(opp.createdAt) - 1);

    const history = await stages(opp.id);
    expect(history.map((s) => [s.fromStage, s.toStage, s.by.id])).toEqual([
      [null, 'PROSPECTING', users.rep1], ['PROSPECTING', 'QUALIFICATION', users.rep1], ['QUALIFICATION', 'WON', users.manager],
    ]);
    expect(history[2].at).toBe(closedAt);
    for (let i = 1; i < history.length; i++) expect(Date.parse(history[i].at)).toBeGreaterThanOrEqual(Date.parse(history[i - 1].at));

    const [won, first] = await audits(rep1Customers[1], opp.id);
    expect(won).toMatchObject({ action: 'UPDATE', actor: { id: users.manager } });
    expect(change(won, 'stage')).toMatchObject({ oldValue: 'QUALIFICATION', newValue: 'WON' });
    expect(change(won, 'closedAt')).toMatchObject({ oldValue: null, newValue: closedAt });
    expect(first.changes.map((c: any) => c.field).sort()).toEqual(['amount', 'competitors', 'expectedCloseDate', 'name', 'probability', 'stage']);
    expect(change(first, 'amount')).toMatchObject({ oldValue: '1000.00', newValue: '2000.50' });
  });

  test('a stale version is a CONFLICT; an unchanged update writes nothing', async () => {
    const opp = await created();
    let res = await update({ id: opp.id, version: 7, name: 'x' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'version'] })]);
    res = await update({ id: opp.id, version: 1, name: opp.name, amount: '1000' });
    expect(res.opportunity.version).toBe(1);
    expect(await audits(rep1Customers[0], opp.id)).toHaveLength(1);
  });

  test('a closed deal does not go back to an open stage through update', async () => {
    const opp = await created({ stage: 'WON' });
    const res = await update({ id: opp.id, version: 1, stage: 'NEGOTIATION' });
    expect(res.opportunity).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'stage'] })]);
    expect(res.errors[0].message).toMatch(/reopenOpportunity/);
    const [row] = await t.sql<{ stage: string; version: number }>('select stage, version from opportunity where id = ?', [opp.id]);
    expect(row).toEqual({ stage: 'WON', version: 1 });
  });

  test('owner changes: not by a rep; a manager within the team (and the rep then loses sight of it)', async () => {
    const opp = await created();
    let res = await update({ id: opp.id, version: 1, ownerId: users.rep2 });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'ownerId'] })]);
    res = await update({ id: opp.id, version: 1, ownerId: users.admin }, 'SALES_MANAGER');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'ownerId'] })]);
    res = await update({ id: opp.id, version: 1, ownerId: users.rep2 }, 'SALES_MANAGER');
    expect(res.opportunity.owner.id).toBe(users.rep2);
    expect(ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { id } }`, { id: opp.id }, 'SALES_REP')).opportunity).toBeNull();
    res = await update({ id: opp.id, version: 2, name: 'mine?' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    // rep2 now owns a deal on rep1's customer: the deal is visible, its customer is not
    const seen = ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { id owner { id } customer { id } } }`, { id: opp.id }, 'SALES_REP_2')).opportunity;
    expect(seen).toEqual({ id: opp.id, owner: { id: users.rep2 }, customer: null });
    const [entry] = await audits(rep1Customers[0], opp.id);
    expect(change(entry, 'ownerId')).toMatchObject({ oldValue: users.rep1, newValue: users.rep2 });
  });

  test('null for a required field is a VALIDATION error', async () => {
    const opp = await created();
    for (const field of ['name', 'amount', 'stage', 'expectedCloseDate', 'currency']) {
      const res = await update({ id: opp.id, version: 1, [field]: null });
      expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', field] })]);
    }
  });
});

// ------------------------------------------------------------------------------------------ reopen

describe('reopenOpportunity', () => {
  test('explicit, clears closedAt and the loss, stage history with reopened = true, audited', async () => {
    const opp = await created({ stage: 'LOST', lostReason: 'NO_BUDGET', lostNote: 'Budget frozen', customerId: rep1Customers[2] });
    let res = await reopen({ id: opp.id, version: 1, stage: 'QUALIFICATION' });
    expect(res.errors).toEqual([]);
    expect(res.opportunity).toMatchObject({ stage: 'QUALIFICATION', probability: 20, closedAt: null, lostReason: null, lostNote: null, version: 2 });
    const history = await stages(opp.id);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ fromStage: 'LOST', toStage: 'QUALIFICATION', probability: 20, reopened: true, by: { id: users.rep1 } });
    expect(history[0].reopened).toBe(false);
    const [entry] = await audits(rep1Customers[2], opp.id);
    expect(entry.action).toBe('UPDATE');
    expect(change(entry, 'reopened')).toMatchObject({ newValue: true });
    expect(change(entry, 'stage')).toMatchObject({ oldValue: 'LOST', newValue: 'QUALIFICATION' });
    expect(change(entry, 'lostReason')).toMatchObject({ oldValue: 'NO_BUDGET', newValue: null });
    expect(change(entry, 'closedAt').newValue).toBeNull();
    // from here, normal updates again
    res = await update({ id: opp.id, version: 2, stage: 'WON' });
    expect(res.opportunity.stage).toBe('WON');
    res = await reopen({ id: opp.id, version: 3, stage: 'NEGOTIATION' }, 'SALES_MANAGER');
    expect(res.opportunity).toMatchObject({ stage: 'NEGOTIATION', probability: 80, closedAt: null });
  });

  test('errors: open deal, closed target stage, stale version, out of scope', async () => {
    const open = await created({ stage: 'PROPOSAL' });
    let res = await reopen({ id: open.id, version: 1, stage: 'QUALIFICATION' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'BUSINESS_RULE', field: ['input', 'id'] })]);
    const won = await created({ stage: 'WON' });
    res = await reopen({ id: won.id, version: 1, stage: 'LOST' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'stage'] })]);
    res = await reopen({ id: won.id, version: 9, stage: 'PROPOSAL' });
    expect(res.errors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    res = await reopen({ id: won.id, version: 1, stage: 'PROPOSAL' }, 'SALES_REP_2');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    expect(await stages(won.id)).toHaveLength(1);
    const anon = await t.gql(`mutation { reopenOpportunity(input: { id: "${won.id}", version: 1, stage: PROPOSAL }) { errors { code } } }`, {}, 'FINANCE');
    expect(codes(anon)).toEqual(['FORBIDDEN']);
  });
});

// ------------------------------------------------------------------------------------------ delete

describe('deleteOpportunity', () => {
  test('soft: gone from every read, audited, not deletable twice or by others', async () => {
    const opp = await created({ name: 'To delete' });
    let res = await remove(opp.id, 'SALES_REP_2');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    res = await remove(opp.id);
    expect(res.errors).toEqual([]);
    expect(res.opportunity.id).toBe(opp.id);
    expect(ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { id } }`, { id: opp.id }, 'ADMIN')).opportunity).toBeNull();
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: opp.id }, 'ADMIN')).node).toBeNull();
    const list = ok(await t.gql(`query { opportunities(first: 100, filter: { name: { eq: "To delete" } }) { totalCount } }`, {}, 'ADMIN'));
    expect(list.opportunities.totalCount).toBe(0);
    const [row] = await t.sql<{ deleted: boolean }>('select deleted_at is not null as deleted from opportunity where id = ?', [opp.id]);
    expect(row.deleted).toBe(true);
    const [entry] = await audits(rep1Customers[0], opp.id);
    expect(entry).toMatchObject({ action: 'DELETE', actor: { id: users.rep1 } });
    res = await remove(opp.id);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    res = await update({ id: opp.id, version: 1, name: 'back?' }, 'ADMIN');
    expect(res.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });
});

// ------------------------------------------------------------------------------------- scope / reads

describe('record scope and field rules', () => {
  let outsider: any;
  beforeAll(async () => {
    // an ADMIN-owned deal (outside the manager's team) and a deal of each rep
    outsider = await created({ name: 'Admin deal', ownerId: users.admin, customerId: rep2Customers[1] }, 'ADMIN');
    await created({ name: 'Rep2 deal', customerId: rep2Customers[1] }, 'SALES_REP_2');
  });

  /** Ids of live opportunities of live customers owned by one of `owners` (all when null), newest first. */
  async function expected(owners: string[] | null): Promise<string[]> {
    const found = await t.sql<{ id: string }>(`select o.id from opportunity o join customer c on c.id = o.customer_id
      where o.deleted_at is null and c.deleted_at is null ${owners ? `and o.owner_id in (${owners.map(() => '?').join(', ')})` : ''}
      order by o.created_at desc, o.id desc`, owners ?? []);
    return found.map((r) => r.id);
  }
  async function listed(who: Who): Promise<{ ids: string[]; totalCount: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    for (let i = 0; i < 50; i++) {
      const conn: any = ok(await t.gql(`query($after: String) { opportunities(first: 9, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`, { after }, who)).opportunities;
      totalCount = conn.totalCount;
      ids.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    return { ids, totalCount };
  }

  test('a rep sees their own, a manager their team\'s (not the admin\'s), all-readers everything', async () => {
    const cases: [Who, string[] | null][] = [
      ['SALES_REP', [users.rep1]], ['SALES_REP_2', [users.rep2]], ['SALES_MANAGER', [users.manager, users.rep1, users.rep2]],
      ['ADMIN', null], ['FINANCE', null], ['SERVICE_AGENT', null], ['MARKETING', null],
    ];
    for (const [who, owners] of cases) {
      const want = await expected(owners);
      const got = await listed(who);
      expect(got.ids).toEqual(want);
      expect(got.totalCount).toBe(want.length);
    }
    expect((await listed('SALES_MANAGER')).ids).not.toContain(outsider.id);
    expect((await listed('SERVICE_AGENT')).ids).toContain(outsider.id);
    expect((await expected([users.rep1])).length).toBeGreaterThan(10);
  });

  test('out of scope is null by id and absent from node(s)', async () => {
    for (const who of ['SALES_MANAGER', 'SALES_REP', 'SALES_REP_2'] as Who[]) {
      expect(ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { id } }`, { id: outsider.id }, who)).opportunity).toBeNull();
      expect(ok(await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [outsider.id] }, who)).nodes).toEqual([null]);
    }
    const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on Opportunity { name } } }`, { id: outsider.id }, 'SERVICE_AGENT')).node;
    expect(node).toEqual({ id: outsider.id, name: 'Admin deal' });
    // stage changes follow their opportunity
    const [stage] = await stages(outsider.id);
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id ... on OpportunityStageChange { toStage } } }`, { id: stage.id }, 'ADMIN')).node).toEqual({ id: stage.id, toStage: 'PROSPECTING' });
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: stage.id }, 'SALES_MANAGER')).node).toBeNull();
  });

  test('ANALYST, PARTNER and API keys get no deals', async () => {
    for (const who of ['ANALYST', 'PARTNER'] as Who[]) {
      expect(codes(await t.gql(`query { opportunities { totalCount } }`, {}, who))).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: outsider.id }, who)).node).toBeNull();
    }
    const partnerCustomer = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
    const res = await t.gql(`query($id: ID!) { customer(id: $id) { id opportunities { totalCount } } }`, { id: partnerCustomer }, 'PARTNER');
    expect(res.body.data.customer).toEqual({ id: partnerCustomer, opportunities: null });
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  test('amount: FORBIDDEN for SERVICE_AGENT and MARKETING (the rest still arrives); visible to sales, ADMIN, FINANCE', async () => {
    for (const who of ['SERVICE_AGENT', 'MARKETING'] as Who[]) {
      const res = await t.gql(`query($id: ID!) { opportunity(id: $id) { id name stage amount } }`, { id: outsider.id }, who);
      expect(res.body.data.opportunity).toEqual({ id: outsider.id, name: 'Admin deal', stage: 'PROSPECTING', amount: null });
      expect(res.body.errors).toEqual([expect.objectContaining({ path: ['opportunity', 'amount'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      // and no probing through filters or orders
      expect(codes(await t.gql(`query { opportunities(filter: { amount: { gte: "500" } }) { totalCount } }`, {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(`query { opportunities(filter: { or: [{ not: { amount: { gte: "500" } } }] }) { totalCount } }`, {}, who))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(`query { opportunities(orderBy: [{ field: AMOUNT }]) { totalCount } }`, {}, who))).toEqual(['FORBIDDEN']);
      // the amount in the audit log is redacted too
      const [entry] = (await audits(rep2Customers[1], outsider.id, who)).reverse();
      expect(change(entry, 'amount')).toEqual({ field: 'amount', oldValue: null, newValue: null, redacted: true });
      expect(change(entry, 'stage')).toMatchObject({ newValue: 'PROSPECTING', redacted: false });
    }
    for (const who of ['ADMIN', 'FINANCE'] as Who[]) {
      expect(ok(await t.gql(`query($id: ID!) { opportunity(id: $id) { amount } }`, { id: outsider.id }, who)).opportunity.amount).toBe('1000.00');
    }
  });

  test('Customer.opportunities: batched, in the caller\'s opportunity scope', async () => {
    const target = rep2Customers[1];
    const query = `query($id: ID!) { customer(id: $id) { opportunities(first: 50) { totalCount edges { node { id owner { id } } } } } }`;
    const want = async (owners: string[] | null) => (await t.sql<{ id: string }>(`select id from opportunity where customer_id = ? and deleted_at is null
      ${owners ? `and owner_id in (${owners.map(() => '?').join(', ')})` : ''} order by created_at desc, id desc`, [target, ...(owners ?? [])])).map((r) => r.id);
    const admin = ok(await t.gql(query, { id: target }, 'ADMIN')).customer.opportunities;
    expect(admin.edges.map((e: any) => e.node.id)).toEqual(await want(null));
    expect(admin.totalCount).toBeGreaterThanOrEqual(2);
    const manager = ok(await t.gql(query, { id: target }, 'SALES_MANAGER')).customer.opportunities;
    expect(manager.edges.map((e: any) => e.node.id)).toEqual(await want([users.manager, users.rep1, users.rep2]));
    expect(manager.totalCount).toBe(admin.totalCount - 1);
    const rep2 = ok(await t.gql(query, { id: target }, 'SALES_REP_2')).customer.opportunities;
    expect(rep2.edges.map((e: any) => e.node.id)).toEqual(await want([users.rep2]));
    // filtered and ordered like the root list
    const filtered = ok(await t.gql(`query($id: ID!) { customer(id: $id) { opportunities(filter: { ownerId: { eq: "${users.admin}" } }) { totalCount edges { node { id } } } } }`, { id: target }, 'ADMIN')).customer.opportunities;
    expect(filtered).toEqual({ totalCount: 1, edges: [{ node: { id: outsider.id } }] });
  });

  test('a deleted customer takes its opportunities out of every read', async () => {
    const victim = rep1Customers[2];
    const before = ok(await t.gql(`query($c: ID!) { opportunities(filter: { customerId: { eq: $c } }) { totalCount } }`, { c: victim }, 'ADMIN')).opportunities.totalCount;
    expect(before).toBeGreaterThan(0);
    await t.sql('update customer set deleted_at = now() where id = ?', [victim]);
    try {
      expect(ok(await t.gql(`query($c: ID!) { opportunities(filter: { customerId: { eq: $c } }) { totalCount } }`, { c: victim }, 'ADMIN')).opportunities.totalCount).toBe(0);
    } finally {
      await t.sql('update customer set deleted_at = null where id = ?', [victim]);
    }
  });
});

// ------------------------------------------------------------------------------- filters and orders

describe('filters and orders', () => {
  /** All ids of a list walked forward, and backward, in pages of `size`; both walks must agree. */
  async function walk(vars: Record<string, unknown>, who: Who = 'ADMIN', size = 4): Promise<string[]> {
    const query = `query($first: Int, $after: String, $last: Int, $before: String, $filter: OpportunityFilter, $orderBy: [OpportunityOrderBy!]) {
      opportunities(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } } }`;
    const forward: string[] = [];
    let after: string | null = null;
    for (let i = 0; ; i++) {
      if (i > 100) throw new Error('walk does not end');
      const conn: any = ok(await t.gql(query, { ...vars, first: size, after }, who)).opportunities;
      forward.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const backward: string[] = [];
    let before: string | null = null;
    for (let i = 0; ; i++) {
      if (i > 100) throw new Error('walk does not end');
      const conn: any = ok(await t.gql(query, { ...vars, last: size, before }, who)).opportunities;
      backward.unshift(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasPreviousPage) break;
      before = conn.pageInfo.startCursor;
    }
    expect(backward).toEqual(forward);
    return forward;
  }
  const sqlIds = async (where: string, order: string, params: unknown[] = []) => (await t.sql<{ id: string }>(`select o.id from opportunity o
    join customer c on c.id = o.customer_id where o.deleted_at is null and c.deleted_at is null and (${where}) order by ${order}`, params)).map((r) => r.id);

  beforeAll(async () => {
    // distinct amounts, dates and a few ties
    const amounts = ['0.10', '0.20', '99.99', '100', '100', '2500.50', '75000'];
    for (const [i, amount] of amounts.entries()) {
      await created({ name: `Sort ${String.fromCharCode(72 - i)}`, amount, expectedCloseDate: `2027-0${(i % 3) + 1}-1${i}`, customerId: rep1Customers[i % 3] });
    }
    await created({ name: 'Sort won', stage: 'WON', amount: '0.20', expectedCloseDate: '2027-02-11' });
    await created({ name: 'Sort lost', stage: 'LOST', lostReason: 'TIMING', amount: '0', expectedCloseDate: '2027-02-12', customerId: rep2Customers[2] }, 'SALES_REP_2');
  });

  test('a cursor never lets rows outside the scope in, even when they tie with it on the sort keys', async () => {
    // the same close date and amount for deals of both reps and a deleted one: only the tie-breaking id differs
    for (const who of ['SALES_REP', 'SALES_REP_2', 'SALES_REP', 'SALES_REP_2'] as Who[]) {
      await created({ name: 'Tie', amount: '555.55', expectedCloseDate: '2027-05-05', customerId: who === 'SALES_REP' ? rep1Customers[0] : rep2Customers[0] }, who);
    }
    const gone = await created({ name: 'Tie', amount: '555.55', expectedCloseDate: '2027-05-05' });
    expect((await remove(gone.id)).errors).toEqual([]);
    for (const orderBy of [[{ field: 'EXPECTED_CLOSE_DATE', direction: 'ASC' }, { field: 'AMOUNT', direction: 'DESC' }], [{ field: 'NAME', direction: 'DESC' }, { field: 'CREATED_AT', direction: 'ASC' }]]) {
      const ids = await walk({ orderBy, filter: { name: { eq: 'Tie' } } }, 'SALES_REP', 1);
      expect(ids).toHaveLength(2);
      expect(ids).toEqual(await sqlIds(`o.owner_id = ? and o.name = 'Tie'`, orderBy[0].field === 'NAME' ? 'o.name desc, o.created_at asc, o.id asc' : 'o.expected_close_date asc, o.amount desc, o.id desc', [users.rep1]));
      expect(ids).not.toContain(gone.id);
    }
  });

  test('orders: AMOUNT, EXPECTED_CLOSE_DATE, NAME, CREATED_AT, combined, both directions, with cursor walks', async () => {
    const cases: [unknown[], string][] = [
      [[{ field: 'AMOUNT', direction: 'DESC' }], 'o.amount desc, o.id desc'],
      [[{ field: 'AMOUNT', direction: 'ASC' }], 'o.amount asc, o.id asc'],
      [[{ field: 'EXPECTED_CLOSE_DATE', direction: 'ASC' }, { field: 'AMOUNT', direction: 'DESC' }], 'o.expected_close_date asc, o.amount desc, o.id desc'],
      [[{ field: 'NAME', direction: 'ASC' }], 'o.name asc, o.id asc'],
      [[{ field: 'CREATED_AT', direction: 'ASC' }], 'o.created_at asc, o.id asc'],
      [[], 'o.created_at desc, o.id desc'],
    ];
    for (const [orderBy, order] of cases) {
      expect(await walk({ orderBy })).toEqual(await sqlIds('true', order));
    }
  });

  test('filters: stage, amount range, close date range, closedAt, owner, customer, createdAt, and/or/not', async () => {
    const since = ok(await t.gql(`query { opportunities(first: 4) { edges { node { createdAt } } } }`, {}, 'ADMIN')).opportunities.edges[3].node.createdAt;
    const cases: [Record<string, unknown>, string, unknown[]][] = [
      [{ stage: { in: ['WON', 'LOST'] } }, `o.stage in ('WON', 'LOST')`, []],
      [{ amount: { gte: '99.99', lte: '100' } }, `o.amount between 99.99 and 100`, []],
      [{ amount: { lt: '0.3' } }, `o.amount < 0.3`, []],
      [{ expectedCloseDate: { gte: '2027-02-01', lt: '2027-03-01' } }, `o.expected_close_date >= '2027-02-01' and o.expected_close_date < '2027-03-01'`, []],
      [{ closedAt: { isNull: false } }, `o.closed_at is not null`, []],
      [{ ownerId: { eq: users.rep2 } }, `o.owner_id = ?`, [users.rep2]],
      [{ customerId: { in: [rep1Customers[1], rep2Customers[0]] } }, `o.customer_id in (?, ?)`, [rep1Customers[1], rep2Customers[0]]],
      [{ createdAt: { gte: since } }, `o.created_at >= ?`, [since]],
      [{ or: [{ stage: { eq: 'WON' } }, { not: { amount: { gte: '1' } } }] }, `o.stage = 'WON' or not (o.amount >= 1)`, []],
      [{ name: { startsWith: 'sort' }, campaignId: { isNull: true } }, `o.name ilike 'sort%' and o.campaign_id is null`, []],
    ];
    for (const [filter, where, params] of cases) {
      const want = await sqlIds(where, 'o.created_at desc, o.id desc', params);
      expect(want.length).toBeGreaterThan(0);
      expect(await walk({ filter })).toEqual(want);
    }
  });

  test('bad arguments are BAD_USER_INPUT', async () => {
    expect(codes(await t.gql(`query { opportunities(first: 101) { totalCount } }`, {}, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(`query { opportunities(after: "nope") { totalCount } }`, {}, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
    const { endCursor } = ok(await t.gql(`query { opportunities(first: 1) { pageInfo { endCursor } } }`, {}, 'ADMIN')).opportunities.pageInfo;
    // a cursor of another order is refused
    expect(codes(await t.gql(`query($a: String) { opportunities(after: $a, orderBy: [{ field: NAME }]) { totalCount } }`, { a: endCursor }, 'ADMIN'))).toEqual(['BAD_USER_INPUT']);
  });
});

// -------------------------------------------------------------------------------------------- N+1

describe('N+1', () => {
  beforeAll(async () => {
    // 6 deals per customer, each with 2 stage changes and 2 quotes of 2 lines
    const uuid = (prefix: string) => `'${prefix}_' || replace(gen_random_uuid()::text, '-', '')`;
    await t.sql(`insert into opportunity (id, customer_id, name, amount, currency, stage, probability, expected_close_date, owner_id, created_at)
      select ${uuid('opp')}, c.id, 'Bulk ' || g, g * 100, 'EUR', 'PROPOSAL', 60, date '2027-01-01' + g, c.owner_id, now() - make_interval(mins => g)
      from customer c cross join generate_series(1, 6) g where c.deleted_at is null`);
    await t.sql(`insert into opportunity_stage_change (id, opportunity_id, customer_id, from_stage, to_stage, probability, actor_type, actor_id, at)
      select ${uuid('stg')}, o.id, o.customer_id, null, 'PROSPECTING', 10, 'USER', o.owner_id, o.created_at from opportunity o where o.name like 'Bulk %'
      union all
      select ${uuid('stg')}, o.id, o.customer_id, 'PROSPECTING', 'PROPOSAL', 60, 'USER', o.owner_id, o.created_at + interval '1 second' from opportunity o where o.name like 'Bulk %'`);
    await t.sql(`insert into quote (id, opportunity_id, number, currency, valid_until, subtotal, discount_total, total, created_at)
      select ${uuid('quo')}, o.id, 'BULK-' || o.id || '-' || g, 'EUR', date '2030-01-01', 10, 0, 10, o.created_at + make_interval(secs => g)
      from opportunity o cross join generate_series(1, 2) g where o.name like 'Bulk %'`);
    await t.sql(`insert into quote_line (id, quote_id, position, description, quantity, unit_price, discount_percent, line_total)
      select ${uuid('qln')}, q.id, g, 'Line ' || g, 1, 5, 0, 5 from quote q cross join generate_series(1, 2) g where q.number like 'BULK-%'`);
  });

  async function measure(query: string, variables: Record<string, unknown>, who: Who) {
    let data: any;
    const count = await t.countQueries(async () => { data = ok(await t.gql(query, variables, who)); });
    return { count, data };
  }
  async function compare(query: string, who: Who, small: Record<string, unknown>, large: Record<string, unknown>) {
    await t.gql(query, small, who);
    await t.gql(query, large, who);
    const a = await measure(query, small, who);
    const b = await measure(query, large, who);
    expect(a.count).toBeGreaterThan(0);
    return { small: a, large: b };
  }

  test.each(['ADMIN', 'SALES_MANAGER'] as Who[])('opportunities with customer, owner, stage history, quotes and lines (%s)', async (who) => {
    const query = `query($n: Int) { opportunities(first: $n, filter: { name: { startsWith: "Bulk" } }) { edges { node { id amount
      customer { name } owner { name }
      stageHistory(first: 3) { totalCount edges { node { fromStage toStage by { name } } } }
      quotes(first: 2) { totalCount edges { node { number total lines { position description quantity unitPrice discountPercent lineTotal } } } } } } } }`;
    const { small, large } = await compare(query, who, { n: 5 }, { n: 50 });
    expect(small.data.opportunities.edges).toHaveLength(5);
    const edges = large.data.opportunities.edges;
    expect(edges).toHaveLength(50);
    for (const { node } of edges) {
      expect(node.customer.name).toEqual(expect.any(String));
      expect(node.owner.name).toEqual(expect.any(String));
      expect(node.stageHistory.totalCount).toBe(2);
      expect(node.stageHistory.edges.map((e: any) => e.node.toStage)).toEqual(['PROSPECTING', 'PROPOSAL']);
      expect(node.stageHistory.edges[0].node.by.name).toEqual(expect.any(String));
      expect(node.quotes.totalCount).toBe(2);
      expect(node.quotes.edges).toHaveLength(2);
      for (const q of node.quotes.edges) expect(q.node.lines.map((l: any) => [l.position, l.lineTotal])).toEqual([[1, '5.00'], [2, '5.00']]);
    }
    expect(large.count).toBe(small.count);
  });

  test('customers with their opportunities and those deals\' quotes', async () => {
    const query = `query($n: Int) { customers(first: $n) { edges { node { id opportunities(first: 3, filter: { name: { startsWith: "Bulk" } }) { totalCount
      edges { node { name stageHistory(last: 1) { edges { node { toStage } } } quotes(first: 1) { totalCount } } } } } } } }`;
    const { small, large } = await compare(query, 'ADMIN', { n: 3 }, { n: 11 });
    expect(large.data.customers.edges.length).toBe(11);
    for (const { node } of large.data.customers.edges) {
      expect(node.opportunities.totalCount).toBe(6);
      expect(node.opportunities.edges).toHaveLength(3);
      for (const o of node.opportunities.edges) {
        expect(o.node.stageHistory.edges.map((e: any) => e.node.toStage)).toEqual(['PROPOSAL']);
        expect(o.node.quotes.totalCount).toBe(2);
      }
    }
    expect(large.count).toBe(small.count);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildSchema as buildSdlSchema, getNullableType, isIntrospectionType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyPermissions, permissionMap, policyFor, uncoveredFields, unknownEntries } from '../src/auth';
import { DOMAINS } from '../src/domains';
import { buildBareSchema } from '../src/schema';
import { codes, ok, startTestApp, type Caller, type GqlResult, type TestApp, type Who } from './helpers';

/**
 * The permission matrix. Part 1 walks the schema: every field of every object type has a rule, and
 * every type is named in the map. Part 2 runs a table of (query, role) -> expectation through HTTP for
 * all nine roles. The expectations are written from the rules of the brief / DOMAIN.md, not from what
 * the code happens to do.
 */

// ----------------------------------------------------------------------------------- schema coverage

describe('the permission map covers the schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => { schema = await buildBareSchema(); });

  const objectTypes = () => Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !isIntrospectionType(t));

  test('no field without a rule, no rule without a field', () => {
    expect(uncoveredFields(schema)).toEqual([]);
    expect(unknownEntries(schema)).toEqual([]);
  });

  test('every object type is named in the map explicitly', () => {
    const types = objectTypes().map((t) => t.name);
    expect(types.length).toBeGreaterThan(20);
    expect(types).toEqual(expect.arrayContaining(['Query', 'Mutation', 'Customer', 'Contact', 'User', 'ApiKey', 'AuditEvent']));
    expect(types.filter((name) => !Object.prototype.hasOwnProperty.call(permissionMap, name))).toEqual([]);
  });

  test('every root field has its own rule (no wildcard on Query or Mutation)', () => {
    for (const root of ['Query', 'Mutation', 'Subscription']) {
      expect(permissionMap[root]['*']).toBeUndefined();
      const fields = Object.keys((schema.getType(root) as GraphQLObjectType).getFields());
      expect(fields.filter((f) => !permissionMap[root][f])).toEqual([]);
    }
    // only `login`, `submitSurvey` (the survey link's token is the credential) and `viewer` (null when anonymous) are open to anonymous callers
    const open = ['Query', 'Mutation', 'Subscription'].flatMap((root) => Object.entries(permissionMap[root]).filter(([, p]) => p.public).map(([f]) => `${root}.${f}`));
    expect(open.sort()).toEqual(['Mutation.login', 'Mutation.submitSurvey', 'Query.viewer']);
  });

  test('a field whose rule depends on the record is nullable (a denial must not wipe out its parent)', () => {
    const perRecord = objectTypes().flatMap((t) => Object.values(t.getFields())
      .filter((f) => policyFor(t.name, f.name)?.perRecord)
      .map((f) => ({ name: `${t.name}.${f.name}`, nonNull: isNonNullType(f.type) })));
    expect(perRecord.map((f) => f.name)).toEqual(expect.arrayContaining([
      'Customer.name', 'Customer.phones', 'Customer.creditLimit', 'Contact.firstName', 'Contact.emails', 'User.email',
    ]));
    expect(perRecord.filter((f) => f.nonNull).map((f) => f.name)).toEqual([]);
    // fields denied to some roles of readers that reach the type
    for (const [type, field] of [['Customer', 'customAttributes'], ['Customer', 'history'], ['CreateApiKeyPayload', 'secret']]) {
      const f = (schema.getType(type) as GraphQLObjectType).getFields()[field];
      expect(getNullableType(f.type) === f.type).toBe(true);
    }
  });

  test('every type implementing Node has a scoped loader for node(id) (else node(id) would be null for its ids)', () => {
    const nodeTypes = objectTypes().filter((t) => t.getInterfaces().some((i) => i.name === 'Node')).map((t) => t.name);
    expect(nodeTypes).toEqual(expect.arrayContaining(['Customer', 'Contact', 'User', 'ApiKey', 'AuditEvent']));
    const loaded = new Set(DOMAINS.flatMap((d) => Object.keys(d.nodes ?? {})));
    expect(nodeTypes.filter((name) => !loaded.has(name))).toEqual([]);
  });

  test('the checks bite: a stray type or field is reported, and the app refuses to start with it', () => {
    const stray = buildSdlSchema(`
      type Query { customers: String, secretReport: String }
      type Orphan { x: Int }
    `);
    expect(uncoveredFields(stray)).toEqual(expect.arrayContaining(['Query.secretReport', 'Orphan.x']));
    expect(uncoveredFields(stray)).not.toContain('Query.customers');
    expect(unknownEntries(stray)).toEqual(expect.arrayContaining(['Mutation', 'Customer', 'Query.contacts']));
    expect(() => applyPermissions(stray)).toThrow(/Permission map does not match the schema/);
  });
});

// ------------------------------------------------------------------------------------ the role matrix

type Role9 = 'ADMIN' | 'SALES_MANAGER' | 'SALES_REP' | 'SERVICE_AGENT' | 'MARKETING' | 'FINANCE' | 'ANALYST' | 'PARTNER' | 'INTEGRATION';
const ROLES: Role9[] = ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER', 'INTEGRATION'];

let t: TestApp;
let integrationKey: string;
const ids: Record<string, string> = {};

const caller = (role: Role9): Who | Caller => (role === 'INTEGRATION' ? { apiKey: integrationKey } : role);

async function createKey(scopes: string[]): Promise<string> {
  const res = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { field message } } }`,
    { input: { name: `matrix ${scopes.join(' ')}`, role: 'INTEGRATION', scopes } }, 'ADMIN')).createApiKey;
  expect(res.errors).toEqual([]);
  return res.secret;
}

beforeAll(async () => {
  t = await startTestApp();
  for (const u of await t.sql<{ id: string; email: string }>('select id, email from app_user')) ids[u.email.split('@')[0]] = u.id;
  const one = async (where: string, params: unknown[] = []) => (await t.sql<{ id: string }>(`select id from customer where ${where} order by created_at, id limit 1`, params))[0].id;
  // Customers of rep1 (so in scope of rep1, the manager and every all-reading role), and the partner's own record (owned by rep2).
  ids.bizConsent = await one(`kind = 'BUSINESS' and not is_partner and owner_id = ?`, [ids.rep1]);
  ids.bizNoConsent = await one(`kind = 'BUSINESS' and not is_partner and owner_id = ? and id <> ?`, [ids.rep1, ids.bizConsent]);
  ids.individual = await one(`kind = 'INDIVIDUAL' and owner_id = ?`, [ids.rep1]);
  ids.partnerOwn = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
  await t.sql('update customer set marketing_consent = true where id = ?', [ids.bizConsent]);
  await t.sql('update customer set marketing_consent = false where id in (?, ?)', [ids.bizNoConsent, ids.partnerOwn]);
  const contactOf = async (customerId: string) => (await t.sql<{ id: string }>(`select id from contact where customer_id = ? order by created_at, id limit 1`, [customerId]))[0].id;
  ids.conConsent = await contactOf(ids.bizConsent);
  ids.conNoConsent = await contactOf(ids.bizNoConsent);
  ids.conPartner = await contactOf(ids.partnerOwn);
  await t.sql('update contact set marketing_consent = true where id = ?', [ids.conConsent]);
  await t.sql('update contact set marketing_consent = false where id = ?', [ids.conNoConsent]);
  // every fixture has what the rows read
  const [check] = await t.sql<{ n: number }>(`select count(*)::int as n from customer where id in (?, ?, ?) and credit_limit is not null
    and credit_rating is not null and jsonb_array_length(phones) > 0`, [ids.bizConsent, ids.bizNoConsent, ids.partnerOwn]);
  expect(check.n).toBe(3);
  integrationKey = await createKey(['customers:read']);
  // A deal of rep1 on rep1's customer, with a quote, and an activity on that customer.
  const opp = ok(await t.gql(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } errors { field message } } }`,
    { input: { customerId: ids.bizConsent, name: 'Matrix deal', amount: '1200.00', expectedCloseDate: '2030-01-31' } }, 'SALES_REP')).createOpportunity;
  expect(opp.errors).toEqual([]);
  ids.opportunity = opp.opportunity.id;
  const quote = ok(await t.gql(`mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id } errors { field message } } }`,
    { input: { opportunityId: ids.opportunity, validUntil: '2030-01-31', lines: [{ description: 'Laptops', quantity: '2', unitPrice: '600.00' }] } }, 'SALES_REP')).createQuote;
  expect(quote.errors).toEqual([]);
  // Commerce fixtures: a product, a contract of rep1's customer with a receivable, a contract of the partner.
  ids.product = `prd_${'a'.repeat(31)}1`;
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, currency) values (?, 'MATRIX-1', 'Matrix item', 'Test', 10, 4, 'EUR')`, [ids.product]);
  const contract = async (id: string, customerId: string, number: string) => t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date,
    instalments, owner_id, status, notes) values (?, ?, ?, 'Matrix contract', 1000, 'EUR', '2026-01-01', '[{"dueDate":"2026-02-01","percent":null}]', ?, 'SIGNED', 'internal')`,
  [id, number, customerId, ids.rep1]);
  ids.contract = `ctr_${'a'.repeat(31)}1`;
  ids.partnerContract = `ctr_${'a'.repeat(31)}2`;
  await contract(ids.contract, ids.bizConsent, 'CT-MATRIX-1');
  await contract(ids.partnerContract, ids.partnerOwn, 'CT-MATRIX-2');
  ids.receivable = `rcv_${'a'.repeat(31)}1`;
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
    values (?, 'INV-MATRIX-1', ?, ?, 1, 'Matrix', 'EUR', 1000, '2026-01-01', '2026-02-01')`, [ids.receivable, ids.bizConsent, ids.contract]);
  // Service fixtures: an asset and a resolved case of rep1's customer, with an internal note and a survey.
  await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date) values (?, 'MATRIX-TAG-1', ?, ?, '2026-01-01')`,
    [`ast_${'a'.repeat(31)}1`, ids.product, ids.bizConsent]);
  ids.case = `cas_${'a'.repeat(31)}1`;
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by, first_response_due_at,
      resolution_due_at, resolved_at) values (?, 'CS-MATRIX-1', 'TECH_SUPPORT', 'PHONE', 'P3', 'RESOLVED', 'Matrix case', ?, ?, now(), now(), now())`,
  [ids.case, ids.bizConsent, ids.service]);
  // Loyalty fixtures: rep1's customer and the partner's own record are members.
  for (const customerId of [ids.bizConsent, ids.partnerOwn]) {
    expect(ok(await t.gql('mutation($i: EnrolMemberInput!) { enrolMember(input: $i) { errors { message } } }', { i: { customerId } }, 'ADMIN')).enrolMember.errors).toEqual([]);
  }
  // Customer value fixtures: everyone's metrics computed once.
  expect(ok(await t.gql('mutation { refreshCustomerMetrics { customers } }', {}, 'ADMIN')).refreshCustomerMetrics.customers).toBeGreaterThan(3);
  ids.internalNote = `cmt_${'a'.repeat(31)}1`;
  await t.sql(`insert into case_comment (id, case_id, visibility, body, author_type, author_id) values (?, ?, 'INTERNAL', 'between us', 'USER', ?)`,
    [ids.internalNote, ids.case, ids.service]);
  await t.sql(`insert into survey (id, case_id, customer_id, token) values (?, ?, ?, 'matrix-token')`, [`srv_${'a'.repeat(31)}1`, ids.case, ids.bizConsent]);
});
afterAll(async () => { await t.close(); });

interface Row {
  name: string;
  query: string;
  /** Path of the field under test in `data`. */
  path: string[];
  vars: (role: Role9) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /**
   * Expectations in the order of ROLES (ADMIN MGR REP SERVICE MARKETING FINANCE ANALYST PARTNER INTEGRATION):
   * V = visible, F = null + FORBIDDEN at the field, A = absent (the lookup answers null without an error: the record does not exist for the role).
   */
  expect: string;
  /** After the call: did the side effect happen? Must be true exactly when the role was allowed. */
  effect?: (role: Role9, vars: Record<string, unknown>) => Promise<boolean>;
}

const customerField = (field: string) => `query($id: ID!) { customer(id: $id) { ${field} } }`;
const contactField = (field: string) => `query($id: ID!) { contact(id: $id) { ${field} } }`;
const byId = (key: string) => () => ({ id: ids[key] });
const exists = async (sqlText: string, params: unknown[]) => (await t.sql(sqlText, params)).length > 0;

//                                                                            ADMIN MGR REP SERV MKT FIN ANA PART INTEG
const ROWS: Row[] = [
  // Customer.name: hidden from ANALYST for individuals (a person's name); INTEGRATION reads no PII it did not write.
  { name: 'Customer.name (business)', query: customerField('name'), path: ['customer', 'name'], vars: byId('bizConsent'), expect: 'V V V V V V V A V' },
  { name: 'Customer.name (individual)', query: customerField('name'), path: ['customer', 'name'], vars: byId('individual'), expect: 'V V V V V V F A F' },
  { name: 'Customer.name (partner\'s own)', query: customerField('name'), path: ['customer', 'name'], vars: byId('partnerOwn'), expect: 'V V A V V V V V V' },
  // Customer.phones: never ANALYST; MARKETING only with consent; INTEGRATION only what it created.
  { name: 'Customer.phones (consent)', query: customerField('phones { number }'), path: ['customer', 'phones'], vars: byId('bizConsent'), expect: 'V V V V V V F A F' },
  { name: 'Customer.phones (no consent)', query: customerField('phones { number }'), path: ['customer', 'phones'], vars: byId('bizNoConsent'), expect: 'V V V V F V F A F' },
  { name: 'Customer.phones (partner\'s own)', query: customerField('phones { number }'), path: ['customer', 'phones'], vars: byId('partnerOwn'), expect: 'V V A V F V F V F' },
  // Credit: FINANCE, SALES_MANAGER, ADMIN, and a PARTNER for its own record.
  { name: 'Customer.creditLimit', query: customerField('creditLimit'), path: ['customer', 'creditLimit'], vars: byId('bizConsent'), expect: 'V V F F F V F A F' },
  { name: 'Customer.creditLimit (partner\'s own)', query: customerField('creditLimit'), path: ['customer', 'creditLimit'], vars: byId('partnerOwn'), expect: 'V V A F F V F V F' },
  { name: 'Customer.creditRating', query: customerField('creditRating'), path: ['customer', 'creditRating'], vars: byId('bizNoConsent'), expect: 'V V F F F V F A F' },
  { name: 'Customer.creditRating (partner\'s own)', query: customerField('creditRating'), path: ['customer', 'creditRating'], vars: byId('partnerOwn'), expect: 'V V A F F V F V F' },
  // customAttributes and history: not PARTNER.
  { name: 'Customer.customAttributes', query: customerField('customAttributes'), path: ['customer', 'customAttributes'], vars: byId('bizConsent'), expect: 'V V V V V V V A V' },
  { name: 'Customer.customAttributes (partner\'s own)', query: customerField('customAttributes'), path: ['customer', 'customAttributes'], vars: byId('partnerOwn'), expect: 'V V A V V V V F V' },
  { name: 'Customer.history', query: customerField('history(first: 3) { totalCount edges { node { id } } }'), path: ['customer', 'history'], vars: byId('bizConsent'), expect: 'V V V V V V V A V' },
  { name: 'Customer.history (partner\'s own)', query: customerField('history(first: 3) { totalCount edges { node { id } } }'), path: ['customer', 'history'], vars: byId('partnerOwn'), expect: 'V V A V V V V F V' },
  // Contact names: not ANALYST, INTEGRATION only if it created the contact.
  { name: 'Contact.firstName', query: contactField('firstName'), path: ['contact', 'firstName'], vars: byId('conConsent'), expect: 'V V V V V V F A F' },
  { name: 'Contact.firstName (partner\'s own)', query: contactField('firstName'), path: ['contact', 'firstName'], vars: byId('conPartner'), expect: 'V V A V V V F V F' },
  // Contact details: as for customers, with the contact's own consent.
  { name: 'Contact.emails (consent)', query: contactField('emails { address }'), path: ['contact', 'emails'], vars: byId('conConsent'), expect: 'V V V V V V F A F' },
  { name: 'Contact.emails (no consent)', query: contactField('emails { address }'), path: ['contact', 'emails'], vars: byId('conNoConsent'), expect: 'V V V V F V F A F' },
  // A user's e-mail: everyone but ANALYST (rep1 reading their own is "self").
  { name: 'User.email (owner of a customer)', query: customerField('owner { email }'), path: ['customer', 'owner', 'email'], vars: byId('bizConsent'), expect: 'V V V V V V F A V' },
  { name: 'User.name (owner of partner\'s record)', query: customerField('owner { name }'), path: ['customer', 'owner', 'name'], vars: byId('partnerOwn'), expect: 'V V A V V V F V V' },
  // Root fields.
  { name: 'Query.users', query: '{ users(first: 50) { totalCount edges { node { id } } } }', path: ['users'], vars: () => ({}), expect: 'V V F F F F F F F' },
  { name: 'Query.apiKeys', query: '{ apiKeys(first: 50) { totalCount edges { node { id name } } } }', path: ['apiKeys'], vars: () => ({}), expect: 'V F F F F F F F F' },
  // The run log of the background jobs (issue 15): operations data, ADMIN only.
  { name: 'Query.jobRuns', query: '{ jobRuns(limit: 5) { job periodStart instance result } }', path: ['jobRuns'], vars: () => ({}), expect: 'V F F F F F F F F' },
  {
    name: 'Mutation.createCustomer',
    query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } errors { code field message } } }',
    path: ['createCustomer'],
    vars: (role) => ({ input: { name: `Matrix ${role} Ltd`, kind: 'BUSINESS' } }),
    expect: 'V V V F F F F F F', // a customers:read key may not write
    effect: (role) => exists('select 1 from customer where name = ?', [`Matrix ${role} Ltd`]),
  },
  {
    name: 'Mutation.reassignCustomers',
    query: 'mutation($input: ReassignCustomersInput!) { reassignCustomers(input: $input) { movedCount errors { code field message } } }',
    path: ['reassignCustomers'],
    // The manager owns nothing but what the createCustomer row made: a harmless move within the team.
    vars: () => ({ input: { fromUserId: ids.manager, toUserId: ids.rep2 } }),
    expect: 'V V F F F F F F F',
  },
  {
    name: 'Mutation.restoreCustomer',
    query: 'mutation($input: CustomerIdInput!) { restoreCustomer(input: $input) { customer { id } errors { code field message } } }',
    path: ['restoreCustomer'],
    vars: async (role) => {
      // a fresh soft-deleted customer of rep1 (in the team of the manager)
      const made = ok(await t.gql('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        { input: { name: `Deleted for ${role}`, kind: 'BUSINESS' } }, 'SALES_REP')).createCustomer.customer.id;
      const del = ok(await t.gql('mutation($input: CustomerIdInput!) { deleteCustomer(input: $input) { errors { code } } }', { input: { id: made } }, 'SALES_REP'));
      expect(del.deleteCustomer.errors).toEqual([]);
      return { input: { id: made } };
    },
    expect: 'V V F F F F F F F',
    effect: (_role, vars) => exists('select 1 from customer where id = ? and deleted_at is null', [(vars.input as { id: string }).id]),
  },
  {
    name: 'Mutation.createApiKey',
    query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret errors { code field message } } }',
    path: ['createApiKey'],
    vars: (role) => ({ input: { name: `key by ${role}`, role: 'INTEGRATION', scopes: ['customers:read'] } }),
    expect: 'V F F F F F F F F',
    effect: (role) => exists('select 1 from api_key where name = ?', [`key by ${role}`]),
  },
  // Webhooks (issue 15): ADMIN users and API keys with `webhooks:manage`, each its own subscriptions; the
  // matrix's key holds `customers:read` only (the keys that may are swept in test/scopes.test.ts).
  { name: 'Query.webhookSubscriptions', query: '{ webhookSubscriptions(first: 50) { totalCount edges { node { id url } } } }', path: ['webhookSubscriptions'], vars: () => ({}), expect: 'V F F F F F F F F' },
  {
    name: 'Mutation.createWebhookSubscription',
    query: 'mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } secret errors { code field message } } }',
    path: ['createWebhookSubscription'],
    vars: (role) => ({ input: { url: `http://127.0.0.1:9/hooks/${role}`, events: ['order.created'] } }),
    expect: 'V F F F F F F F F',
    effect: (role) => exists('select 1 from webhook_subscription where url = ?', [`http://127.0.0.1:9/hooks/${role}`]),
  },
  {
    name: 'Mutation.createUser',
    query: 'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } errors { code field message } } }',
    path: ['createUser'],
    vars: (role) => ({ input: { email: `made-by-${role.toLowerCase()}@demo.crm`, password: 'longenough', name: `Made by ${role}`, role: 'SALES_REP' } }),
    expect: 'V F F F F F F F F',
    effect: (role) => exists('select 1 from app_user where email = ?', [`made-by-${role.toLowerCase()}@demo.crm`]),
  },
  {
    name: 'Mutation.updateUser',
    query: 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id } errors { code field message } } }',
    path: ['updateUser'],
    vars: (role) => ({ input: { id: ids.rep2, team: `team of ${role}` } }),
    expect: 'V F F F F F F F F',
    effect: (role) => exists('select 1 from app_user where id = ? and team = ?', [ids.rep2, `team of ${role}`]),
  },
  {
    name: 'Mutation.unlockUser',
    query: 'mutation($input: UnlockUserInput!) { unlockUser(input: $input) { user { id } errors { code field message } } }',
    path: ['unlockUser'],
    vars: () => ({ input: { id: ids.rep2 } }),
    expect: 'V F F F F F F F F',
  },
  // Sales (issue 3): deal values, activities and the timeline, analytics.
  { name: 'Query.opportunity', query: 'query($id: ID!) { opportunity(id: $id) { id name } }', path: ['opportunity'], vars: byId('opportunity'), expect: 'V V V V V V F F F' },
  { name: 'Opportunity.amount', query: 'query($id: ID!) { opportunity(id: $id) { amount } }', path: ['opportunity', 'amount'], vars: byId('opportunity'), expect: 'V V V F F V F F F' },
  { name: 'Opportunity.quotes', query: 'query($id: ID!) { opportunity(id: $id) { quotes(first: 5) { edges { node { total } } } } }', path: ['opportunity', 'quotes'], vars: byId('opportunity'), expect: 'V V V F F V F F F' },
  { name: 'Customer.activities', query: customerField('activities(first: 5) { totalCount }'), path: ['customer', 'activities'], vars: byId('bizConsent'), expect: 'V V V V V V F A F' },
  { name: 'Customer.timeline', query: customerField('timeline(first: 5) { edges { kind } }'), path: ['customer', 'timeline'], vars: byId('bizConsent'), expect: 'V V V V V V F A F' },
  {
    name: 'Query.salesFunnel',
    query: 'query($from: DateTime!, $to: DateTime!) { salesFunnel(from: $from, to: $to) { stages { stage count } } }',
    path: ['salesFunnel'],
    vars: () => ({ from: '2020-01-01T00:00:00Z', to: '2040-01-01T00:00:00Z' }),
    expect: 'V V V F F V V F F',
  },
  // Sales reports from the stage history (issue 14): the sales analytics readers.
  {
    name: 'Query.pipelineAsOf',
    query: 'query($asOf: DateTime!) { pipelineAsOf(asOf: $asOf) { count stages { stage count } } }',
    path: ['pipelineAsOf'],
    vars: () => ({ asOf: '2030-01-01T00:00:00Z' }),
    expect: 'V V V F F V V F F',
  },
  ...(['stageDurations', 'stageConversion', 'lostReasonBreakdown'] as const).map((name) => ({
    name: `Query.${name}`,
    query: `query($from: DateTime!, $to: DateTime!) { ${name}(from: $from, to: $to) { from } }`,
    path: [name],
    vars: () => ({ from: '2020-01-01T00:00:00Z', to: '2040-01-01T00:00:00Z' }),
    expect: 'V V V F F V V F F',
  })),
  {
    name: 'Mutation.logActivity',
    query: 'mutation($input: LogActivityInput!) { logActivity(input: $input) { activity { id } errors { code field message } } }',
    path: ['logActivity'],
    vars: (role) => ({ input: { customerId: ids.bizConsent, type: 'NOTE', subject: `matrix note by ${role}` } }),
    expect: 'V V V V F F F F F',
    effect: (role) => exists('select 1 from activity where subject = ?', [`matrix note by ${role}`]),
  },
  // Commerce and finance (issue 4).
  { name: 'Product.cost', query: 'query($id: ID!) { product(id: $id) { id cost } }', path: ['product', 'cost'], vars: byId('product'), expect: 'V V F F F V F F F' },
  {
    name: 'Mutation.pushOrder',
    query: 'mutation($input: PushOrderInput!) { pushOrder(input: $input) { order { id } errors { code field message } } }',
    path: ['pushOrder'],
    // Partners push for themselves (or customers they resell to); everyone names the partner's record here.
    vars: (role) => ({ input: { idempotencyKey: `matrix-${role}`, externalRef: `matrix-${role}`, channel: 'WEB', currency: 'EUR',
      customer: { customerId: ids.partnerOwn }, lines: [{ sku: 'MATRIX-1', quantity: 1, unitPrice: '10.00' }] } }),
    expect: 'V F F F F F F V F',
    effect: (role) => exists('select 1 from sales_order where external_ref = ?', [`matrix-${role}`]),
  },
  {
    // Cancelling a PENDING order: staff who change statuses, and partners for their own orders (issue 9).
    name: 'Mutation.updateOrderStatus (cancel)',
    query: 'mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status } errors { code field message } } }',
    path: ['updateOrderStatus'],
    vars: async (role) => {
      // a fresh PENDING order in the role's scope: rep1's customer for the rep, the partner's own record for everyone else
      const pushed = ok(await t.gql('mutation($input: PushOrderInput!) { pushOrder(input: $input) { order { id version } errors { message } } }', {
        input: { idempotencyKey: `matrix-cancel-${role}`, channel: 'WEB', currency: 'EUR', customer: { customerId: role === 'SALES_REP' ? ids.bizConsent : ids.partnerOwn },
          lines: [{ sku: 'MATRIX-1', quantity: 1, unitPrice: '10.00' }] },
      }, 'ADMIN')).pushOrder;
      expect(pushed.errors).toEqual([]);
      return { input: { id: pushed.order.id, version: pushed.order.version, status: 'CANCELLED' } };
    },
    expect: 'V V V F F F F V F',
    effect: (_role, vars) => exists(`select 1 from sales_order where id = ? and status = 'CANCELLED'`, [(vars.input as { id: string }).id]),
  },
  // Who is calling: everyone, about themselves.
  { name: 'Query.viewer', query: '{ viewer { kind id role } }', path: ['viewer'], vars: () => ({}), expect: 'V V V V V V V V V' },
  { name: 'Query.contract', query: 'query($id: ID!) { contract(id: $id) { id value } }', path: ['contract'], vars: byId('contract'), expect: 'V V V V F V F A F' },
  { name: 'Contract.notes', query: 'query($id: ID!) { contract(id: $id) { id notes } }', path: ['contract', 'notes'], vars: byId('partnerContract'), expect: 'V V A V F V F F F' },
  { name: 'Query.receivable', query: 'query($id: ID!) { receivable(id: $id) { id outstanding } }', path: ['receivable'], vars: byId('receivable'), expect: 'V V V F F V F A F' },
  {
    name: 'Mutation.recordPayment',
    query: 'mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } errors { code field message } } }',
    path: ['recordPayment'],
    vars: (role) => ({ input: { customerId: ids.bizConsent, amount: '1.00', currency: 'EUR', receivedOn: '2026-01-15', method: 'BANK_TRANSFER', reference: `matrix-${role}` } }),
    expect: 'V F F F F V F F F',
    effect: (role) => exists('select 1 from payment where reference = ?', [`matrix-${role}`]),
  },
  { name: 'Customer.creditExposure', query: customerField('creditExposure'), path: ['customer', 'creditExposure'], vars: byId('bizConsent'), expect: 'V V F F F V F A F' },
  { name: 'Customer.creditExposure (partner\'s own)', query: customerField('creditExposure'), path: ['customer', 'creditExposure'], vars: byId('partnerOwn'), expect: 'V V A F F V F V F' },
  { name: 'Query.creditHolds', query: '{ creditHolds(first: 5) { totalCount } }', path: ['creditHolds'], vars: () => ({}), expect: 'V V V F F V F F F' },
  {
    name: 'Mutation.assessCredit',
    query: 'mutation($input: AssessCreditInput!) { assessCredit(input: $input) { assessment { id } errors { code field message } } }',
    path: ['assessCredit'],
    vars: (role) => ({ input: { customerId: ids.bizNoConsent, rating: 'B', limit: '5000.00', currency: 'EUR', note: `matrix-${role}` } }),
    expect: 'F F F F F V F F F',
    effect: (role) => exists('select 1 from credit_assessment where note = ?', [`matrix-${role}`]),
  },
  { name: 'Query.receivablesSummary', query: '{ receivablesSummary(groupBy: OWNER) { currency outstanding } }', path: ['receivablesSummary'], vars: () => ({}), expect: 'V V V F F V F F F' },
  // Bad-debt write-off (issue 14): FINANCE alone writes off (ADMIN too is refused); the report like the other finance reports.
  {
    name: 'Mutation.writeOffReceivable',
    query: 'mutation($input: WriteOffReceivableInput!) { writeOffReceivable(input: $input) { receivable { id status } errors { code field message } } }',
    path: ['writeOffReceivable'],
    // a fresh open receivable of rep1's customer for every role
    vars: async (role) => {
      const id = `rcv_${'b'.repeat(30)}${String(ROLES.indexOf(role) + 10)}`;
      await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
        values (?, ?, ?, ?, ?, 'Matrix write-off', 'EUR', 10, '2026-01-01', '2026-02-01')`, [id, `INV-MATRIX-WO-${role}`, ids.bizConsent, ids.contract, ROLES.indexOf(role) + 10]);
      return { input: { receivableId: id, version: 1, category: 'OTHER', reason: `matrix-${role}` } };
    },
    expect: 'F F F F F V F F F',
    effect: (role) => exists(`select 1 from receivable where number = ? and status = 'WRITTEN_OFF'`, [`INV-MATRIX-WO-${role}`]),
  },
  { name: 'Query.writeOffReport', query: '{ writeOffReport(from: "2020-01-01", to: "2040-01-01") { lineCount totals { currency } } }', path: ['writeOffReport'], vars: () => ({}), expect: 'V V V F F V F F F' },
  // Finance reports of issue 14: the readers of the other finance reports.
  { name: 'Query.daysSalesOutstanding', query: '{ daysSalesOutstanding(from: "2026-01-01", to: "2026-02-28") { month dso } }', path: ['daysSalesOutstanding'], vars: () => ({}), expect: 'V V V F F V F F F' },
  { name: 'Query.cashReceived', query: '{ cashReceived(from: "2026-01-01", to: "2026-01-31", groupBy: WEEK) { start amount } }', path: ['cashReceived'], vars: () => ({}), expect: 'V V V F F V F F F' },
  { name: 'Query.customerAging', query: '{ customerAging { customerId total } }', path: ['customerAging'], vars: () => ({}), expect: 'V V V F F V F F F' },
  // Exchange rates (issue 14): the money-report readers read them, ADMIN and FINANCE set them.
  { name: 'Query.exchangeRates', query: '{ exchangeRates { from to rate validOn } }', path: ['exchangeRates'], vars: () => ({}), expect: 'V V V F F V F F F' },
  {
    name: 'Mutation.setExchangeRate',
    query: 'mutation($input: SetExchangeRateInput!) { setExchangeRate(input: $input) { exchangeRate { rate } errors { code field message } } }',
    path: ['setExchangeRate'],
    vars: (role) => ({ input: { from: 'USD', to: 'EUR', validOn: `2020-01-0${ROLES.indexOf(role) + 1}`, rate: '0.9' } }),
    expect: 'V F F F F V F F F',
    effect: (role) => exists(`select 1 from exchange_rate where valid_on = ?`, [`2020-01-0${ROLES.indexOf(role) + 1}`]),
  },
  { name: 'Query.scheduledBilling', query: '{ scheduledBilling { currency amount } }', path: ['scheduledBilling'], vars: () => ({}), expect: 'V V V F F V F F F' },
  // Service (issue 5).
  { name: 'Query.case', query: 'query($id: ID!) { case(id: $id) { id subject } }', path: ['case'], vars: byId('case'), expect: 'V V V V F F F A F' },
  // An internal note: staff who read the case; never PARTNER or API keys (node: null).
  { name: 'CaseComment.body (internal)', query: 'query($id: ID!) { node(id: $id) { ... on CaseComment { id body } } }', path: ['node'], vars: byId('internalNote'), expect: 'V V V V A A A A A' },
  { name: 'Query.assetByServiceTag', query: 'query($tag: String!) { assetByServiceTag(tag: $tag) { id serviceTag } }', path: ['assetByServiceTag'], vars: () => ({ tag: 'matrix-tag-1' }), expect: 'V V V V F F F A F' },
  { name: 'Survey.token', query: 'query($id: ID!) { case(id: $id) { id survey { token } } }', path: ['case', 'survey', 'token'], vars: byId('case'), expect: 'V F F V F F F A F' },
  {
    name: 'Mutation.createCase',
    query: 'mutation($input: CreateCaseInput!) { createCase(input: $input) { case { id } errors { code field message } } }',
    path: ['createCase'],
    // Partners open cases for their own record (or customers they resell to).
    vars: (role) => ({ input: { customerId: role === 'PARTNER' ? ids.partnerOwn : ids.bizConsent, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: `matrix-${role}` } }),
    expect: 'V F F V F F F V F',
    effect: (role) => exists('select 1 from service_case where subject = ?', [`matrix-${role}`]),
  },
  { name: 'Query.serviceStats', query: '{ serviceStats(from: "2025-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", groupBy: TYPE) { key caseCount } }', path: ['serviceStats'], vars: () => ({}), expect: 'V V F V F F V F F' },
  // Service reports (issue 14): the readers of serviceStats.
  { name: 'Query.slaAttainment', query: '{ slaAttainment(from: "2025-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", groupBy: PRIORITY) { key resolvedCount } }', path: ['slaAttainment'], vars: () => ({}), expect: 'V V F V F F V F F' },
  { name: 'Query.caseBacklog', query: '{ caseBacklog(groupBy: QUEUE) { key openCount } }', path: ['caseBacklog'], vars: () => ({}), expect: 'V V F V F F V F F' },
  { name: 'Query.reopenRate', query: '{ reopenRate(from: "2025-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", groupBy: QUEUE) { key reopenRate } }', path: ['reopenRate'], vars: () => ({}), expect: 'V V F V F F V F F' },
  { name: 'Query.firstContactResolution', query: '{ firstContactResolution(from: "2025-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", groupBy: PRIORITY) { key firstContactRate } }', path: ['firstContactResolution'], vars: () => ({}), expect: 'V V F V F F V F F' },
  { name: 'Query.productFeedback', query: '{ productFeedback(first: 5) { totalCount } }', path: ['productFeedback'], vars: () => ({}), expect: 'V V V V V F V F F' },
  { name: 'Customer.suggestionValue', query: customerField('suggestionValue { suggestionCount }'), path: ['customer', 'suggestionValue'], vars: byId('bizConsent'), expect: 'V V V V V V V A F' },
  // Loyalty (issue 11): memberships for staff and keys that read customers (a partner its own); the ledger not for ANALYST.
  { name: 'Customer.membership', query: customerField('membership { tier pointsBalance }'), path: ['customer', 'membership'], vars: byId('bizConsent'), expect: 'V V V V V V V A V' },
  { name: 'Customer.membership (partner\'s own)', query: customerField('membership { tier pointsBalance }'), path: ['customer', 'membership'], vars: byId('partnerOwn'), expect: 'V V A V V V V V V' },
  { name: 'Customer.pointsLedger', query: customerField('pointsLedger(first: 5) { totalCount }'), path: ['customer', 'pointsLedger'], vars: byId('bizConsent'), expect: 'V V V V V V F A V' },
  { name: 'Query.loyaltyProgramme', query: '{ loyaltyProgramme { currency } }', path: ['loyaltyProgramme'], vars: () => ({}), expect: 'V V V V V V V F F' },
  { name: 'Query.loyaltyLiability', query: '{ loyaltyLiability { points } }', path: ['loyaltyLiability'], vars: () => ({}), expect: 'V F F F F V F F F' },
  {
    name: 'Mutation.enrolMember',
    query: 'mutation($i: EnrolMemberInput!) { enrolMember(input: $i) { membership { id } errors { code field message } } }',
    path: ['enrolMember'],
    vars: async (role) => {
      const id = `cus_${Buffer.from(role).toString('hex').padEnd(32, '0').slice(0, 32)}`;
      await t.sql(`insert into customer (id, name, kind, sector, owner_id, created_by) values (?, ?, 'BUSINESS', 'OTHER', ?, ?)`, [id, `Enrol ${role}`, ids.rep1, ids.rep1]);
      return { i: { customerId: id } };
    },
    expect: 'V V V F F F F F F',
    effect: (_role, vars) => exists('select 1 from loyalty_membership where customer_id = ?', [(vars.i as { customerId: string }).customerId]),
  },
  {
    name: 'Mutation.adjustPoints',
    query: 'mutation($i: AdjustPointsInput!) { adjustPoints(input: $i) { membership { id } errors { code field message } } }',
    path: ['adjustPoints'],
    vars: (role) => ({ i: { customerId: ids.bizConsent, points: 5, reason: `matrix-${role}` } }),
    expect: 'V F F V F F F F F',
    effect: (role) => exists('select 1 from points_entry where reason = ?', [`matrix-${role}`]),
  },
  {
    name: 'Mutation.updateLoyaltyProgramme',
    query: 'mutation($i: UpdateLoyaltyProgrammeInput!) { updateLoyaltyProgramme(input: $i) { programme { version } errors { code field message } } }',
    path: ['updateLoyaltyProgramme'],
    vars: async (role) => {
      const [p] = await t.sql<{ version: number }>('select version from loyalty_programme');
      return { i: { version: p.version, signupBonus: 100 + ROLES.indexOf(role) + 1 } };
    },
    expect: 'V F F F F F F F F',
    effect: (role) => exists('select 1 from loyalty_programme where signup_bonus = ?', [100 + ROLES.indexOf(role) + 1]),
  },
  // Offers: staff read them, MARKETING and ADMIN write them, shops (keys with offers:read) ask what a shopper is offered.
  { name: 'Query.offers', query: '{ offers(first: 5) { totalCount } }', path: ['offers'], vars: () => ({}), expect: 'V V V V V V V F F' },
  { name: 'Query.offersFor', query: 'query($id: ID!) { offersFor(customerId: $id) { code } }', path: ['offersFor'], vars: byId('bizConsent'), expect: 'V V V V V F F F F' },
  {
    name: 'Mutation.createOffer',
    query: 'mutation($i: CreateOfferInput!) { createOffer(input: $i) { offer { id } errors { code field message } } }',
    path: ['createOffer'],
    vars: (role) => ({ i: { code: `MATRIX-${ROLES.indexOf(role)}`, name: `Matrix ${role}`, discountType: 'PERCENT', appliesTo: 'ORDER', percent: '5',
      target: 'EVERYONE', validFrom: '2026-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' } }),
    expect: 'V F F F V F F F F',
    effect: (role) => exists('select 1 from offer where code = ?', [`MATRIX-${ROLES.indexOf(role)}`]),
  },
  // Customer value (issue 12): staff in their scope, no partner, no key; cost-based figures for managers, finance, admin.
  { name: 'Customer.metrics', query: customerField('metrics { paretoClass rfm { score } churnRisk { level } }'), path: ['customer', 'metrics'], vars: byId('bizConsent'), expect: 'V V V V V V V A F' },
  { name: 'Customer.metrics (partner\'s own)', query: customerField('metrics { paretoClass }'), path: ['customer', 'metrics'], vars: byId('partnerOwn'), expect: 'V V A V V V V F F' },
  { name: 'CustomerMetrics.clvHistoric', query: customerField('metrics { clvHistoric }'), path: ['customer', 'metrics', 'clvHistoric'], vars: byId('bizConsent'), expect: 'V V F F F V F A F' },
  { name: 'Mutation.refreshCustomerMetrics', query: 'mutation { refreshCustomerMetrics { customers } }', path: ['refreshCustomerMetrics'], vars: () => ({}), expect: 'V F F F F F F F F' },
  {
    name: 'Query.segmentSummary', query: '{ segmentSummary(by: PARETO) { groups { key customers revenue12m } } }', path: ['segmentSummary'], vars: () => ({}),
    expect: 'V V V V V V V F F',
  },
  {
    name: 'SegmentGroup.margin12m', query: '{ segmentSummary(by: PARETO) { groups { key margin12m } } }', path: ['segmentSummary', 'groups', '0', 'margin12m'], vars: () => ({}),
    expect: 'V V F F F V F F F',
  },
  {
    name: 'Query.churnAnalysis', query: 'query($from: DateTime!, $to: DateTime!) { churnAnalysis(from: $from, to: $to, by: REASON) { total { customers } } }', path: ['churnAnalysis'],
    vars: () => ({ from: '2020-01-01T00:00:00Z', to: '2040-01-01T00:00:00Z' }), expect: 'V V V V V V V F F',
  },
  { name: 'Query.tierMigration', query: '{ tierMigration(from: "2020-01-01T00:00:00Z", to: "2040-01-01T00:00:00Z") { members } }', path: ['tierMigration'], vars: () => ({}), expect: 'V V V V V V V F F' },
  { name: 'Query.myStatement', query: '{ myStatement(from: "2026-01-01", to: "2026-12-31") { currency closingBalance } }', path: ['myStatement'], vars: () => ({}), expect: 'F F F F F F F V F' },
  // Quotas, revenue and campaign ROI (issue 14): quotas read like the sales analytics, set by ADMIN and managers (their team);
  // revenue like the sales analytics; ROI for those who read both budgets and won amounts.
  // Bulk data (issue 15): importing a kind takes its create and update policies (a dry run writes nothing); jobs are read by importers.
  {
    name: 'Mutation.importCsv',
    query: 'mutation($input: ImportCsvInput!) { importCsv(input: $input) { dryRun { totalRows wouldCreate } errors { code field message } } }',
    path: ['importCsv'],
    vars: () => ({ input: { kind: 'CUSTOMERS', csv: 'name,kind\nMatrix Import,BUSINESS', dryRun: true } }),
    expect: 'V V V F F F F F F',
  },
  { name: 'Query.importJobs', query: '{ importJobs(first: 5) { edges { node { id status } } } }', path: ['importJobs'], vars: () => ({}), expect: 'V V V V F F F F F' },
  { name: 'Query.quotas', query: '{ quotas(from: "2026-01", to: "2026-12") { userId month amount } }', path: ['quotas'], vars: () => ({}), expect: 'V V V F F V V F F' },
  {
    name: 'Query.quotaAttainment', query: '{ quotaAttainment(from: "2026-01", to: "2026-03") { months { month wonAmount } } }', path: ['quotaAttainment'],
    vars: () => ({}), expect: 'V V V F F V V F F',
  },
  {
    name: 'Query.quotaHistory', query: 'query($id: ID!) { quotaHistory(userId: $id, month: "2031-01") { action } }', path: ['quotaHistory'],
    vars: () => ({ id: ids.rep1 }), expect: 'V V V F F V V F F',
  },
  {
    name: 'Mutation.setQuota',
    query: 'mutation($input: SetQuotaInput!) { setQuota(input: $input) { quota { month } errors { code field message } } }',
    path: ['setQuota'],
    vars: (role) => ({ input: { userId: ids.rep1, month: `2031-${String(ROLES.indexOf(role) + 1).padStart(2, '0')}`, amount: '1000.00', currency: 'EUR' } }),
    expect: 'V V F F F F F F F',
    effect: (role) => exists('select 1 from sales_quota where user_id = ? and month = ?::date', [ids.rep1, `2031-${String(ROLES.indexOf(role) + 1).padStart(2, '0')}-01`]),
  },
  {
    name: 'Query.revenueBy', query: '{ revenueBy(groupBy: CHANNEL, from: "2020-01-01T00:00:00Z", to: "2040-01-01T00:00:00Z") { total { revenue } } }', path: ['revenueBy'],
    vars: () => ({}), expect: 'V V V F F V V F F',
  },
  { name: 'Query.campaignRoi', query: '{ campaignRoi { campaignId roi } }', path: ['campaignRoi'], vars: () => ({}), expect: 'V V F F V V F F F' },
  // Merging duplicates (issue 15): ADMIN and managers, for two customers in their scope (two fresh customers of rep1 per role).
  {
    name: 'Mutation.mergeCustomers',
    query: 'mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } duplicate { id mergedInto { id } } errors { code field message } } }',
    path: ['mergeCustomers'],
    vars: async (role) => {
      const make = async (name: string) => ok(await t.gql('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        { input: { name, kind: 'BUSINESS' } }, 'SALES_REP')).createCustomer.customer.id;
      return { input: { survivorId: await make(`Merge survivor ${role}`), duplicateId: await make(`Merge duplicate ${role}`) } };
    },
    expect: 'V V F F F F F F F',
    effect: (_role, vars: any) => exists('select 1 from customer where id = ? and merged_into = ? and deleted_at is not null', [vars.input.duplicateId, vars.input.survivorId]),
  },
  {
    name: 'Query.duplicateCandidates', query: '{ duplicateCandidates(first: 5) { edges { node { score reasons customerA { id } customerB { id } } } } }',
    path: ['duplicateCandidates'], vars: () => ({}), expect: 'V V F F F F F F F',
  },
];

const at = (data: any, path: string[]) => path.reduce((v, k) => (v == null ? v : v[k]), data);
const isPrefix = (a: readonly (string | number)[] | undefined, b: string[]) => !!a && a.length <= b.length && a.every((x, i) => String(x) === b[i]);

/** What happened, as V / F / A, or a description of anything else. */
function outcome(res: GqlResult, path: string[]): string {
  const errors = res.body.errors ?? [];
  const value = at(res.body.data, path);
  if (res.status !== 200) return `HTTP ${res.status}: ${JSON.stringify(res.body)}`;
  if (!errors.length && value != null) {
    if (Array.isArray(value.errors) && value.errors.length) return `payload errors ${JSON.stringify(value.errors)}`;
    return 'V';
  }
  // Forbidden at the field, or at a field above it (e.g. the whole root field for a role without access).
  if (errors.length && value == null && errors.every((e) => e.extensions?.code === 'FORBIDDEN') && errors.some((e) => isPrefix(e.path, path))) return 'F';
  if (!errors.length && res.body.data != null && res.body.data[path[0]] === null) return 'A';
  return `unexpected ${JSON.stringify(res.body)}`;
}

describe('the role matrix through HTTP', () => {
  test('the table is well formed', () => {
    for (const row of ROWS) expect(row.expect).toMatch(new RegExp(`^[VFA]( [VFA]){${ROLES.length - 1}}$`));
    const names = ROWS.map((r) => r.name.split(' ')[0]);
    expect(new Set(names)).toEqual(new Set([
      'Customer.name', 'Customer.phones', 'Customer.creditLimit', 'Customer.creditRating', 'Customer.customAttributes', 'Customer.history',
      'Contact.firstName', 'Contact.emails', 'User.email', 'User.name', 'Query.users', 'Query.apiKeys', 'Query.jobRuns',
      'Mutation.createCustomer', 'Mutation.reassignCustomers', 'Mutation.restoreCustomer', 'Mutation.createApiKey',
      'Query.webhookSubscriptions', 'Mutation.createWebhookSubscription',
      'Mutation.createUser', 'Mutation.updateUser', 'Mutation.unlockUser',
      'Query.opportunity', 'Opportunity.amount', 'Opportunity.quotes', 'Customer.activities', 'Customer.timeline', 'Query.salesFunnel',
      'Query.pipelineAsOf', 'Query.stageDurations', 'Query.stageConversion', 'Query.lostReasonBreakdown',
      'Mutation.logActivity',
      'Product.cost', 'Mutation.pushOrder', 'Mutation.updateOrderStatus', 'Query.viewer', 'Query.contract', 'Contract.notes', 'Query.receivable', 'Mutation.recordPayment',
      'Customer.creditExposure', 'Query.creditHolds', 'Mutation.assessCredit', 'Query.receivablesSummary', 'Query.scheduledBilling', 'Query.myStatement',
      'Mutation.writeOffReceivable', 'Query.writeOffReport', 'Query.exchangeRates', 'Mutation.setExchangeRate',
      'Query.daysSalesOutstanding', 'Query.cashReceived', 'Query.customerAging',
      'Query.case', 'CaseComment.body', 'Query.assetByServiceTag', 'Survey.token', 'Mutation.createCase', 'Query.serviceStats',
      'Query.slaAttainment', 'Query.caseBacklog', 'Query.reopenRate', 'Query.firstContactResolution',
      'Query.productFeedback', 'Customer.suggestionValue',
      'Customer.membership', 'Customer.pointsLedger', 'Query.loyaltyProgramme', 'Query.loyaltyLiability', 'Mutation.enrolMember', 'Mutation.adjustPoints',
      'Mutation.updateLoyaltyProgramme', 'Query.offers', 'Query.offersFor', 'Mutation.createOffer',
      'Customer.metrics', 'CustomerMetrics.clvHistoric', 'Mutation.refreshCustomerMetrics',
      'Query.segmentSummary', 'SegmentGroup.margin12m', 'Query.churnAnalysis', 'Query.tierMigration',
      'Query.quotas', 'Query.quotaAttainment', 'Query.quotaHistory', 'Mutation.setQuota', 'Query.revenueBy', 'Query.campaignRoi',
      'Mutation.mergeCustomers', 'Query.duplicateCandidates',
      'Mutation.importCsv', 'Query.importJobs',
    ]));
  });

  test.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const expected = row.expect.split(' ');
    const mismatches: string[] = [];
    for (const [i, role] of ROLES.entries()) {
      const want = expected[i];
      const vars = await row.vars(role);
      const got = outcome(await t.gql(row.query, vars, caller(role)), row.path);
      if (got !== want) mismatches.push(`${role}: expected ${want}, got ${got}`);
      if (row.effect && (await row.effect(role, vars)) !== (want === 'V')) mismatches.push(`${role}: side effect ${want === 'V' ? 'missing' : 'happened although denied'}`);
    }
    expect(mismatches).toEqual([]);
  });
});

// ------------------------------------------------------------------------- per-record rules, not cached

describe('a field rule is checked per record, never cached across records', () => {
  test('MARKETING sees phones of consenting customers and FORBIDDEN for the others, in the same response', async () => {
    const res = await t.gql('{ customers(first: 100) { totalCount edges { node { id name marketingConsent phones { number } emails { address } } } } }', {}, 'MARKETING');
    const edges = res.body.data.customers.edges;
    expect(edges.length).toBe(res.body.data.customers.totalCount);
    const withConsent = edges.filter((e: any) => e.node.marketingConsent);
    expect(withConsent.length).toBeGreaterThan(0);
    expect(withConsent.length).toBeLessThan(edges.length);
    const expected = new Set<string>();
    edges.forEach((e: any, i: number) => {
      expect(e.node.name).toEqual(expect.any(String)); // other fields of the row still arrive
      if (e.node.marketingConsent) {
        expect(e.node.phones.length).toBeGreaterThan(0);
        expect(e.node.emails).toEqual(expect.any(Array));
      } else {
        expect(e.node.phones).toBeNull();
        expect(e.node.emails).toBeNull();
        expected.add(`customers.edges.${i}.node.phones`);
        expected.add(`customers.edges.${i}.node.emails`);
      }
    });
    const errors = res.body.errors ?? [];
    expect(errors.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    expect(new Set(errors.map((e) => e.path!.join('.')))).toEqual(expected);
    // and the two fixtures agree with what the table above expects
    const byId = new Map(edges.map((e: any) => [e.node.id, e.node]));
    expect((byId.get(ids.bizConsent) as any).phones).not.toBeNull();
    expect((byId.get(ids.bizNoConsent) as any).phones).toBeNull();
  });

  test('ANALYST sees business names and FORBIDDEN for individuals, in the same response', async () => {
    const res = await t.gql('{ customers(first: 40, orderBy: [{ field: CREATED_AT, direction: ASC }]) { edges { node { id kind name } } } }', {}, 'ANALYST');
    const edges = res.body.data.customers.edges;
    expect(edges).toHaveLength(40);
    const expected = new Set<string>();
    edges.forEach((e: any, i: number) => {
      if (e.node.kind === 'BUSINESS') expect(e.node.name).toEqual(expect.any(String));
      else {
        expect(e.node.name).toBeNull();
        expected.add(`customers.edges.${i}.node.name`);
      }
    });
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(40);
    expect(new Set((res.body.errors ?? []).map((e) => e.path!.join('.')))).toEqual(expected);
  });

  test('an INTEGRATION key reads the PII of what it wrote, and only that, in the same response', async () => {
    const writer = await createKey(['customers:read', 'customers:write']);
    const made = ok(await t.gql(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name phones { number } } errors { field message } } }`,
      { input: { name: 'Ida Integration', kind: 'INDIVIDUAL', ownerId: ids.rep1, phones: [{ label: 'mobile', number: '+49 170 5550101' }] } }, { apiKey: writer })).createCustomer;
    expect(made.errors).toEqual([]);
    expect(made.customer).toEqual({ id: made.customer.id, name: 'Ida Integration', phones: [{ number: '+49 170 5550101' }] });
    const contact = ok(await t.gql(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id firstName emails { address } } errors { field } } }`,
      { input: { customerId: made.customer.id, firstName: 'Ivo', lastName: 'Import', emails: [{ label: 'work', address: 'ivo@example.com' }] } }, { apiKey: writer })).createContact;
    expect(contact.errors).toEqual([]);
    expect(contact.contact.firstName).toBe('Ivo');

    const res = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { name phones { number } }
      ... on Contact { firstName emails { address } } } }`, { ids: [made.customer.id, ids.individual, contact.contact.id, ids.conConsent] }, { apiKey: writer });
    const [mine, other, myContact, otherContact] = res.body.data.nodes;
    expect(mine).toEqual({ id: made.customer.id, name: 'Ida Integration', phones: [{ number: '+49 170 5550101' }] });
    expect(other).toEqual({ id: ids.individual, name: null, phones: null });
    expect(myContact).toEqual({ id: contact.contact.id, firstName: 'Ivo', emails: [{ address: 'ivo@example.com' }] });
    expect(otherContact).toEqual({ id: ids.conConsent, firstName: null, emails: null });
    expect(new Set((res.body.errors ?? []).map((e) => `${e.path!.join('.')}:${e.extensions?.code}`))).toEqual(new Set([
      'nodes.1.name:FORBIDDEN', 'nodes.1.phones:FORBIDDEN', 'nodes.3.firstName:FORBIDDEN', 'nodes.3.emails:FORBIDDEN',
    ]));
    // the read-only key did not write either record, so it sees none of their PII
    const ro = await t.gql(`query($id: ID!) { customer(id: $id) { name phones { number } } }`, { id: made.customer.id }, { apiKey: integrationKey });
    expect(ro.body.data.customer).toEqual({ name: null, phones: null });
  });

  test('ANALYST sees their own name and e-mail, not other users\'', async () => {
    const me = ok(await t.gql('{ me { id name email } }', {}, 'ANALYST')).me;
    expect(me).toEqual({ id: ids.analyst, name: expect.any(String), email: 'analyst@demo.crm' });
    const other = await t.gql(`query($id: ID!) { customer(id: $id) { owner { id name email } } }`, { id: ids.bizConsent }, 'ANALYST');
    expect(other.body.data.customer.owner).toEqual({ id: ids.rep1, name: null, email: null });
    expect(codes(other)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  test('anonymous callers get UNAUTHENTICATED, bad credentials HTTP 401', async () => {
    expect(codes(await t.gql(customerField('id'), { id: ids.bizConsent }, null))).toEqual(['UNAUTHENTICATED']);
    const badKey = await t.gql(customerField('id'), { id: ids.bizConsent }, { apiKey: `crm_${'0'.repeat(12)}_${'A'.repeat(43)}` });
    expect(badKey.status).toBe(401);
    expect(codes(badKey)).toEqual(['UNAUTHENTICATED']);
    const badToken = await t.gql(customerField('id'), { id: ids.bizConsent }, { token: 'not.a.token' });
    expect(badToken.status).toBe(401);
  });
});

// ------------------------------------------------------------------------- subscriptions (over WebSocket)

/**
 * The Subscription root fields, subscribed to over a real WebSocket (graphql-ws) by every role:
 * V = the server listens for the caller's events, F = FORBIDDEN when subscribing.
 */
const SUBSCRIPTION_ROWS: { name: string; query: string; expect: string }[] = [
  { name: 'Subscription.caseAssigned', query: 'subscription { caseAssigned { eventId } }', expect: 'V F F V F F F F F' },
  { name: 'Subscription.caseReplied', query: 'subscription { caseReplied { eventId } }', expect: 'V V V V F F F V F' },
  { name: 'Subscription.orderStatusChanged', query: 'subscription { orderStatusChanged { eventId } }', expect: 'V V V V F V F V F' },
  { name: 'Subscription.taskDue', query: 'subscription { taskDue { eventId } }', expect: 'V V V V V V V F F' },
];

describe('subscription matrix (over WebSocket)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => { const s = t.app.listen(0, () => resolve(s)); });
    await t.live.attach(server);
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await t.live.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test.each(SUBSCRIPTION_ROWS)('$name', async (row) => {
    const expected = row.expect.split(' ');
    const mismatches: string[] = [];
    for (const [i, role] of ROLES.entries()) {
      const c = caller(role);
      const params = typeof c === 'string' ? { authorization: `Bearer ${await t.token(c)}` } : { 'x-api-key': c.apiKey };
      const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0 });
      const before = t.live.activeSubscriptions();
      const got = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => { clearInterval(poll); resolve('timeout'); }, 3000);
        const finish = (outcome: string) => { clearInterval(poll); clearTimeout(timer); resolve(outcome); };
        client.subscribe({ query: row.query }, {
          next: (msg) => finish(msg.errors?.[0]?.extensions?.code === 'FORBIDDEN' ? 'F' : `unexpected ${JSON.stringify(msg)}`),
          error: (err) => finish(`error ${JSON.stringify(err)}`),
          complete: () => undefined,
        });
        const poll = setInterval(() => { if (t.live.activeSubscriptions() > before) finish('V'); }, 10);
      });
      await client.dispose();
      await new Promise((r) => setTimeout(r, 20)); // the server sees the close and ends the subscription
      if (got !== expected[i]) mismatches.push(`${role}: expected ${expected[i]}, got ${got}`);
    }
    expect(mismatches).toEqual([]);
  });
});

import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { policyFor } from '../src/auth';
import { SCOPES, SCOPE_INFO, type Scope } from '../src/auth/principal';
import { newId } from '../src/entities/ids';
import { buildBareSchema } from '../src/schema';
import { codes, ok, startTestApp, type GqlResult, type TestApp } from './helpers';

/**
 * API keys are governed by their scopes on every read (issue 9, item 10). One key per single scope, for
 * each key role the scope is for, calls every root of the schema (selections and arguments generated
 * from the schema): a root the scope grants answers, every other root is FORBIDDEN with a message naming
 * what it needs. The table below is the specification, written by hand — not derived from the rules.
 */

/** The query roots each scope opens to a key. Every other query root is FORBIDDEN to a key holding only that scope. */
const QUERY_GRANTS: Record<Scope, string[]> = {
  'customers:read': ['customers', 'customer', 'contacts', 'contact', 'customAttributeDefinitions'],
  'customers:write': ['customers', 'customer', 'contacts', 'contact', 'customAttributeDefinitions', 'importJobs', 'importJob'],
  'orders:read': ['orders', 'order'],
  'orders:write': ['orders', 'order'],
  'orders:price-override': [],
  'products:read': ['products', 'product', 'productBySku'],
  'tasks:read': ['dueReminders'],
  'cases:read': ['cases', 'case', 'assets', 'asset', 'assetByServiceTag'],
  'cases:write': ['cases', 'case', 'assets', 'asset', 'assetByServiceTag'],
  'finance:read': ['contracts', 'contract', 'receivables', 'receivable', 'payments', 'payment', 'myStatement'],
  'offers:read': ['offersFor'],
  'webhooks:manage': ['webhookSubscriptions', 'webhookDeliveries'],
};

/** The mutation roots each scope opens to a key (the business rules inside may still refuse the input). */
const MUTATION_GRANTS: Partial<Record<Scope, string[]>> = {
  'customers:write': ['createCustomer', 'updateCustomer', 'createContact', 'updateContact', 'deleteContact', 'createLead', 'importCsv'],
  'orders:write': ['pushOrder', 'updateOrderStatus'],
  'cases:write': ['createCase', 'reopenCase', 'addCaseComment', 'registerAsset'],
  'offers:read': ['registerInterest'],
  'webhooks:manage': ['createWebhookSubscription', 'updateWebhookSubscription', 'deleteWebhookSubscription', 'replayWebhookDelivery'],
};

/** Roots every signed-in caller reaches; what they return is limited by record scope (checked below for node). */
const EVERY_CALLER = ['node', 'nodes', 'me', 'viewer', 'changePassword'];

type KeyRole = 'INTEGRATION' | 'PARTNER';
interface Key { role: KeyRole; scope: Scope; id: string; secret: string }

let t: TestApp;
let schema: GraphQLSchema;
const keys: Key[] = [];
const ids: Record<string, string> = {};

async function createKey(role: KeyRole, scopes: string[]) {
  const res = ok(await t.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } secret errors { code message field } } }`,
    { i: { name: `${role} ${scopes.join(' ')}`, role, scopes, ...(role === 'PARTNER' ? { partnerCustomerId: ids.partner } : {}) } }, 'ADMIN')).createApiKey;
  return res as { apiKey: { id: string } | null; secret: string | null; errors: { code: string; message: string; field: string[] }[] };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 8 });
  schema = await buildBareSchema();
  const one = async (text: string, params: unknown[] = []) => (await t.sql<{ id: string }>(text, params))[0].id;
  ids.partner = await one(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
  ids.rep1 = await one(`select id from app_user where email = 'rep1@demo.crm'`);
  ids.contact = await one('select id from contact where customer_id = ? order by created_at, id limit 1', [ids.partner]);
  ids.product = newId('Product');
  await t.sql(`insert into product (id, sku, name, category, list_price, cost, currency) values (?, 'SCOPE-1', 'Scope item', 'Test', 10, 4, 'EUR')`, [ids.product]);

  for (const scope of SCOPES) {
    for (const role of SCOPE_INFO[scope].keyRoles as KeyRole[]) {
      const made = await createKey(role, [scope]);
      expect(made.errors).toEqual([]);
      keys.push({ role, scope, id: made.apiKey!.id, secret: made.secret! });
    }
  }
  const keyOf = (role: KeyRole, scope: Scope) => keys.find((k) => k.role === role && k.scope === scope)!;

  // Records each key may see by its record scope, so that a granted lookup really answers: the partner's
  // own account (orders billed to it, its cases, assets, contracts, money) and the orders the INTEGRATION key pushed.
  const order = async (createdBy: string) => {
    const id = newId('Order');
    await t.sql(`insert into sales_order (id, customer_id, bill_to_id, payment_terms, channel, status, currency, subtotal, total, created_by)
      values (?, ?, ?, 'ON_ACCOUNT', 'WEB', 'PENDING', 'EUR', 10, 10, ?)`, [id, ids.partner, ids.partner, createdBy]);
    return id;
  };
  ids.partnerOrder = await order(keyOf('PARTNER', 'orders:write').id);
  ids.integrationOrder = await order(keyOf('INTEGRATION', 'orders:write').id);
  ids.contract = newId('Contract');
  await t.sql(`insert into contract (id, number, customer_id, title, value, currency, start_date, instalments, owner_id, status)
    values (?, 'CT-SCOPE-1', ?, 'Scope contract', 1000, 'EUR', '2026-01-01', '[{"dueDate":"2026-02-01","percent":null}]', ?, 'SIGNED')`, [ids.contract, ids.partner, ids.rep1]);
  ids.receivable = newId('Receivable');
  await t.sql(`insert into receivable (id, number, customer_id, contract_id, instalment, description, currency, amount, issued_on, due_date)
    values (?, 'INV-SCOPE-1', ?, ?, 1, 'Scope', 'EUR', 1000, '2026-01-01', '2026-02-01')`, [ids.receivable, ids.partner, ids.contract]);
  ids.payment = newId('Payment');
  await t.sql(`insert into payment (id, customer_id, amount, currency, received_on, method, recorded_by) values (?, ?, 100, 'EUR', '2026-01-15', 'BANK_TRANSFER', ?)`,
    [ids.payment, ids.partner, ids.rep1]);
  ids.asset = newId('Asset');
  await t.sql(`insert into asset (id, service_tag, product_id, customer_id, purchase_date) values (?, 'SCOPE-TAG-1', ?, ?, '2026-01-01')`, [ids.asset, ids.product, ids.partner]);
  ids.case = newId('ServiceCase');
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, opened_by, first_response_due_at, resolution_due_at)
    values (?, 'CS-SCOPE-1', 'TECH_SUPPORT', 'PARTNER', 'P3', 'NEW', 'Scope case', ?, ?, now() + interval '1 day', now() + interval '3 days')`, [ids.case, ids.partner, ids.rep1]);
  // An import job of each customers:write key (a one-row CSV), which the key may read.
  for (const role of ['INTEGRATION', 'PARTNER'] as const) {
    const made = await t.gql(`mutation { importCsv(input: { kind: CUSTOMERS, csv: "name,kind\\nScope Import ${role},BUSINESS\\n" }) { job { id } errors { message } } }`,
      {}, { apiKey: keyOf(role, 'customers:write').secret });
    expect(made.body.data.importCsv.errors).toEqual([]);
    ids[`import${role}`] = made.body.data.importCsv.job.id;
  }
  // A webhook subscription of each webhooks:manage key, whose delivery log the key may read.
  for (const role of ['INTEGRATION', 'PARTNER'] as const) {
    const made = await t.gql(`mutation { createWebhookSubscription(input: { url: "http://127.0.0.1:9/hook", events: ["order.created"] }) { subscription { id } } }`,
      {}, { apiKey: keyOf(role, 'webhooks:manage').secret });
    ids[`webhooks${role}`] = made.body.data.createWebhookSubscription.subscription.id;
  }
});
afterAll(async () => { await t?.close(); });

// ------------------------------------------------------------------------- operations from the schema

/** Fixture ids for `id`-like arguments, by the root (a key's own record where the record scope matters). */
function idFor(root: string, role: KeyRole): string {
  const byRoot: Record<string, string> = {
    customer: ids.partner, contact: ids.contact, product: ids.product, order: role === 'PARTNER' ? ids.partnerOrder : ids.integrationOrder,
    contract: ids.contract, receivable: ids.receivable, payment: ids.payment, asset: ids.asset, case: ids.case,
  };
  if (root === 'webhookDeliveries') return ids[`webhooks${role}`];
  if (root === 'importJob') return ids[`import${role}`];
  return byRoot[root] ?? ids.partner;
}

const STRING_ARGS: Record<string, string> = { sku: 'SCOPE-1', tag: 'SCOPE-TAG-1', search: 'scope' };

/**
 * A literal for an input type: required fields only, from fixtures and the scalar's format. Queries get
 * ids the key may see; mutations ids that exist nowhere, so that a granted mutation changes nothing.
 */
function literal(type: GraphQLInputType, name: string, root: string, role: KeyRole | null): string {
  if (isNonNullType(type)) return literal(type.ofType, name, root, role);
  if (isListType(type)) return `[${literal(type.ofType, name, root, role)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, f.name, root, role)}`).join(', ')} }`;
  }
  switch (type.name) {
    case 'ID': return JSON.stringify(role ? idFor(root, role) : `cus_${'0'.repeat(32)}`);
    case 'Int': return '1';
    case 'Float': return '1';
    case 'Boolean': return 'true';
    case 'DateTime': return '"2026-06-01T00:00:00Z"';
    case 'Date': case 'LocalDate': return name === 'to' ? '"2026-12-31"' : '"2026-01-01"';
    case 'Decimal': return '"1.00"';
    case 'YearMonth': return '"2026-01"';
    default: return JSON.stringify(STRING_ARGS[name] ?? (type.name === 'String' ? 'x' : '2026-01-01'));
  }
}

/** The smallest selection of an output type that reads something. */
function selection(type: GraphQLObjectType | ReturnType<typeof getNamedType>): string {
  if (!isObjectType(type)) return isScalarType(type) || isEnumType(type) ? '' : '{ __typename }';
  const fields = type.getFields();
  if (fields.totalCount) return '{ totalCount }';
  if (fields.id) return '{ id }';
  const scalar = Object.values(fields).find((f) => !f.args.length && (isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type))));
  return scalar ? `{ ${scalar.name} }` : '{ __typename }';
}

function rootSelection(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, role: KeyRole): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type, a.name, field.name, kind === 'query' ? role : null)}`).join(', ')})` : '';
  return `${field.name}${argText} ${selection(getNamedType(field.type))}`;
}

const operation = (kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, role: KeyRole) => `${kind} { ${rootSelection(kind, field, role)} }`;

/**
 * Query roots in as few requests as is safe: nullable roots several to a request (a refusal nulls only
 * its own field), non-null ones alone (a refusal nulls the whole response). Each root gets the response
 * with only its own errors.
 */
async function sweepQueries(fields: GraphQLField<unknown, unknown>[], role: KeyRole, caller: { apiKey: string }): Promise<Map<string, GqlResult>> {
  const batches: GraphQLField<unknown, unknown>[][] = fields.filter((f) => isNonNullType(f.type)).map((f) => [f]);
  const nullable = fields.filter((f) => !isNonNullType(f.type));
  for (let i = 0; i < nullable.length; i += 8) batches.push(nullable.slice(i, i + 8));
  const results = new Map<string, GqlResult>();
  for (const batch of batches) {
    const res = await t.gql(`query { ${batch.map((f) => rootSelection('query', f, role)).join(' ')} }`, {}, caller);
    for (const f of batch) {
      const errors = (res.body.errors ?? []).filter((e) => e.path?.[0] === f.name || !e.path);
      results.set(f.name, { ...res, body: { data: res.body.data ? { [f.name]: res.body.data[f.name] } : res.body.data, ...(errors.length ? { errors } : {}) } });
    }
  }
  return results;
}

/** V = answered without errors; F = FORBIDDEN at the root with a message naming what it needs; else a description. */
function outcome(res: GqlResult, root: string, kind: 'Query' | 'Mutation'): string {
  const errors = res.body.errors ?? [];
  if (res.status === 200 && !errors.length && res.body.data?.[root] != null) return 'V';
  const forbidden = errors.length > 0 && errors.every((e) => e.extensions?.code === 'FORBIDDEN' && e.path?.[0] === root);
  const named = errors.every((e) => new RegExp(`^\`${kind}\\.${root}\` (needs |is not available to API keys)`).test(e.message));
  if (forbidden && named && (res.body.data?.[root] ?? null) === null) return 'F';
  return `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
}

const roots = (kind: 'Query' | 'Mutation') => Object.values((schema.getType(kind) as GraphQLObjectType).getFields());

// ---------------------------------------------------------------------------------------------- tests

describe('scopes', () => {
  test('every scope has a description and is for at least one key role; a scope is refused on a key of another role', async () => {
    for (const scope of SCOPES) {
      expect(SCOPE_INFO[scope].description.length).toBeGreaterThan(20);
      expect(SCOPE_INFO[scope].keyRoles.length).toBeGreaterThan(0);
    }
    const misfit = await createKey('INTEGRATION', ['customers:read', 'cases:read']);
    expect(misfit.apiKey).toBeNull();
    expect(misfit.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'scopes', '1'], message: '`cases:read` is for PARTNER keys, not INTEGRATION keys.' }]);
    const partnerTasks = await createKey('PARTNER', ['tasks:read']);
    expect(partnerTasks.errors.map((e) => e.field)).toEqual([['input', 'scopes', '0']]);
  });

  test('the table names only roots that exist', () => {
    const names = new Set([...roots('Query'), ...roots('Mutation')].map((f) => f.name));
    const named = [...Object.values(QUERY_GRANTS), ...Object.values(MUTATION_GRANTS), EVERY_CALLER].flat();
    expect(named.filter((n) => !names.has(n))).toEqual([]);
  });

  test('one key per scope sweeps every query root: granted roots answer, every other root is FORBIDDEN naming its need', async () => {
    const mismatches: string[] = [];
    let granted = 0;
    const fields = roots('Query').filter((f) => !EVERY_CALLER.includes(f.name));
    for (const key of keys) {
      const results = await sweepQueries(fields, key.role, { apiKey: key.secret });
      for (const field of fields) {
        const want = QUERY_GRANTS[key.scope].includes(field.name) ? 'V' : 'F';
        if (want === 'V') granted += 1;
        const got = outcome(results.get(field.name)!, field.name, 'Query');
        if (got !== want) mismatches.push(`${key.role} ${key.scope} Query.${field.name}: expected ${want}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(granted).toBeGreaterThan(30);
  });

  test('every key calls the mutations of the write scopes: those of its own scope run, the others are FORBIDDEN', async () => {
    const mismatches: string[] = [];
    const writes = new Set(Object.values(MUTATION_GRANTS).flat());
    for (const key of keys) {
      for (const field of roots('Mutation').filter((f) => writes.has(f.name))) {
        const mine = (MUTATION_GRANTS[key.scope] ?? []).includes(field.name);
        const res = await t.gql(operation('mutation', field, key.role), {}, { apiKey: key.secret });
        const got = outcome(res, field.name, 'Mutation');
        // A granted mutation runs: its payload may carry business errors for the generated input, never FORBIDDEN.
        const refused = mine ? res.status !== 200 || codes(res).some((c) => c === 'FORBIDDEN' || c === 'INTERNAL_SERVER_ERROR') : got !== 'F';
        if (refused) mismatches.push(`${key.role} ${key.scope} Mutation.${field.name}: ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('no other mutation is open to any key (checked against the permission map, cheaply, for every key)', () => {
    const writes = new Set(Object.values(MUTATION_GRANTS).flat());
    const open = keys.flatMap((key) => roots('Mutation')
      .filter((f) => !writes.has(f.name) && !EVERY_CALLER.includes(f.name) && !policyFor('Mutation', f.name)!.public)
      .filter((f) => policyFor('Mutation', f.name)!.check({ type: 'API_KEY', id: key.id, role: key.role as any, scopes: [key.scope], partnerCustomerId: ids.partner }, null))
      .map((f) => `${key.role} ${key.scope} Mutation.${f.name}`));
    expect(open).toEqual([]);
  });

  test('node(id) and nodes(ids) give null for records of a domain the key has no scope for', async () => {
    const all = { Customer: ids.partner, Contact: ids.contact, Product: ids.product, Order: ids.partnerOrder, Contract: ids.contract,
      Receivable: ids.receivable, Payment: ids.payment, Asset: ids.asset, ServiceCase: ids.case };
    const readableBy: Record<string, Scope[]> = {
      Customer: ['customers:read', 'customers:write'], Contact: ['customers:read', 'customers:write'], Product: ['products:read'],
      Order: ['orders:read', 'orders:write'], Contract: ['finance:read'], Receivable: ['finance:read'], Payment: ['finance:read'],
      Asset: ['cases:read', 'cases:write'], ServiceCase: ['cases:read', 'cases:write'],
    };
    const mismatches: string[] = [];
    for (const key of keys.filter((k) => k.role === 'PARTNER')) {
      const res = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Object.values(all) }, { apiKey: key.secret });
      const got = ok(res).nodes.map((n: { id: string } | null) => n?.id ?? null);
      const want = Object.entries(all).map(([type, id]) => (readableBy[type].includes(key.scope) ? id : null));
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${key.scope}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
    expect(mismatches).toEqual([]);
  });

  test('relations into a domain the key has no scope for are null, not leaked: a partner key with orders:read sees its order but not the customer', async () => {
    const key = keys.find((k) => k.role === 'PARTNER' && k.scope === 'orders:read')!;
    const res = await t.gql('query($id: ID!) { order(id: $id) { id customer { id name } } }', { id: ids.partnerOrder }, { apiKey: key.secret });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.order).toEqual({ id: ids.partnerOrder, customer: null });
    const cases = keys.find((k) => k.role === 'PARTNER' && k.scope === 'cases:read')!;
    const viaCase = await t.gql('query($id: ID!) { case(id: $id) { id customer { id } asset { id } } }', { id: ids.case }, { apiKey: cases.secret });
    expect(viaCase.body.data.case).toEqual({ id: ids.case, customer: null, asset: null });
  });

  test('nested lists of another domain are FORBIDDEN under a customer a key may read', async () => {
    const key = keys.find((k) => k.role === 'PARTNER' && k.scope === 'customers:read')!;
    const res = await t.gql(`query($id: ID!) { customer(id: $id) { id orders(first: 5) { totalCount } cases(first: 5) { totalCount }
      receivables(first: 5) { totalCount } creditLimit } }`, { id: ids.partner }, { apiKey: key.secret });
    expect(res.body.data.customer).toEqual({ id: ids.partner, orders: null, cases: null, receivables: null, creditLimit: null });
    expect(Object.fromEntries((res.body.errors ?? []).map((e) => [e.path!.join('.'), e.message]))).toEqual({
      'customer.orders': '`Customer.orders` needs the API-key scope `orders:read` on a PARTNER key, or `orders:write`.',
      'customer.cases': '`Customer.cases` needs the API-key scope `cases:read` or `cases:write` on a PARTNER key.',
      'customer.receivables': '`Customer.receivables` needs the API-key scope `finance:read` on a PARTNER key.',
      'customer.creditLimit': '`Customer.creditLimit` needs the API-key scope `finance:read` on a PARTNER key (its own record only).',
    });
  });
});

describe('FORBIDDEN says which role or scope the field needs', () => {
  const rootField = (kind: 'Query' | 'Mutation', name: string) => roots(kind).find((f) => f.name === name)!;

  test('to users: the roles', async () => {
    const [{ id: mine }] = await t.sql<{ id: string }>('select id from customer where owner_id = ? and deleted_at is null limit 1', [ids.rep1]);
    const own = await t.gql('query($id: ID!) { customer(id: $id) { id creditLimit } }', { id: mine }, 'SALES_REP');
    expect(own.body.data.customer).toEqual({ id: mine, creditLimit: null });
    expect(own.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['FORBIDDEN', '`Customer.creditLimit` needs one of the roles FINANCE, SALES_MANAGER, ADMIN or the role PARTNER (its own record only).'],
    ]);
    const funnel = await t.gql(operation('query', rootField('Query', 'salesFunnel'), 'INTEGRATION'), {}, 'SERVICE_AGENT');
    expect(funnel.body.errors?.map((e) => e.message)).toEqual(['`Query.salesFunnel` needs one of the roles ADMIN, SALES_MANAGER, SALES_REP, FINANCE, ANALYST.']);
    const key = await t.gql(operation('mutation', rootField('Mutation', 'createApiKey'), 'INTEGRATION'), {}, 'FINANCE');
    expect(key.body.errors?.map((e) => e.message)).toEqual(['`Mutation.createApiKey` needs the role ADMIN.']);
  });

  test('to API keys: the scope, or that the field is not for keys', async () => {
    const products = keys.find((k) => k.role === 'INTEGRATION' && k.scope === 'products:read')!;
    const customers = await t.gql('{ customers(first: 1) { totalCount } }', {}, { apiKey: products.secret });
    expect(customers.body.errors?.map((e) => e.message)).toEqual(['`Query.customers` needs the API-key scope `customers:read` or `customers:write`.']);
    const users = await t.gql(operation('query', rootField('Query', 'users'), 'INTEGRATION'), {}, { apiKey: products.secret });
    expect(users.body.errors?.map((e) => e.message)).toEqual(['`Query.users` is not available to API keys (users need one of the roles ADMIN, SALES_MANAGER).']);
    const partner = keys.find((k) => k.role === 'PARTNER' && k.scope === 'customers:read')!;
    const statement = await t.gql('{ myStatement(from: "2026-01-01", to: "2026-12-31") { currency } }', {}, { apiKey: partner.secret });
    expect(statement.body.errors?.map((e) => e.message)).toEqual(['`Query.myStatement` needs the API-key scope `finance:read` on a PARTNER key.']);
  });
});

describe('the schema documents access on every root field, from the permission map', () => {
  test('each Query and Mutation field ends with its access line', () => {
    for (const kind of ['Query', 'Mutation'] as const) {
      for (const field of roots(kind)) expect(`${kind}.${field.name}: ${field.description}`).toMatch(/\n\nAccess: .+\.$/);
    }
    const describe = (kind: string, name: string) => (schema.getType(kind) as GraphQLObjectType).getFields()[name].description!.split('\n\nAccess: ')[1];
    expect(describe('Query', 'cases')).toBe('users with one of the roles ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP, PARTNER; API keys with the scope `cases:read` or `cases:write` on a PARTNER key.');
    expect(describe('Query', 'salesFunnel')).toBe('users with one of the roles ADMIN, SALES_MANAGER, SALES_REP, FINANCE, ANALYST; not API keys.');
    expect(describe('Mutation', 'login')).toBe('anyone, also without signing in.');
  });
});

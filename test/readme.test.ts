import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema, getIntrospectionQuery, parse, print, validate, type DocumentNode, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { ok, startTestApp, type Caller as HttpCaller, type TestApp } from './helpers';
import {
  brokenPromises, findField, isEmpty, namedType, operationsOf, parseAnnotation, readExamples, resolveTime, valueAt, type Caller, type Example,
} from './support/readme-examples';

/**
 * The README is a tested contract: every ```graphql block is parsed, validated against the schema the app
 * serves (introspected over HTTP) and run, in README order, on one database holding exactly the demo data
 * of `npm start`, as the caller named in the annotation above it (grammar: test/support/readme-examples.ts).
 * A block fails on a GraphQL error, a payload error, or an empty result where it promises data. Ids come
 * from lookup queries at run time (they are generated), and a lookup runs right before its block, so an
 * earlier example changing data (a mutation) cannot break a later one.
 */

const README = join(__dirname, '..', 'README.md');
const examples = readExamples(readFileSync(README, 'utf8'));

let t: TestApp;
let schema: GraphQLSchema;
/** The time the demo was seeded: `<today>` and `<now>` mean this, so a run across midnight still finds "today's" data. */
let seededAt: Date;
const keys = new Map<string, string>();

beforeAll(async () => {
  seededAt = new Date();
  t = await startTestApp({ fullDemo: true });
  const introspection = ok(await t.gql(getIntrospectionQuery(), {}, 'ADMIN')) as IntrospectionQuery;
  schema = buildClientSchema(introspection);
});

afterAll(async () => {
  await t?.close();
});

/** An API key made for the run (one per role and scopes), by the demo admin. */
async function apiKey(role: 'INTEGRATION' | 'PARTNER', scopes: string[]): Promise<string> {
  const name = `${role} ${scopes.join(' ')}`;
  if (!keys.has(name)) {
    const [partner] = await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`);
    const data = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { code field message } } }`, {
      input: { name: `README ${name}`, role, scopes, ...(role === 'PARTNER' ? { partnerCustomerId: partner.id } : {}) },
    }, 'ADMIN'));
    if (!data.createApiKey.secret) throw new Error(`could not create the ${name} key: ${JSON.stringify(data.createApiKey.errors)}`);
    keys.set(name, data.createApiKey.secret);
  }
  return keys.get(name)!;
}

async function send(caller: Caller, query: string, variables: Record<string, unknown>) {
  let as: 'ADMIN' | HttpCaller | null = null;
  if (caller.kind === 'user') as = caller.who as 'ADMIN';
  if (caller.kind === 'key') as = { apiKey: await apiKey(caller.role, caller.scopes) };
  return t.gql(query, variables, as);
}

/** Parses a block; a bare selection (`customers(…) { … }`) is read as a selection on Query. */
function parseBlock(example: Example): DocumentNode {
  try {
    return parse(example.source);
  } catch (e) {
    if (!example.annotation?.notRun) throw e;
    return parse(`{ ${example.source} }`);
  }
}

function describeCaller(c: Caller | null): string {
  if (!c) return 'not run';
  if (c.kind === 'anonymous') return 'anonymous';
  if (c.kind === 'user') return c.who;
  return `${c.role} key with ${c.scopes.join(', ')}`;
}

async function runExample(example: Example): Promise<void> {
  const where = `README.md line ${example.line}`;
  if (!example.annotation) throw new Error(`${where}: ${example.annotationError}`);
  const a = example.annotation;
  const doc = parseBlock(example);
  const invalid = validate(schema, doc);
  if (invalid.length) throw new Error(`${where}: invalid against the served schema:\n${invalid.map((e) => `  ${e.message}`).join('\n')}`);
  if (!a.run) return;

  // Lookups first (ids are generated), then each operation with the variables it declares.
  const found: Record<string, unknown>[] = [];
  for (const lookup of a.lookups) {
    const res = await send(lookup.as ?? a.run, lookup.query, {});
    if (res.status !== 200 || res.body.errors) throw new Error(`${where}: the lookup failed: ${JSON.stringify(res.body.errors ?? res.body)}\n  ${lookup.query}`);
    found.push(res.body.data);
  }
  const checked = new Set<string>();
  for (const operation of operationsOf(doc)) {
    const name = operation.name?.value ?? '(anonymous operation)';
    const variables: Record<string, unknown> = {};
    for (const def of operation.variableDefinitions ?? []) {
      const v = def.variable.name.value;
      let value = Object.hasOwn(a.variables, v) ? a.variables[v] : undefined;
      for (const data of found) if (value === undefined) value = findField(data, v);
      if (value === undefined) {
        if (def.type.kind === 'NonNullType') throw new Error(`${where}, ${name}: no value for $${v}: give it in "variables:" or alias a field ${v} in "variables from"`);
        continue;
      }
      variables[v] = resolveTime(value, namedType(def.type), seededAt);
    }
    const single = operationsOf(doc).length === 1;
    const query = single ? example.source : print({ ...doc, definitions: doc.definitions.filter((d) => d === operation || d.kind !== 'OperationDefinition') });
    const res = await send(a.run, query, variables);
    if (res.status !== 200 || res.body.errors) {
      throw new Error(`${where}, ${name} as ${describeCaller(a.run)} with ${JSON.stringify(variables)}: ${res.status} ${JSON.stringify(res.body.errors ?? res.body)}`);
    }
    // In a block of several operations, each expectation belongs to the operation with its root field.
    const mine = a.expect.filter((p) => Object.hasOwn(res.body.data, p.split('.')[0]));
    mine.forEach((p) => checked.add(p));
    const problems = brokenPromises(operation, res.body.data, mine);
    if (problems.length) throw new Error(`${where}, ${name} as ${describeCaller(a.run)} with ${JSON.stringify(variables)}:\n  ${problems.join('\n  ')}`);
  }
  const unmatched = a.expect.filter((p) => !checked.has(p));
  if (unmatched.length) throw new Error(`${where}: "expect" names no root field of the block: ${unmatched.join(', ')}`);
}

describe('README examples', () => {
  it('has graphql examples, each annotated', () => {
    expect(examples.length).toBeGreaterThan(20);
    const unannotated = examples.filter((e) => !e.annotation).map((e) => `line ${e.line}: ${e.annotationError}`);
    expect(unannotated).toEqual([]);
  });

  for (const example of examples) {
    const ops = (() => {
      try {
        return operationsOf(parse(example.source)).map((o) => o.name?.value ?? o.operation).join(' + ');
      } catch {
        return 'selection';
      }
    })();
    it(`line ${example.line}: ${ops} (${describeCaller(example.annotation?.run ?? null)})`, () => runExample(example));
  }
});

describe('README annotations', () => {
  it('reads callers, literal and looked-up variables, expectations and time placeholders', () => {
    const a = parseAnnotation('run as INTEGRATION key with tasks:read, orders:write; variables: {"from": "<today-1d>", "n": 2}; '
      + 'variables from { customers(first: 1) { edges { node { customerId: id } } } } as SERVICE_AGENT; expect: a.b, c');
    expect(a.run).toEqual({ kind: 'key', role: 'INTEGRATION', scopes: ['tasks:read', 'orders:write'] });
    expect(a.variables).toEqual({ from: '<today-1d>', n: 2 });
    expect(a.lookups).toEqual([{ query: '{ customers(first: 1) { edges { node { customerId: id } } } }', as: { kind: 'user', who: 'SERVICE_AGENT' } }]);
    expect(a.expect).toEqual(['a.b', 'c']);
    const now = new Date('2026-03-02T09:30:00.000Z');
    expect(resolveTime('<today-1d>', 'DateTime', now)).toBe('2026-03-01T00:00:00.000Z');
    expect(resolveTime('<today+1d>', 'LocalDate', now)).toBe('2026-03-03');
    expect(resolveTime('<now-2h>', 'DateTime', now)).toBe('2026-03-02T07:30:00.000Z');
    expect(resolveTime('plain', 'DateTime', now)).toBe('plain');
    expect(() => parseAnnotation('run as SALES_PERSON')).toThrow(/unknown caller/);
    expect(() => parseAnnotation('variables: {}')).toThrow(/say who runs it/);
    expect(() => parseAnnotation('run as ADMIN; variables: {oops}')).toThrow(/not JSON/);
  });

  it('finds looked-up values by field name and checks promises', () => {
    const data = { customers: { edges: [{ node: { customerId: 'cus_1', contacts: { edges: [{ node: { id: 'con_1' } }] } } }, { node: { customerId: 'cus_2' } }] } };
    expect(findField(data, 'customerId')).toBe('cus_1');
    expect(findField(data, 'id')).toBe('con_1');
    expect(findField(data, 'missing')).toBeUndefined();
    expect(valueAt(data, 'customers.edges.node.customerId')).toBe('cus_1');
    expect([null, [], { edges: [] }, 0, ''].every(isEmpty)).toBe(true);
    expect([{ edges: [1] }, [1], 'x', 1, {}].some(isEmpty)).toBe(false);
    const query = operationsOf(parse('{ a b }'))[0];
    expect(brokenPromises(query, { a: { edges: [] }, b: [1] }, [])).toEqual(['a is empty ({"edges":[]})']);
    const mutation = operationsOf(parse('mutation { m { x errors { code } } }'))[0];
    expect(brokenPromises(mutation, { m: { x: null, errors: [{ code: 'VALIDATION' }] } }, [])).toHaveLength(2);
  });
});

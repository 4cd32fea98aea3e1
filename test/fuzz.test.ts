/**
 * Hostile input never reaches a 500. Generated from the served schema: every query and mutation field
 * is called with valid-looking arguments, and with one hostile shape at a time in one argument or
 * input field (NUL, lone surrogates, year 0000, 5,000-deep filters, 3,000-deep JSON, 60 invalid list
 * items, 101 `__typename` aliases, huge strings and numbers, …), as ADMIN and for a sample anonymously.
 * Any HTTP 5xx, INTERNAL_SERVER_ERROR or SQL in a message fails the test.
 *
 * A seeded sample per run keeps it within the suite's budget; the seed is printed. Environment:
 * FUZZ_SEED=<seed> repeats a run; FUZZ_CASES=<n> hostile cases per field (default 3); FUZZ_BUDGET_MS no
 * case starts after this long (default 20,000; at least 200 cases run, on a busy machine too);
 * FUZZ_ALL=1 every shape in every slot (minutes: for hunting, not for CI); FUZZ_VERBOSE=1 prints the
 * answers to the valid calls.
 */
import { buildClientSchema, getIntrospectionQuery, type GraphQLField, type GraphQLSchema } from 'graphql';
import request from 'supertest';
import { prng } from '../src/db/seed';
import { seedFinance } from '../src/db/seed-finance';
import { seedSales } from '../src/db/seed-sales';
import { seedService } from '../src/db/seed-service';
import { ok, startTestApp, type TestApp } from './helpers';
import { buildRequest, harvestIds, rng, setAt, shapesFor, slots, validValue, type FuzzData, type Shape, type Slot } from './support/fuzz-requests';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ALL = process.env.FUZZ_ALL === '1';
const CASES_PER_FIELD = Number(process.env.FUZZ_CASES ?? 3);
/** No case starts after this long (the suite's time budget), once MIN_CASES have run (on a busy machine too). */
const BUDGET_MS = ALL ? Infinity : Number(process.env.FUZZ_BUDGET_MS ?? 20_000);
const MIN_CASES = 200;

/** SQL or driver wording in an error message means a database error leaked through. */
const SQL_LEAK = /\binsert into\b|\bselect\b[^.]{0,200}\bfrom\b|\bviolates\b.*\bconstraint\b|\brelation "|\$\d+\b|\bsyntax error at or near\b/i;

let t: TestApp;
let schema: GraphQLSchema;
let data: FuzzData;

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
  t = await startTestApp({ customers: 12 });
  // The whole demo (orders, contracts, cases, …), so ids in arguments point at records that exist.
  await t.db.orm.em.fork().transactional(async (em) => {
    await seedSales(em as any, prng(43));
    await seedFinance(em as any);
    await seedService(em as any);
  });
  schema = buildClientSchema(ok(await t.gql(getIntrospectionQuery(), {}, 'ADMIN')));
  data = await loadData();
}, 180_000); // app, demo data and introspection: slow on a busy machine
afterAll(async () => { await t?.close(); });

async function loadData(): Promise<FuzzData> {
  const tables = await t.sql<{ table_name: string }>(
    `select table_name from information_schema.columns where column_name = 'id' and data_type = 'text' and table_schema = current_schema()`);
  const ids: Record<string, string[]> = {};
  for (const { table_name: table } of tables) {
    // Never the admin: a case that deactivates or edits "the user" must not lock the fuzzing caller out.
    const where = table === 'app_user' ? ` where email <> 'admin@demo.crm'` : '';
    for (const { id } of await t.sql<{ id: string }>(`select id from "${table}"${where} limit 3`)) {
      const prefix = id.slice(0, id.indexOf('_'));
      (ids[prefix] ??= []).push(id);
    }
  }
  const [{ sku }] = await t.sql<{ sku: string }>('select sku from product limit 1');
  const [{ service_tag: serviceTag }] = await t.sql<{ service_tag: string }>('select service_tag from asset limit 1');
  return { ids, sku, serviceTag };
}

interface Case {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  slot?: Slot;
  shape?: Shape;
  literal?: boolean;
  aliases?: boolean;
  anonymous?: boolean;
}

const describeCase = (c: Case) => `${c.kind} ${c.field.name}${c.slot ? ` ${c.slot.path.join('.')} = ${c.shape!.name}` : ' (valid arguments)'}`
  + `${c.literal ? ' [literal]' : ''}${c.aliases ? ' [101 __typename aliases]' : ''}${c.anonymous ? ' [anonymous]' : ''}`;

/** Every field once with valid arguments, and a seeded sample (or all) of slot × shape. */
function plan(r: ReturnType<typeof rng>): Case[] {
  const cases: Case[] = [];
  const hostile: Case[] = [];
  for (const kind of ['query', 'mutation'] as const) {
    const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      cases.push({ kind, field });
      const all = slots(field).flatMap((slot) => shapesFor(slot).map((shape) => ({ kind, field, slot, shape })));
      const chosen = ALL ? all : r.shuffle(all).slice(0, CASES_PER_FIELD);
      for (const c of chosen) hostile.push({ ...c, literal: r.next() < 0.25, anonymous: r.next() < 0.1 });
      if (r.next() < 0.1 || ALL) hostile.push({ kind, field, aliases: true });
    }
  }
  // Shuffled, so that where the time budget cuts the run, fields, shapes and valid calls are sampled alike.
  return r.shuffle([...cases, ...hostile]);
}

async function send(c: Case, r: ReturnType<typeof rng>, token: string) {
  const args: Record<string, unknown> = {};
  for (const arg of c.field.args) {
    if (arg.type.toString().endsWith('!') && arg.defaultValue === undefined) args[arg.name] = validValue(arg.type, arg.name, c.field.name, data, r);
  }
  if (c.slot) setAt(args, c.slot, c.shape!.value, c.field, data, r);
  const { query, variables } = buildRequest(c.kind, c.field, args, { literal: c.literal, aliases: c.aliases });
  let req = request(t.app).post('/graphql').set('content-type', 'application/json');
  if (!c.anonymous) req = req.set('authorization', `Bearer ${token}`);
  const res = await req.send(`{"query":${JSON.stringify(query)},"variables":${variables}}`);
  return { res, query };
}

/** What is wrong with a response, if anything. */
function problem(res: request.Response): string | null {
  if (res.status >= 500) return `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
  for (const error of res.body?.errors ?? []) {
    if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') return `INTERNAL_SERVER_ERROR: ${error.message}`;
    if (SQL_LEAK.test(error.message)) return `SQL in an error message: ${error.message.slice(0, 300)}`;
  }
  for (const payload of Object.values<any>(res.body?.data ?? {})) {
    for (const error of payload?.errors ?? []) if (SQL_LEAK.test(error.message)) return `SQL in a payload error: ${error.message.slice(0, 300)}`;
  }
  return null;
}

test('no hostile input reaches a 500, as ADMIN or anonymously', async () => {
  const r = rng(SEED);
  const cases = plan(r);
  let token = await t.token('ADMIN');
  const failures: string[] = [];
  const [{ id: adminId }] = await t.sql<{ id: string }>(`select id from app_user where email = 'admin@demo.crm'`);
  const started = Date.now();
  const outcomes: Record<string, number> = {};
  let ran = 0;
  for (const c of cases) {
    if (ran >= MIN_CASES && Date.now() - started > BUDGET_MS) break;
    ran++;
    let { res, query } = await send(c, r, token);
    if (res.status === 401 && !c.anonymous && (await t.gql('{ me { id } }', {}, { token })).status === 401) {
      // Some case ended the session (none should): sign in again and retry once, but say so.
      failures.push(`${describeCase(c)}: the ADMIN session ended`);
      token = ok(await t.gql('mutation { login(input: { email: "admin@demo.crm", password: "demo1234" }) { token } }', {}, null)).login.token;
      ({ res, query } = await send(c, r, token));
    }
    const outcome = res.body?.errors?.[0]?.extensions?.code
      ?? (Object.values<any>(res.body?.data ?? {}).some((p) => p?.errors?.length) ? 'payload errors' : 'ok');
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (process.env.FUZZ_VERBOSE && !c.slot) console.log(describeCase(c), outcome, JSON.stringify(res.body).slice(0, 300));
    harvestIds(res.body?.data, data, adminId);
    const wrong = problem(res);
    if (wrong) failures.push(`${describeCase(c)}: ${wrong}\n    ${query.slice(0, 300)}`);
  }
  console.log(`fuzz seed ${SEED}: ${ran} of ${cases.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} failures; outcomes ${JSON.stringify(outcomes)}`);
  expect(failures).toEqual([]);
}, Math.min(BUDGET_MS, 3_500_000) + 100_000);

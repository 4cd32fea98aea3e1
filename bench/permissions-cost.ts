import type { Request } from 'express';
import { type DocumentNode, type ExecutionResult, type GraphQLSchema, execute, parse, validate } from 'graphql';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { applyPermissions } from '../src/auth';
import { signUserToken } from '../src/auth/jwt';
import { buildContext, type DomainWiring } from '../src/context';
import { DOMAINS } from '../src/domains';
import { buildBareSchema } from '../src/schema';
import type { LoginThrottle } from '../src/services/login-throttle';
import { setCursorSecret } from '../src/services/pagination';
import { intArg, parseArgs } from './args';
import { type Bench, fail, fmt, loadAverage, runMain, withBench } from './scenario';

/**
 * What the permission layer costs on a large read: the customers page (first: 100, with owner and contacts)
 * executed in this process with graphql's `execute` (no HTTP, no Apollo) against the app's schema with the
 * permission map applied (`applyPermissions`, as the server runs it) and against the bare schema
 * (`buildBareSchema`, no permission checks at all), as ADMIN and as SALES_REP. Each execution gets a fresh
 * request context from the app's `buildContext` (token check, principal, loaders), so the SQL is the same
 * on both schemas and the difference is the permission layer.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:permissions -- [--seconds S] [--rounds N] [--concurrency N] [--first N]
  --seconds      seconds per measurement (default 5)
  --rounds       rounds; each measures all four combinations, in rotated order (default 3)
  --concurrency  executions in flight at once, so the CPU is not idle while PostgreSQL answers (default 4)
  --first        customers on the page (default 100)`;

const query = (first: number) => `query CustomersPage {
  customers(first: ${first}) {
    edges { node {
      id name tier sector status annualRevenue
      owner { name }
      contacts(first: 10) { edges { node { id firstName lastName title emails { address } phones { number } } } }
    } }
  }
}`;

const ROLES = [{ role: 'ADMIN', email: 'admin@demo.crm' }, { role: 'SALES_REP', email: 'rep1@demo.crm' }] as const;
const VARIANTS = ['off', 'on'] as const;
type Variant = typeof VARIANTS[number];

interface Figures { rate: number; cpuMs: number; executions: number }

async function main() {
  const args = parseArgs(process.argv.slice(2), ['seconds', 'rounds', 'concurrency', 'first'], USAGE);
  const seconds = intArg(args, 'seconds', 5, 1, 120, USAGE);
  const rounds = intArg(args, 'rounds', 3, 1, 20, USAGE);
  const concurrency = intArg(args, 'concurrency', 4, 1, 64, USAGE);
  const first = intArg(args, 'first', 100, 1, 100, USAGE);

  await withBench('npm run bench:permissions', 0, 0, async (bench: Bench) => {
    const { config, db, pool } = bench;
    // What createApp sets up before the first request: the cursor secret and the domains' loaders and node lookups.
    setCursorSecret(config.jwtSecret);
    const wiring: DomainWiring = {
      loaderFactories: DOMAINS.flatMap((d) => d.loaders ?? []),
      nodeLoaders: new Map(DOMAINS.flatMap((d) => Object.entries(d.nodes ?? {}))),
    };
    // Two builds, so that applying the permissions cannot touch the bare schema's resolvers.
    const schemas: Record<Variant, GraphQLSchema> = { off: await buildBareSchema(), on: applyPermissions(await buildBareSchema()) };
    const document: DocumentNode = parse(query(first));
    for (const variant of VARIANTS) {
      const problems = validate(schemas[variant], document);
      if (problems.length) fail(`The query does not validate: ${problems.map((p) => p.message).join('; ')}`);
    }

    const callers = [];
    for (const { role, email } of ROLES) {
      const { rows: [user] } = await pool.query('select id, session_version from app_user where email = $1 and role = $2', [email, role]);
      if (!user) fail(`No ${role} ${email}: run \`npm run bench:seed\` against this database first.`);
      const { token } = await signUserToken(user.id, config.jwtSecret, 3600, user.session_version);
      // Only what buildContext and clientAddress read of a request; login (the throttle's one user) is not executed.
      const req = { headers: { authorization: `Bearer ${token}` }, ip: '127.0.0.1', socket: {} } as unknown as Request;
      callers.push({ role, run: (variant: Variant) => once(schemas[variant], req) });
    }

    async function once(schema: GraphQLSchema, req: Request): Promise<ExecutionResult> {
      const contextValue = await buildContext(req, db.orm.em.fork(), config, undefined as unknown as LoginThrottle, wiring);
      return execute({ schema, document, contextValue }) as Promise<ExecutionResult>;
    }

    // One execution each, checked: no errors, a full page, and the same data with and without the permission layer.
    for (const caller of callers) {
      const [off, on] = [await caller.run('off'), await caller.run('on')];
      for (const [variant, result] of [['off', off], ['on', on]] as const) {
        if (result.errors?.length) fail(`${caller.role}, permissions ${variant}: ${result.errors.map((e) => e.message).join('; ').slice(0, 500)}`);
      }
      const rows = (on.data as any).customers.edges.length as number;
      const contacts = (on.data as any).customers.edges.reduce((n: number, e: any) => n + e.node.contacts.edges.length, 0) as number;
      const same = isDeepStrictEqual(JSON.parse(JSON.stringify(off.data)), JSON.parse(JSON.stringify(on.data)));
      console.log(`  ${caller.role}: ${rows} customers, ${contacts} contacts per execution; same data with and without permissions: ${same ? 'yes' : 'NO (redaction differs)'}`);
      if (!rows) fail('The page is empty: seed the database first.');
    }

    /** `concurrency` loops executing for `seconds`; executions/s and this process's CPU ms per execution. */
    async function measure(run: () => Promise<ExecutionResult>): Promise<Figures> {
      let executions = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const deadline = started + seconds * 1000;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const result = await run();
          if (result.errors?.length) throw new Error(result.errors[0].message);
          executions += 1;
        }
      }));
      const elapsed = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      return { rate: executions / elapsed, cpuMs: (used.user + used.system) / 1000 / executions, executions };
    }

    console.log(`\nPermissions on vs off: customers(first: ${first}) with owner and up to 10 contacts, in-process execute()`);
    console.log(`  ${rounds} round(s) × 4 combinations × ${seconds} s, ${concurrency} executions in flight; load average before: ${loadAverage()}`);
    const combos = callers.flatMap((caller) => VARIANTS.map((variant) => ({ caller, variant })));
    const results = new Map(combos.map((c) => [`${c.caller.role}/${c.variant}`, [] as Figures[]]));
    for (let round = 0; round < rounds; round++) {
      const order = combos.map((_, i) => combos[(i + round) % combos.length]);
      for (const { caller, variant } of order) results.get(`${caller.role}/${variant}`)!.push(await measure(() => caller.run(variant)));
      console.log(`  round ${round + 1}: ${order.map(({ caller, variant }) => `${caller.role} ${variant} ${fmt(results.get(`${caller.role}/${variant}`)![round].rate, 1)}/s`).join(', ')} (load ${loadAverage()})`);
    }

    const median = (values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const summary: Record<string, unknown> = {};
    console.log('');
    for (const { role } of ROLES) {
      const [off, on] = VARIANTS.map((v) => results.get(`${role}/${v}`)!);
      const rate = { off: median(off.map((f) => f.rate)), on: median(on.map((f) => f.rate)) };
      const cpu = { off: median(off.map((f) => f.cpuMs)), on: median(on.map((f) => f.cpuMs)) };
      console.log(`  ${role.padEnd(9)}  off ${fmt(rate.off, 1)}/s (${cpu.off.toFixed(2)} ms CPU each)  on ${fmt(rate.on, 1)}/s (${cpu.on.toFixed(2)} ms CPU each)` +
        `  on/off: ${(rate.on / rate.off).toFixed(2)}× the executions/s, ${(cpu.on / cpu.off).toFixed(2)}× the CPU per execution`);
      summary[role] = { rateOff: +rate.off.toFixed(1), rateOn: +rate.on.toFixed(1), ratio: +(rate.on / rate.off).toFixed(3), cpuMsOff: +cpu.off.toFixed(3), cpuMsOn: +cpu.on.toFixed(3) };
    }
    console.log(JSON.stringify({ scenario: 'permissions-cost', first, seconds, rounds, concurrency, ...summary }));
  }, rounds * 4 * seconds + 60);
}

runMain(main);

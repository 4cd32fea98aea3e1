import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { seedDemo } from '../src/db/seed';
import { waitForImports } from '../src/services/import.service';
import { intArg, parseArgs } from './args';
import { postgresDelta, postgresSnapshot, ticksToMs } from './proc-cpu';
import { fail, fmt, loadAverage, postJson, runMain, withBench } from './scenario';

/**
 * Scenario "CSV import of customers" (issue 15): generates a CSV of N new customers (name, kind, tier, e-mail,
 * tags, an ERP reference), starts the API on 127.0.0.1, uploads the file to `importCsv` as a GraphQL multipart
 * request (as admin@demo.crm, through HTTP), polls `importJob(id)` until it is COMPLETED and prints the time
 * from the upload to the end, rows/s, and the progress seen while it ran. With `--update 1` a second upload of
 * the same file follows: every row then matches its customer by external ref and updates it.
 * Needs DATABASE_URL (PostgreSQL); target: 100,000 rows in under a minute.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:import -- [--rows N] [--update 0|1]
  --rows    customers in the file (default 100000)
  --update  1: import the same file a second time (all updates by external ref) (default 1)`;

function csvOf(rows: number, tag: string): string {
  const lines = ['name,kind,tier,industry,emails,tags,employeeCount,externalSystem,externalRef'];
  for (let i = 1; i <= rows; i++) {
    const kind = i % 5 === 0 ? 'INDIVIDUAL' : 'BUSINESS';
    lines.push(`Bench Import ${tag} ${i},${kind},${i % 3 === 0 ? 'TARGET' : ''},${kind === 'BUSINESS' ? 'Machinery' : ''},`
      + `imp-${tag}-${i}@bench.example,bench;import,${kind === 'BUSINESS' ? i % 300 : ''},bench,${tag}-${i}`);
  }
  return `${lines.join('\n')}\n`;
}

async function upload(url: string, token: string, csv: string): Promise<{ id: string; status: string }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({
    query: 'mutation($input: ImportCsvInput!) { importCsv(input: $input) { job { id status } errors { message } } }',
    variables: { input: { kind: 'CUSTOMERS', file: null } },
  }));
  form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.set('0', new Blob([csv], { type: 'text/csv' }), 'customers.csv');
  const res = await fetch(url, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
  const body = await res.json() as any;
  const payload = body.data?.importCsv;
  if (!payload?.job) fail(`Upload failed: ${JSON.stringify(body).slice(0, 500)}`);
  return payload.job;
}

async function run(url: string, token: string, csv: string, rows: number, label: string) {
  const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
  const cpuBefore = process.cpuUsage();
  const pgBefore = postgresSnapshot(database);
  const started = performance.now();
  const job = await upload(url, token, csv);
  const accepted = performance.now() - started;
  const progress: string[] = [];
  let done: any;
  for (;;) {
    const res = await postJson(url, { query: 'query($id: ID!) { importJob(id: $id) { status processed failed created updated startedAt finishedAt } }', variables: { id: job.id } }, token);
    done = res.data?.importJob;
    if (!done) fail(`importJob failed: ${JSON.stringify(res).slice(0, 500)}`);
    if (done.status === 'RUNNING' && progress.length < 5) progress.push(`${fmt(done.processed)} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (done.status === 'COMPLETED' || done.status === 'FAILED') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${fmt(rows)} rows, ${done.status}, created ${fmt(done.created)}, updated ${fmt(done.updated)}, failed ${fmt(done.failed)}`);
  console.log(`  upload accepted (file parsed, job QUEUED) after ${(accepted / 1000).toFixed(1)} s; progress seen while RUNNING: ${progress.join(', ') || '(none)'}`);
  console.log(`  total ${seconds.toFixed(1)} s from upload to COMPLETED = ${fmt(rows / seconds)} rows/s; load average now ${loadAverage()}`);
  const cpu = process.cpuUsage(cpuBefore);
  const nodeCpu = (cpu.user + cpu.system) / 1e6;
  // CPU of the PostgreSQL backends connected to the bench's database (bench/proc-cpu.ts, as bench:compare counts it).
  const pgCpu = ticksToMs(postgresDelta(pgBefore, postgresSnapshot(database)).ownDb) / 1000;
  console.log(`  CPU spent: Node ${nodeCpu.toFixed(1)} s (API and this client) + PostgreSQL backends ${pgCpu.toFixed(1)} s = ${(nodeCpu + pgCpu).toFixed(1)} s`);
  if (done.status !== 'COMPLETED' || done.failed) fail('The import did not complete cleanly.');
  return seconds;
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ['rows', 'update'], USAGE);
  const rows = intArg(args, 'rows', 100_000, 1, 500_000, USAGE);
  const update = intArg(args, 'update', 1, 0, 1, USAGE) === 1;
  // The watchdog allows half an hour: 100,000 rows take well under a minute here.
  await withBench('npm run bench:import', 0, 0, async ({ db, startApi }) => {
    await seedDemo(db.orm.em.fork());
    const { url, token } = await startApi();
    const [{ n }] = await db.orm.em.fork().getConnection().execute('select count(*)::int as n from customer');
    console.log(`CSV import bench: ${fmt(rows)} customers into a database of ${fmt(n)} customers; load average ${loadAverage()}`);
    const tag = randomBytes(3).toString('hex');
    const csv = csvOf(rows, tag);
    console.log(`file: ${(csv.length / 1024 / 1024).toFixed(1)} MB`);
    const rssBefore = process.memoryUsage().rss;
    await run(url, token, csv, rows, 'create');
    if (update) await run(url, token, csv.replace(/,Machinery,/g, ',Steel,'), rows, 'update by external ref');
    console.log(`RSS ${fmt(rssBefore / 1048576)} MB before, ${fmt(process.memoryUsage().rss / 1048576)} MB after (the file is held in memory while it is imported)`);
    await waitForImports();
  }, 1800);
});

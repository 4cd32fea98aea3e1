import 'reflect-metadata';
import { seedDemo } from '../src/db/seed';
import { intArg, parseArgs } from './args';
import { fail, fmt, loadAverage, postJson, runMain, withBench } from './scenario';

/**
 * Scenario "CSV export of every customer" (issue 15): starts the API on 127.0.0.1, signs in as admin@demo.crm
 * and downloads `GET /export/customers.csv` through HTTP, reading the stream as it comes (the client keeps
 * nothing). Prints rows, seconds, rows/s, and the process's RSS before, at its peak (sampled every 250 ms) and
 * after: with a streamed export the peak must not grow with the number of rows. `--limit-mb` fails the run when
 * the RSS grows by more than that. Needs DATABASE_URL with data from `npm run bench:seed`.
 */

const USAGE = `Usage: DATABASE_URL=postgres://… npm run bench:export -- [--list customers] [--limit-mb 200] [--seconds S]
  --list      the list to export (default customers)
  --limit-mb  fail when the RSS peak after the first 100,000 rows (warm-up) exceeds the warm-up's peak by more than this (default 100)
  --seconds   stop reading after S seconds (0: read to the end, the default) and report the rate so far`;

runMain(async () => {
  const args = parseArgs(process.argv.slice(2), ['list', 'limit-mb', 'seconds'], USAGE);
  const maxSeconds = intArg(args, 'seconds', 0, 0, 86_400, USAGE);
  const list = args.get('list') ?? 'customers';
  const limitMb = intArg(args, 'limit-mb', 100, 1, 100_000, USAGE);
  // The watchdog allows an hour: 1 M rows take about two minutes here.
  await withBench('npm run bench:export', 0, 0, async (bench) => {
    await seedDemo(bench.db.orm.em.fork());
    const { url, token } = await bench.startApi();
    const base = url.replace(/\/graphql$/, '');
    const count = await postJson(`${base}/graphql`, { query: `{ ${list}(first: 1) { totalCount } }` }, token);
    const expected = count.data?.[list]?.totalCount as number;
    console.log(`CSV export bench: /export/${list}.csv as ADMIN, ${fmt(expected)} rows expected; load average ${loadAverage()}`);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 250);
    const started = performance.now();
    const abort = new AbortController();
    const res = await fetch(`${base}/export/${list}.csv`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    let cut = false;
    if (maxSeconds) setTimeout(() => { cut = true; abort.abort(); }, maxSeconds * 1000).unref();
    if (res.status !== 200 || !res.body) fail(`HTTP ${res.status}: ${await res.text()}`);
    let lines = 0;
    let bytes = 0;
    const marks: string[] = [];
    const every = 50_000;
    // The RSS peak of the first 100,000 rows (warm-up: compiled code, pools, buffers, the GC's working size); after it, the peak must stay flat.
    let warm = rssBefore;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        if (lines >= (marks.length + 1) * every) {
          const rss = process.memoryUsage().rss;
          if (marks.length === 1) { warm = Math.max(peak, rss); peak = warm; }
          marks.push(`${fmt(lines)} rows ${fmt(rss / 1048576)} MB`);
        }
      }
    } catch (e) {
      if (!cut) throw e;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rssAfter = process.memoryUsage().rss;
    const rows = lines - 1; // the header
    console.log(`${fmt(rows)} rows, ${(bytes / 1048576).toFixed(1)} MB of CSV in ${seconds.toFixed(1)} s = ${fmt(rows / seconds)} rows/s`);
    console.log(`RSS: ${fmt(rssBefore / 1048576)} MB before, peak ${fmt(peak / 1048576)} MB, ${fmt(rssAfter / 1048576)} MB after`);
    console.log(`RSS along the way: ${marks.join(' | ')}`);
    if (cut) console.log(`stopped after ${maxSeconds} s (--seconds): ${fmt(rows)} of ${fmt(expected)} rows read`);
    else if (rows !== expected) fail(`Expected ${expected} rows (totalCount), got ${rows} (a value with a line break would count twice: none in the bench data).`);
    console.log(`RSS peak during the first 100,000 rows ${fmt(warm / 1048576)} MB; after them ${fmt(peak / 1048576)} MB (growth ${fmt((peak - warm) / 1048576)} MB)`);
    if ((peak - warm) / 1048576 > limitMb) fail(`RSS grew by more than ${limitMb} MB after the warm-up.`);
  }, 3600);
});

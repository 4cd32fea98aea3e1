import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgres } from './helpers';

/** The real process: `node src/server.ts` stops cleanly on SIGTERM and SIGINT, within seconds. */
let dataDir: string;
let pg: Awaited<ReturnType<typeof freshPostgres>> | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-signals-'));
  if (process.env.DATABASE_URL) pg = await freshPostgres(process.env.DATABASE_URL);
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await pg?.drop();
});

/** Starts the server on a free port (PORT=0) and learns the port from its 'CRM API ready' log line. */
function runServer() {
  const child = spawn(process.execPath, ['-r', join(__dirname, 'support/register-swc.js'), join(__dirname, '../src/server.ts')], {
    env: {
      ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', PORT: '0', DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'info',
      ...(pg ? { DATABASE_URL: pg.url } : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const ready = new Promise<number>((resolve, reject) => {
    const check = setInterval(() => {
      const port = /"url":"http:\/\/localhost:(\d+)\/graphql"[^\n]*CRM API ready/.exec(output)?.[1];
      if (port) { clearInterval(check); resolve(Number(port)); }
    }, 50);
    child.on('exit', () => { clearInterval(check); reject(new Error(`server exited early: ${output}`)); });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => output };
}

test.each(['SIGTERM', 'SIGINT'] as const)('%s: the process answers, then exits 0 after closing the database', async (signal) => {
  const server = runServer();
  const port = await server.ready;
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);
  const started = Date.now();
  server.child.kill(signal);
  const code = await server.exited;
  expect(code).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(server.output()).toContain('stopped cleanly');
  expect(server.output()).not.toContain('timed out');
});

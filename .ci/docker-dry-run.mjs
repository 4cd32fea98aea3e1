#!/usr/bin/env node
// The CI machine has a Docker client but no engine, so `docker build` cannot run here. This script does
// what the Dockerfile says without Docker, so a broken image is caught before anyone runs
// `docker compose up --build`:
//   1. every COPY source exists in the build context and is not excluded by .dockerignore;
//   2. each stage is laid out in its own temporary folder (WORKDIR) from exactly what it COPYs, and its
//      RUN steps run verbatim there (`/app` mapped to that folder): the build stage's `npm ci` and
//      `npm run build` prove the context is enough to build; the runtime stage's `npm ci --omit=dev` and
//      COPY --from prove the production layout;
//   3. the final stage's CMD starts with the Dockerfile's ENV (plus DATABASE_URL and JWT_SECRET, as
//      docker-compose.yml gives them), its HEALTHCHECK command must pass, docker-compose's create-admin
//      command must work, and SIGTERM must stop it with exit code 0.
// Usage: DATABASE_URL=postgres://… node .ci/docker-dry-run.mjs   (an empty database; it is migrated)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fail = (message) => {
  console.error(`docker dry run: ${message}`);
  process.exit(1);
};
if (!process.env.DATABASE_URL) fail('set DATABASE_URL to an empty PostgreSQL database');

// --- parse the Dockerfile (continuation lines joined, comments and the syntax line dropped)
const lines = readFileSync(join(root, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = [];
for (const line of lines) {
  const [, instruction, rest] = line.match(/^(\w+)\s+(.*)$/) ?? fail(`cannot read line: ${line}`);
  const op = instruction.toUpperCase();
  if (op === 'FROM') {
    const name = rest.match(/\sAS\s+(\S+)/i)?.[1] ?? `stage${stages.length}`;
    stages.push({ name, from: rest.split(/\s+/)[0], steps: [], env: {}, workdir: '/' });
  } else {
    if (!stages.length) fail(`${op} before FROM`);
    stages.at(-1).steps.push({ op, rest });
  }
}

// --- .dockerignore: the patterns used here are plain names/globs at the top level
const ignored = existsSync(join(root, '.dockerignore'))
  ? readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  : [];
const globToRegExp = (g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
const isIgnored = (path) => ignored.some((p) => globToRegExp(p.replace(/^\//, '')).test(path.replace(/^\.\//, '')));

// --- 1. every COPY source is in the context
const problems = [];
for (const stage of stages) {
  for (const { op, rest } of stage.steps) {
    if ((op !== 'COPY' && op !== 'ADD') || /--from=/.test(rest)) continue;
    const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const source of parts.slice(0, -1)) {
      if (!existsSync(join(root, source))) problems.push(`${stage.name}: COPY ${source}: not in the build context`);
      else if (isIgnored(source)) problems.push(`${stage.name}: COPY ${source}: excluded by .dockerignore`);
    }
  }
}
if (problems.length) fail(problems.join('\n'));
console.log('docker dry run: every COPY source exists in the build context');

// --- 2. lay out each stage and run its steps
const work = mkdtempSync(join(tmpdir(), 'docker-dry-run-'));
const dirs = {};
const hasUser = (user) => spawnSync('id', [user], { stdio: 'ignore' }).status === 0;
let finalCmd = null;
let healthcheck = null;
let server = null;
const cleanUp = () => {
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanUp);

for (const stage of stages) {
  const dir = join(work, stage.name);
  dirs[stage.name] = dir;
  const inStage = (path) => join(dir, path.startsWith('/app') ? path.slice(4) : path);
  for (const { op, rest } of stage.steps) {
    if (op === 'WORKDIR') {
      if (rest !== '/app') fail(`WORKDIR ${rest}: this dry run maps only /app`);
    } else if (op === 'ENV') {
      for (const [, k, v] of rest.matchAll(/(\w+)=(\S+)/g)) stage.env[k] = v;
    } else if (op === 'COPY' || op === 'ADD') {
      const from = rest.match(/--from=(\S+)/)?.[1];
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
      const target = parts.at(-1);
      for (const source of parts.slice(0, -1)) {
        const src = from ? join(dirs[from] ?? fail(`COPY --from=${from}: no such stage`), source.replace(/^\/app\/?/, '')) : join(root, source);
        if (!existsSync(src)) fail(`${stage.name}: COPY ${from ? `--from=${from} ` : ''}${source}: missing`);
        // Docker copies a directory's contents into the target, and a file into a target ending in '/'.
        const intoDir = target.endsWith('/') || target === '.';
        const dest = statSync(src).isDirectory() || !intoDir ? inStage(target) : join(inStage(target), source.split('/').at(-1));
        cpSync(src, dest, { recursive: true });
      }
    } else if (op === 'RUN') {
      let command = rest.replace(/\/app\b/g, dir);
      // The image's `node` user exists only inside node:*-slim; here the folder stays ours.
      if (!hasUser('node')) command = command.replace(/&&\s*chown\s+node:node\s+\S+/g, '');
      // Cleaning npm's cache only shrinks the image layer; here it would empty the machine's cache.
      command = command.replace(/&&\s*npm cache clean --force/g, '');
      console.log(`docker dry run: [${stage.name}] RUN ${command}`);
      const run = spawnSync('bash', ['-c', command], { cwd: dir, stdio: 'inherit', env: { ...process.env, ...stage.env } });
      if (run.status !== 0) fail(`${stage.name}: RUN ${rest}: exit ${run.status}`);
    } else if (op === 'CMD') {
      finalCmd = JSON.parse(rest);
    } else if (op === 'HEALTHCHECK') {
      healthcheck = rest.match(/CMD\s+(.*)$/)?.[1];
    }
  }
}

// --- 3. start the final stage as docker-compose would
const last = stages.at(-1);
const dir = dirs[last.name];
if (!finalCmd) fail('no CMD in the final stage');
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  ...last.env,
  DATA_DIR: join(dir, '.data'),
  PORT: String(4400 + Math.floor(Math.random() * 500)),
  DATABASE_URL: process.env.DATABASE_URL,
  JWT_SECRET: 'docker-dry-run-secret-of-at-least-32-characters',
  LOG_LEVEL: 'warn',
};
const sh = (command, extra = {}) => spawnSync('bash', ['-c', command], { cwd: dir, env: { ...env, ...extra }, stdio: 'inherit' }).status;

server = spawn(finalCmd[0], finalCmd.slice(1), { cwd: dir, env, stdio: 'inherit' });
const exited = new Promise((res) => server.on('exit', (code, signal) => res({ code, signal })));
let healthy = false;
for (let i = 0; i < 60 && !healthy; i++) {
  await new Promise((r) => setTimeout(r, 500));
  healthy = (await fetch(`http://127.0.0.1:${env.PORT}/health`).then((r) => r.ok).catch(() => false));
}
if (!healthy) fail(`\`${finalCmd.join(' ')}\` did not become healthy within 30 s`);
console.log(`docker dry run: \`${finalCmd.join(' ')}\` is healthy on the production layout`);
if (healthcheck && sh(healthcheck) !== 0) fail(`HEALTHCHECK ${healthcheck} failed`);
if (sh('node dist/src/db/cli.js create-admin dry-run@example.com "Dry Run"', { ADMIN_PASSWORD: 'a-long-enough-password' }) !== 0) fail('create-admin failed');
const login = await fetch(`http://127.0.0.1:${env.PORT}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: 'mutation { login(input: { email: "dry-run@example.com", password: "a-long-enough-password" }) { user { role } } }' }),
}).then((r) => r.json());
if (login?.data?.login?.user?.role !== 'ADMIN') fail(`login as the created admin failed: ${JSON.stringify(login)}`);
server.kill('SIGTERM');
const { code, signal } = await exited;
server = null;
if (code !== 0) fail(`SIGTERM: exit code ${code} (signal ${signal})`);
console.log('docker dry run: migrated, healthy, admin created and signed in, stopped cleanly on SIGTERM');

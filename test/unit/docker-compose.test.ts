/**
 * docker-compose.yml cannot be run here (no Docker engine; .ci/docker-dry-run.mjs checks the Dockerfile):
 * this parses it and holds it to what the README's "Scaling out" says, and checks that the files it
 * mounts from deploy/ exist and agree with it.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { profiles?: string[]; image?: string; build?: string; environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>; volumes?: string[]; entrypoint?: string[]; command?: string; ports?: string[] }>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const inProfile = (profile: string | null) => Object.keys(services).filter((name) =>
  (profile === null ? !services[name].profiles : services[name].profiles?.includes(profile))).sort();
const host = (url: string) => new URL(url).hostname;

test('the default services are still db and api, and depend on nothing of a profile', () => {
  expect(inProfile(null)).toEqual(['api', 'db']);
  expect(services.api.environment).toMatchObject({ NODE_ENV: 'production', PORT: 4000 });
  expect(host(services.api.environment!.DATABASE_URL)).toBe('db');
  expect(services.api.ports).toEqual(['4000:4000']);
  for (const name of inProfile(null)) expect(Object.keys(services[name].depends_on ?? {}).every((d) => !services[d].profiles)).toBe(true);
});

test('profile scale: a streaming replica, Redis, two API instances on primary + replica + Redis with one JWT_SECRET, a proxy', () => {
  expect(inProfile('scale')).toEqual(['api-a', 'api-b', 'db-replica', 'proxy', 'redis']);
  for (const name of ['api-a', 'api-b']) {
    const env = services[name].environment!;
    expect(services[name].build).toBe('.');
    expect(host(env.DATABASE_URL)).toBe('db');
    expect(host(env.DATABASE_READ_URL)).toBe('db-replica');
    expect(host(env.REDIS_URL)).toBe('redis');
    expect(env.JWT_SECRET).toBe(services.api.environment!.JWT_SECRET);
    expect(env.TRUST_PROXY).toBe('1');
    // The api service migrates first; the instances start once it, the replica and Redis are healthy.
    expect(services[name].depends_on).toEqual({
      api: { condition: 'service_healthy' }, 'db-replica': { condition: 'service_healthy' }, redis: { condition: 'service_healthy' },
    });
  }
  expect(services['db-replica'].image).toBe(services.db.image);
  expect(services.redis.image).toMatch(/^redis:/);
  expect(services.proxy.image).toMatch(/^nginx:/);
  expect(services.proxy.depends_on).toEqual({ 'api-a': { condition: 'service_healthy' }, 'api-b': { condition: 'service_healthy' } });
  expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'pgreplica']);
});

test('every file mounted from the repository exists; the replica script is executable and uses pg_basebackup -R', () => {
  const mounts = Object.values(services).flatMap((s) => s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]);
  expect(mounts.length).toBeGreaterThanOrEqual(3);
  for (const file of mounts) expect(existsSync(join(root, file))).toBe(true);
  const script = join(root, 'deploy/postgres/replica-entrypoint.sh');
  accessSync(script, constants.X_OK);
  expect(services['db-replica'].entrypoint).toEqual(['/deploy/replica-entrypoint.sh']);
  expect(readFileSync(script, 'utf8')).toMatch(/pg_basebackup[\s\S]*-X stream -R/);
  // The primary allows replication connections through the committed pg_hba.conf.
  expect(services.db.command).toMatch(/wal_level=replica/);
  expect(services.db.command).toMatch(/hba_file=\/etc\/postgresql\/pg_hba\.conf/);
  expect(readFileSync(join(root, 'deploy/postgres/pg_hba.conf'), 'utf8')).toMatch(/^host\s+replication\s+all\s+all\s+scram-sha-256$/m);
});

test('the proxy balances exactly the scaled API instances, on their port', () => {
  const conf = readFileSync(join(root, 'deploy/nginx/nginx.conf'), 'utf8');
  const upstream = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
  expect(upstream).toEqual(['api-a:4000', 'api-b:4000']);
  for (const name of ['api-a', 'api-b']) expect(services[name].environment!.PORT).toBe(4000);
  expect(conf).toMatch(/proxy_pass http:\/\/crm_api;/);
  expect(services.proxy.ports).toEqual(['8080:80']);
});

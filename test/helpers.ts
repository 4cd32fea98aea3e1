import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { createApp, type App } from '../src/app';
import type { Config } from '../src/config';
import type { Database } from '../src/db/orm';
import { queryCounter } from '../src/db/query-counter';
import { createLogger } from '../src/logger';
import { seededDatabase, type SeedOptions } from './support/seeded-database';
import { profile } from './support/profile';

profile.mark('modules');

/** Demo users by role (all with password demo1234). */
export const USERS = {
  ADMIN: 'admin@demo.crm',
  SALES_MANAGER: 'manager@demo.crm',
  SALES_REP: 'rep1@demo.crm',
  SALES_REP_2: 'rep2@demo.crm',
  SERVICE_AGENT: 'service@demo.crm',
  MARKETING: 'marketing@demo.crm',
  FINANCE: 'finance@demo.crm',
  ANALYST: 'analyst@demo.crm',
  PARTNER: 'partner@demo.crm',
} as const;
export type Who = keyof typeof USERS;

export interface GqlResult {
  status: number;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[] };
  headers: Record<string, string>;
}

export interface Caller {
  token?: string;
  apiKey?: string;
}

export interface TestApp {
  app: App['app'];
  /** Subscriptions over WebSocket: attach them to a listening server (`t.app.listen(0)`) to use them. */
  live: App['live'];
  config: Config;
  db: Database;
  /** POST a GraphQL operation as a caller (a role name, a token/api key, or anonymous). */
  gql(query: string, variables?: Record<string, unknown>, as?: Who | Caller | null): Promise<GqlResult>;
  /** A bearer token for a demo user (signed in once, then cached). */
  token(who: Who): Promise<string>;
  /** Runs `fn` and returns how many SQL statements it sent. */
  countQueries(fn: () => Promise<unknown>): Promise<number>;
  /** Raw SQL against the test database (for fixtures and assertions). */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * Raw SQL with `$1…$n` parameters, sent as a `pg` client sends it (arrays as array parameters), on one
   * of the app's own connections: the `RawQuery` of the bench scenarios. Not counted by `countQueries`.
   */
  query(text: string, params?: unknown[]): Promise<Record<string, any>[]>;
  close(): Promise<void>;
}

export async function freshPostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `crm_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  return {
    url: testUrl.toString(),
    drop: async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A real app on a real, empty database: PostgreSQL (a new database per test file) when DATABASE_URL
 * is set, else an in-memory embedded database. Migrated and seeded with the demo users and a small
 * deterministic set of customers; with `fullDemo`, the demo data of `npm start` instead.
 */
export async function startTestApp(opts: SeedOptions = {}): Promise<TestApp> {
  profile.mark('before startTestApp');
  const { config, db, drop } = await seededDatabase(opts);
  profile.mark('database');
  let created: App;
  try {
    created = await createApp(config, db, createLogger('silent'));
    profile.mark('createApp');
  } catch (error) {
    // Leave nothing open, or Jest waits forever for the database.
    await db.close();
    await drop();
    throw error;
  }
  const { app, live, stop } = created;
  const tokens = new Map<Who, string>();

  const post = (query: string, variables: Record<string, unknown> | undefined, caller: Caller) => {
    let req = request(app).post('/graphql').set('content-type', 'application/json');
    if (caller.token) req = req.set('authorization', `Bearer ${caller.token}`);
    if (caller.apiKey) req = req.set('x-api-key', caller.apiKey);
    return req.send({ query, variables });
  };

  const token = async (who: Who) => {
    if (!tokens.has(who)) {
      const res = await post('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email: USERS[who], password: 'demo1234' } }, {});
      if (!res.body.data?.login) throw new Error(`login failed for ${who}: ${JSON.stringify(res.body)}`);
      tokens.set(who, res.body.data.login.token);
    }
    return tokens.get(who)!;
  };

  return {
    app, live, config, db, token,
    async gql(query, variables, as) {
      const caller: Caller = typeof as === 'string' ? { token: await token(as) } : as ?? {};
      const res = await post(query, variables, caller);
      return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
    },
    async countQueries(fn) {
      queryCounter.reset();
      await fn();
      return queryCounter.count;
    },
    async sql(text, params = []) {
      return db.orm.em.fork().getConnection().execute(text, params as any[], 'all');
    },
    async query(text, params = []) {
      // The driver's own connection (pg's Client or the PGlite instance): both take `$n` and return `{ rows }`.
      const client = db.orm.em.getConnection().getKnex().client;
      const connection = await client.acquireConnection();
      try {
        return (await connection.query(text, params)).rows;
      } finally {
        await client.releaseConnection(connection);
      }
    },
    async close() {
      profile.mark('tests');
      await stop();
      await db.close();
      await drop();
      profile.write();
    },
  };
}

/** The data of a response that must have no GraphQL errors; throws with the errors otherwise. */
export function ok(res: GqlResult): any {
  if (res.status !== 200 || res.body.errors) throw new Error(`unexpected response ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  return res.body.data;
}

/** The error codes of a response, in order. */
export const codes = (res: GqlResult) => (res.body.errors ?? []).map((e) => e.extensions?.code);

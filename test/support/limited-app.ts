import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { GqlResult, TestApp } from '../helpers';

export const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token user { email } } }';

/** Another instance of the API on the test app's database, with its own limits (and its own key prefix unless given). */
export interface LimitedApp {
  config: Config;
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult>;
  login(email: string, password: string, headers?: Record<string, string>): Promise<GqlResult>;
  stop(): Promise<void>;
}

/** A key prefix no other run shares (counters in PostgreSQL or Redis outlive a test). */
export const uniquePrefix = () => `test-${randomBytes(6).toString('hex')}`;

export async function limitedApp(t: TestApp, overrides: Partial<Config>): Promise<LimitedApp> {
  const config: Config = { ...t.config, RATE_LIMIT_PREFIX: uniquePrefix(), ...overrides };
  const created = await createApp(config, t.db, createLogger('silent'));
  const post: LimitedApp['post'] = async (query, variables, headers = {}) => {
    let req = request(created.app).post('/graphql').set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    const res = await req.send({ query, variables });
    return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
  };
  return {
    config,
    post,
    login: (email, password, headers) => post(LOGIN, { i: { email, password } }, headers),
    stop: () => created.stop(),
  };
}

/** The parts of a refused response a caller could compare (so real and unknown e-mails can be told apart by nothing). */
export const shape = (res: GqlResult) => ({
  status: res.status,
  retryAfterHeader: res.headers['retry-after'] ?? null,
  errors: (res.body.errors ?? []).map((e) => ({ message: e.message, code: e.extensions?.code, retryAfter: e.extensions?.retryAfter ?? null })),
  data: res.body.data?.login ?? null,
});

import { codes, ok, startTestApp, type Caller, type TestApp } from './helpers';

/**
 * Issue 9 item 9, through HTTP: `viewer` says who is calling — a user (kind, role, the user as `me`)
 * or an API key (name, prefix, role, scopes, expiry, partner account) — and null for anonymous callers;
 * bad credentials still fail the whole request with 401; `me` stays for users only.
 */

let t: TestApp;
let partnerCustomerId: string;
const VIEWER = `{ viewer { kind id role partnerAccountId partnerAccount { id name }
  user { id email role } apiKey { id name prefix scopes createdAt expiresAt } } }`;

async function createKey(input: Record<string, unknown>) {
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id prefix } secret errors { field message } } }`,
    { input }, 'ADMIN')).createApiKey;
  expect(made.errors).toEqual([]);
  return { id: made.apiKey.id as string, prefix: made.apiKey.prefix as string, caller: { apiKey: made.secret } as Caller };
}

beforeAll(async () => {
  t = await startTestApp({ customers: 4 });
  partnerCustomerId = (await t.sql<{ id: string }>(`select partner_customer_id as id from app_user where email = 'partner@demo.crm'`))[0].id;
});
afterAll(async () => { await t.close(); });

describe('viewer', () => {
  it('is null for an anonymous caller, without an error', async () => {
    const res = await t.gql(VIEWER, {}, null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { viewer: null } });
  });

  it('describes a signed-in user as `me` does', async () => {
    const v = ok(await t.gql(VIEWER, {}, 'SALES_REP')).viewer;
    const me = ok(await t.gql('{ me { id email role } }', {}, 'SALES_REP')).me;
    expect(v).toEqual({ kind: 'USER', id: me.id, role: 'SALES_REP', partnerAccountId: null, partnerAccount: null, user: me, apiKey: null });
    expect(me.email).toBe('rep1@demo.crm');
    const partner = ok(await t.gql(VIEWER, {}, 'PARTNER')).viewer;
    expect(partner).toMatchObject({ kind: 'USER', role: 'PARTNER', partnerAccountId: partnerCustomerId, partnerAccount: { id: partnerCustomerId }, apiKey: null });
    expect(partner.partnerAccount.name).toEqual(expect.any(String));
  });

  it('describes an INTEGRATION key: name, prefix, role, scopes and expiry; `me` stays UNAUTHENTICATED for it', async () => {
    const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString();
    const key = await createKey({ name: 'Web shop EU', role: 'INTEGRATION', scopes: ['orders:write', 'products:read'], expiresAt });
    const v = ok(await t.gql(VIEWER, {}, key.caller)).viewer;
    expect(v).toMatchObject({
      kind: 'API_KEY', id: key.id, role: 'INTEGRATION', partnerAccountId: null, partnerAccount: null, user: null,
      apiKey: { id: key.id, name: 'Web shop EU', prefix: key.prefix, scopes: ['orders:write', 'products:read'], expiresAt },
    });
    expect(Date.parse(v.apiKey.createdAt)).toBeLessThanOrEqual(Date.now());
    const me = await t.gql('{ me { id } }', {}, key.caller);
    expect(codes(me)).toEqual(['UNAUTHENTICATED']);
  });

  it('describes a PARTNER key with its partner account, and a key without expiry', async () => {
    const key = await createKey({ name: 'Dealer system', role: 'PARTNER', scopes: ['orders:write', 'customers:read'], partnerCustomerId });
    const v = ok(await t.gql(VIEWER, {}, key.caller)).viewer;
    expect(v).toMatchObject({
      kind: 'API_KEY', role: 'PARTNER', partnerAccountId: partnerCustomerId, partnerAccount: { id: partnerCustomerId }, user: null,
      apiKey: { id: key.id, name: 'Dealer system', scopes: ['orders:write', 'customers:read'], expiresAt: null },
    });
    // The account record itself is customer data: without a customers scope only its id is shown.
    const narrow = await createKey({ name: 'Dealer orders only', role: 'PARTNER', scopes: ['orders:write'], partnerCustomerId });
    expect(ok(await t.gql(VIEWER, {}, narrow.caller)).viewer).toMatchObject({ partnerAccountId: partnerCustomerId, partnerAccount: null });
  });

  it('fails the whole request with 401 for a revoked or unknown key, as every query does', async () => {
    const key = await createKey({ name: 'Soon revoked', role: 'INTEGRATION', scopes: ['products:read'] });
    expect(ok(await t.gql('{ viewer { kind } }', {}, key.caller)).viewer.kind).toBe('API_KEY');
    ok(await t.gql('mutation($input: ApiKeyIdInput!) { revokeApiKey(input: $input) { errors { code } } }', { input: { id: key.id } }, 'ADMIN'));
    for (const caller of [key.caller, { apiKey: `crm_${'0'.repeat(12)}_${'A'.repeat(43)}` }, { token: 'not-a-token' }]) {
      const res = await t.gql('{ viewer { kind } }', {}, caller);
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

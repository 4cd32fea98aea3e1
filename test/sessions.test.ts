import { signUserToken } from '../src/auth/jwt';
import { codes, ok, startTestApp, USERS, type TestApp } from './helpers';

/**
 * Sessions end (issue 9, item 21): a password change ends every token of the user (the caller's too,
 * which the payload replaces), deactivation ends them for good; nobody else's tokens are touched.
 */

let t: TestApp;
beforeAll(async () => { t = await startTestApp({ customers: 5 }); });
afterAll(async () => { await t.close(); });

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token } }';
const CHANGE = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) {
  user { email } token expiresAt errors { code field } } }`;
const ME = '{ me { email } }';

const signIn = async (email: string, password = 'demo1234') => ok(await t.gql(LOGIN, { i: { email, password } }, null)).login.token as string;
const me = (token: string) => t.gql(ME, {}, { token });
const expect401 = async (token: string) => {
  const res = await me(token);
  expect(res.status).toBe(401);
  expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  expect(res.body.errors![0].message).toMatch(/password change or deactivation/);
};

test('a password change ends every token of the user at once (even one signed the same second); the new token and a new login work', async () => {
  const email = USERS.SALES_REP_2;
  const [first, second] = [await signIn(email), await signIn(email)];
  const other = await signIn(USERS.SALES_REP);
  expect(ok(await me(second)).me.email).toBe(email);

  const changed = ok(await t.gql(CHANGE, { i: { currentPassword: 'demo1234', newPassword: 'a-new-secret-1' } }, { token: first })).changePassword;
  expect(changed.errors).toEqual([]);
  expect(changed.user).toEqual({ email });
  expect(changed.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(new Date(changed.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3600_000);

  // Both old tokens, the one used for the change included, are dead; the returned one works.
  await expect401(first);
  await expect401(second);
  expect(ok(await me(changed.token)).me.email).toBe(email);
  // A token signed in the very second of the change, but for the old session, is refused too (no `iat` race).
  const [{ id }] = await t.sql<{ id: string }>('select id from app_user where email = ?', [email]);
  const sameSecond = await signUserToken(id, t.config.jwtSecret, 3600, 0);
  await expect401(sameSecond.token);
  // Other users are not affected.
  expect(ok(await me(other)).me.email).toBe(USERS.SALES_REP);

  // The old password no longer signs in; the new one does, and that token works.
  expect(codes(await t.gql(LOGIN, { i: { email, password: 'demo1234' } }, null))).toEqual(['UNAUTHENTICATED']);
  const fresh = await signIn(email, 'a-new-secret-1');
  expect(ok(await me(fresh)).me.email).toBe(email);
  // A second change ends the token of the first change as well.
  const again = ok(await t.gql(CHANGE, { i: { currentPassword: 'a-new-secret-1', newPassword: 'a-new-secret-2' } }, { token: fresh })).changePassword;
  expect(again.errors).toEqual([]);
  await expect401(changed.token);
  await expect401(fresh);
  expect(ok(await me(again.token)).me.email).toBe(email);
});

test('a refused change (wrong current password) ends nothing and returns no token', async () => {
  const token = await signIn(USERS.MARKETING);
  const refused = ok(await t.gql(CHANGE, { i: { currentPassword: 'not-it', newPassword: 'whatever-123' } }, { token })).changePassword;
  expect(refused).toEqual({ user: null, token: null, expiresAt: null, errors: [{ code: 'VALIDATION', field: ['input', 'currentPassword'] }] });
  const tooShort = ok(await t.gql(CHANGE, { i: { currentPassword: 'demo1234', newPassword: 'short' } }, { token })).changePassword;
  expect(tooShort.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'newPassword'] }]);
  expect(ok(await me(token)).me.email).toBe(USERS.MARKETING);
});

test('deactivation ends the tokens for good: reactivating the user does not revive them', async () => {
  const UPDATE = 'mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { active } errors { code } } }';
  const token = await signIn(USERS.ANALYST);
  const [{ id }] = await t.sql<{ id: string }>('select id from app_user where email = ?', [USERS.ANALYST]);
  expect(ok(await t.gql(UPDATE, { i: { id, active: false } }, 'ADMIN')).updateUser).toEqual({ user: { active: false }, errors: [] });
  await expect401(token);
  expect(ok(await t.gql(UPDATE, { i: { id, active: true } }, 'ADMIN')).updateUser).toEqual({ user: { active: true }, errors: [] });
  await expect401(token);
  // Other changes (here the team) end nothing; signing in again works.
  const fresh = await signIn(USERS.ANALYST);
  expect(ok(await t.gql(UPDATE, { i: { id, team: 'Insights' } }, 'ADMIN')).updateUser.errors).toEqual([]);
  expect(ok(await me(fresh)).me.email).toBe(USERS.ANALYST);
});

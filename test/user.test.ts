import { codes, startTestApp, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => { t = await startTestApp({ customers: 10 }); });
afterAll(async () => { await t.close(); });

const USERS_Q = '{ users(first: 100) { totalCount edges { node { id email role manager { email } } } } }';
const CREATE = 'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id email role team manager { email } } errors { code field message } } }';
const UPDATE = 'mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { id active role manager { email } } errors { code field message } } }';
const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token } }';

async function idOf(email: string) {
  const [row] = await t.sql('select id from app_user where email = ?', [email]);
  return row.id as string;
}

test('ADMIN lists every user; a manager their team; other roles are refused', async () => {
  const admin = await t.gql(USERS_Q, {}, 'ADMIN');
  expect(admin.body.data.users.totalCount).toBe(9);
  const manager = await t.gql(USERS_Q, {}, 'SALES_MANAGER');
  expect(manager.body.data.users.edges.map((e: any) => e.node.email).sort()).toEqual(['manager@demo.crm', 'rep1@demo.crm', 'rep2@demo.crm']);
  for (const who of ['SALES_REP', 'SERVICE_AGENT', 'MARKETING', 'FINANCE', 'ANALYST', 'PARTNER'] as const) {
    const res = await t.gql(USERS_Q, {}, who);
    expect(codes(res)).toEqual(['FORBIDDEN']);
  }
});

test('a manager sees a deeper subtree too, and node(id) of a user outside it is null', async () => {
  const rep1 = await idOf('rep1@demo.crm');
  const created = await t.gql(CREATE, { i: { email: 'Junior@Demo.crm', password: 'longenough', name: 'June Junior', role: 'SALES_REP', managerId: rep1, team: 'Direct sales' } }, 'ADMIN');
  expect(created.body.data.createUser.errors).toEqual([]);
  expect(created.body.data.createUser.user).toMatchObject({ email: 'junior@demo.crm', role: 'SALES_REP', manager: { email: 'rep1@demo.crm' } });
  const manager = await t.gql(USERS_Q, {}, 'SALES_MANAGER');
  expect(manager.body.data.users.totalCount).toBe(4);
  const finance = await idOf('finance@demo.crm');
  const node = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: finance }, 'SALES_MANAGER');
  expect(codes(node)).toEqual([]);
  expect(node.body.data).toEqual({ node: null });
  // The new user can sign in with the password given.
  const login = await t.gql(LOGIN, { i: { email: 'junior@demo.crm', password: 'longenough' } });
  expect(login.body.data.login.token).toEqual(expect.any(String));
});

test('createUser validates and names the field; nothing is created on error', async () => {
  const before = await t.sql('select count(*)::int as n from app_user');
  const cases: [Record<string, unknown>, string[]][] = [
    [{ email: 'not-an-email', password: 'longenough', name: 'X', role: 'SALES_REP' }, ['input', 'email']],
    [{ email: 'short@demo.crm', password: 'short', name: 'X', role: 'SALES_REP' }, ['input', 'password']],
    [{ email: 'admin@demo.crm', password: 'longenough', name: 'X', role: 'SALES_REP' }, ['input', 'email']],
    [{ email: 'p2@demo.crm', password: 'longenough', name: 'X', role: 'PARTNER' }, ['input', 'partnerCustomerId']],
    [{ email: 'i@demo.crm', password: 'longenough', name: 'X', role: 'INTEGRATION' }, ['input', 'role']],
    [{ email: 'm@demo.crm', password: 'longenough', name: 'X', role: 'SALES_REP', managerId: 'usr_00000000000000000000000000000000' }, ['input', 'managerId']],
  ];
  for (const [input, field] of cases) {
    const res = await t.gql(CREATE, { i: input }, 'ADMIN');
    expect(res.body.data.createUser.user).toBeNull();
    expect(res.body.data.createUser.errors.map((e: any) => e.field)).toContainEqual(field);
  }
  const after = await t.sql('select count(*)::int as n from app_user');
  expect(after[0].n).toBe(before[0].n);
  const forbidden = await t.gql(CREATE, { i: { email: 'x@demo.crm', password: 'longenough', name: 'X', role: 'SALES_REP' } }, 'SALES_MANAGER');
  expect(codes(forbidden)).toEqual(['FORBIDDEN']);
});

test('the hierarchy stays a tree: a manager cannot report to someone below them', async () => {
  const manager = await idOf('manager@demo.crm');
  const rep2 = await idOf('rep2@demo.crm');
  const res = await t.gql(UPDATE, { i: { id: manager, managerId: rep2 } }, 'ADMIN');
  expect(res.body.data.updateUser.errors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'managerId'] })]);
  const self = await t.gql(UPDATE, { i: { id: manager, managerId: manager } }, 'ADMIN');
  expect(self.body.data.updateUser.errors[0].field).toEqual(['input', 'managerId']);
});

test('deactivating a user stops their token and login at once; their customers stay theirs', async () => {
  const rep2 = await idOf('rep2@demo.crm');
  const token = await t.token('SALES_REP_2');
  const owned = await t.sql('select count(*)::int as n from customer where owner_id = ?', [rep2]);
  const res = await t.gql(UPDATE, { i: { id: rep2, active: false } }, 'ADMIN');
  expect(res.body.data.updateUser.user.active).toBe(false);
  const me = await t.gql('{ me { id } }', {}, { token });
  expect(me.status).toBe(401);
  expect(codes(me)).toEqual(['UNAUTHENTICATED']);
  const login = await t.gql(LOGIN, { i: { email: 'rep2@demo.crm', password: 'demo1234' } });
  expect(codes(login)).toEqual(['UNAUTHENTICATED']);
  const still = await t.sql('select count(*)::int as n from customer where owner_id = ?', [rep2]);
  expect(still[0].n).toBe(owned[0].n);
  // An admin cannot lock themselves out.
  const admin = await idOf('admin@demo.crm');
  const selfLock = await t.gql(UPDATE, { i: { id: admin, active: false } }, 'ADMIN');
  expect(selfLock.body.data.updateUser.errors[0].code).toBe('BUSINESS_RULE');
  await t.gql(UPDATE, { i: { id: rep2, active: true } }, 'ADMIN');
});

test('changePassword needs the current password', async () => {
  const q = 'mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } errors { code field } } }';
  const wrong = await t.gql(q, { i: { currentPassword: 'nope', newPassword: 'brand-new-pass' } }, 'FINANCE');
  expect(wrong.body.data.changePassword.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'currentPassword'] }]);
  const ok = await t.gql(q, { i: { currentPassword: 'demo1234', newPassword: 'brand-new-pass' } }, 'FINANCE');
  expect(ok.body.data.changePassword.errors).toEqual([]);
  expect(codes(await t.gql(LOGIN, { i: { email: 'finance@demo.crm', password: 'demo1234' } }))).toEqual(['UNAUTHENTICATED']);
  const again = await t.gql(LOGIN, { i: { email: 'finance@demo.crm', password: 'brand-new-pass' } });
  expect(again.body.data.login.token).toEqual(expect.any(String));
});

test('ANALYST sees users without their names or e-mails, except their own', async () => {
  const res = await t.gql('{ me { name email } customers(first: 1) { edges { node { owner { id name email } } } } }', {}, 'ANALYST');
  expect(res.body.data.me).toEqual({ name: 'Alex Analyst', email: 'analyst@demo.crm' });
  expect(res.body.data.customers.edges[0].node.owner).toEqual({ id: expect.stringMatching(/^usr_/), name: null, email: null });
  expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
});

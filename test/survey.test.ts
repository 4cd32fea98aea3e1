import { newId } from '../src/entities/ids';
import { createSurvey } from '../src/services/survey.service';
import { codes, startTestApp, type Caller, type GqlResult, type TestApp } from './helpers';

/**
 * Satisfaction surveys and follow-ups through HTTP: the survey created when a case becomes RESOLVED
 * (through the cases API, and through `createSurvey` in a fixture transaction), `submitSurvey` open to
 * anonymous callers holding the token (once; wrong token or case NOT_FOUND; scores VALIDATION at their
 * field), who reads `ServiceCase.survey` and the link secret, `scheduleFollowUp` into the assignee's
 * agenda, role denials, and statement counts of nested survey reads.
 */

let t: TestApp;
let partnerKey: Caller;
const ids = { admin: '', agent: '', rep1: '', rep2: '', manager: '', c1: '', c2: '', dealer: '' };

function ok(res: GqlResult): any {
  if (res.body.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data;
}

const SUBMIT = `mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { survey { id caseId csat nps comment submittedAt } errors { code message field } } }`;
const FOLLOW_UP = `mutation($i: ScheduleFollowUpInput!) { scheduleFollowUp(input: $i) {
  task { id title type dueAt notes caseId assignee { id } assignedBy { id } customer { id } serviceCase { id } } errors { code message field } } }`;
const CASE_SURVEY = `query($id: ID!) { case(id: $id) { id survey { id caseId csat nps comment createdAt submittedAt } } }`;

let seq = 0;
/** A case by SQL (status and times as given); returns its id. */
async function kase(customerId: string, f: { status?: string; assignee?: string | null; createdAt?: string } = {}): Promise<string> {
  const id = newId('ServiceCase');
  seq += 1;
  const status = f.status ?? 'IN_PROGRESS';
  const resolved = status === 'RESOLVED' || status === 'CLOSED';
  const created = f.createdAt ?? new Date(Date.now() - 3_600_000).toISOString();
  await t.sql(`insert into service_case (id, number, type, channel, priority, status, subject, customer_id, assignee_id, opened_by,
      first_response_due_at, resolution_due_at, resolved_at, closed_at, created_at, updated_at)
    values (?, ?, 'TECH_SUPPORT', 'PHONE', 'P3', ?, ?, ?, ?, ?, ?::timestamptz + interval '8 hours', ?::timestamptz + interval '3 days', ?, ?, ?, ?)`, [
    id, `CS-8${String(seq).padStart(5, '0')}`, status, `Survey fixture ${seq}`, customerId, f.assignee === undefined ? ids.agent : f.assignee, ids.agent,
    created, created, resolved ? created : null, status === 'CLOSED' ? created : null, created, created]);
  return id;
}

/** `createSurvey` as the case transition calls it: inside a transaction. */
async function surveyByFixture(caseId: string) {
  await t.db.orm.em.fork().transactional((em) => createSurvey({ em: em as any, principal: null as any }, caseId));
}

async function surveyRow(caseId: string) {
  return (await t.sql(`select id, token, csat, nps, comment, submitted_at, customer_id from survey where case_id = ?`, [caseId]))[0] as
    { id: string; token: string; csat: number | null; nps: number | null; comment: string | null; submitted_at: unknown; customer_id: string } | undefined;
}

beforeAll(async () => {
  t = await startTestApp({ customers: 12 });
  const users = await t.sql<{ id: string; email: string; partner_customer_id: string | null }>(`select id, email, partner_customer_id from app_user`);
  const user = (email: string) => users.find((u) => u.email === email)!;
  ids.admin = user('admin@demo.crm').id;
  ids.agent = user('service@demo.crm').id;
  ids.rep1 = user('rep1@demo.crm').id;
  ids.rep2 = user('rep2@demo.crm').id;
  ids.manager = user('manager@demo.crm').id;
  ids.dealer = user('partner@demo.crm').partner_customer_id!;
  const own = async (owner: string) => (await t.sql<{ id: string }>(`select id from customer where owner_id = ? and not is_partner order by created_at, id limit 1`, [owner]))[0].id;
  ids.c1 = await own(ids.rep1);
  ids.c2 = await own(ids.rep2);
  const made = ok(await t.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret errors { code } } }`,
    { input: { name: 'dealer system', role: 'PARTNER', scopes: ['customers:read', 'cases:read'], partnerCustomerId: ids.dealer } }, 'ADMIN')).createApiKey;
  partnerKey = { apiKey: made.secret };
});
afterAll(async () => { await t?.close(); });

describe('a survey is created when a case is resolved', () => {
  let caseId = '';

  test('through the cases API: resolving creates one survey with a secret token; staff read it unanswered', async () => {
    const created = ok(await t.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id version } errors { code field message } } }`,
      { i: { customerId: ids.c1, type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', subject: 'Screen flickers', assigneeId: ids.agent } }, 'SERVICE_AGENT')).createCase;
    expect(created.errors).toEqual([]);
    caseId = created.case.id;
    expect(await surveyRow(caseId)).toBeUndefined();
    const noSurvey = ok(await t.gql(CASE_SURVEY, { id: caseId }, 'SERVICE_AGENT'));
    expect(noSurvey.case.survey).toBeNull();

    const resolved = ok(await t.gql(`mutation($i: ChangeCaseStatusInput!) { changeCaseStatus(input: $i) { case { status version } errors { code field message } } }`,
      { i: { id: caseId, version: created.case.version, status: 'RESOLVED' } }, 'SERVICE_AGENT')).changeCaseStatus;
    expect(resolved.errors).toEqual([]);
    const row = await surveyRow(caseId);
    expect(row).toMatchObject({ csat: null, nps: null, comment: null, submitted_at: null, customer_id: ids.c1 });
    expect(row!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const data = ok(await t.gql(`query($id: ID!) { case(id: $id) { survey { id caseId csat nps comment submittedAt token link } } }`, { id: caseId }, 'SERVICE_AGENT'));
    expect(data.case.survey).toEqual({
      id: row!.id, caseId, csat: null, nps: null, comment: null, submittedAt: null, token: row!.token,
      link: `/survey?caseId=${caseId}&token=${encodeURIComponent(row!.token)}`,
    });
  });

  test('a case resolved again keeps its first survey (reopen, resolve)', async () => {
    const first = await surveyRow(caseId);
    const read = ok(await t.gql(`query($id: ID!) { case(id: $id) { version } }`, { id: caseId }, 'SERVICE_AGENT'));
    const reopened = ok(await t.gql(`mutation($i: ReopenCaseInput!) { reopenCase(input: $i) { case { status version } errors { code field message } } }`,
      { i: { id: caseId, version: read.case.version, reason: 'Flickers again' } }, 'SERVICE_AGENT')).reopenCase;
    expect(reopened.errors).toEqual([]);
    const again = ok(await t.gql(`mutation($i: ChangeCaseStatusInput!) { changeCaseStatus(input: $i) { errors { code } } }`,
      { i: { id: caseId, version: reopened.case.version, status: 'RESOLVED' } }, 'SERVICE_AGENT')).changeCaseStatus;
    expect(again.errors).toEqual([]);
    expect(await t.sql(`select id, token from survey where case_id = ?`, [caseId])).toEqual([{ id: first!.id, token: first!.token }]);
  });

  test('createSurvey in a transaction (as the transition calls it): once per case, the first token stays', async () => {
    const id = await kase(ids.c1, { status: 'RESOLVED' });
    await surveyByFixture(id);
    const first = await surveyRow(id);
    expect(first).toMatchObject({ customer_id: ids.c1, submitted_at: null });
    await surveyByFixture(id);
    expect(await t.sql(`select id, token from survey where case_id = ?`, [id])).toEqual([{ id: first!.id, token: first!.token }]);
  });
});

describe('submitSurvey', () => {
  let caseId = '';
  let token = '';
  let otherCase = '';

  beforeAll(async () => {
    caseId = await kase(ids.c1, { status: 'RESOLVED' });
    await surveyByFixture(caseId);
    token = (await surveyRow(caseId))!.token;
    otherCase = await kase(ids.c2, { status: 'RESOLVED' });
    await surveyByFixture(otherCase);
  });

  const unanswered = async (id: string) => expect(await surveyRow(id)).toMatchObject({ csat: null, nps: null, comment: null, submitted_at: null });

  test('a wrong token, another case\'s id or an unknown case: the same NOT_FOUND, nothing changes', async () => {
    const attempts = [
      { caseId, token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` },
      { caseId: otherCase, token },
      { caseId: newId('ServiceCase'), token },
      { caseId: 'not-an-id', token },
      { caseId, token: 'short' },
    ];
    for (const attempt of attempts) {
      const res = ok(await t.gql(SUBMIT, { i: { ...attempt, csat: 4, nps: 8 } }, null)).submitSurvey;
      expect(res).toEqual({ survey: null, errors: [{ code: 'NOT_FOUND', message: 'There is no open survey for this case and token.', field: ['input', 'token'] }] });
    }
    await unanswered(caseId);
    await unanswered(otherCase);
  });

  test('scores out of range: VALIDATION naming the field, nothing changes', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ csat: 0, nps: 5 }, ['input', 'csat']], [{ csat: 6, nps: 5 }, ['input', 'csat']],
      [{ csat: 3, nps: -1 }, ['input', 'nps']], [{ csat: 3, nps: 11 }, ['input', 'nps']],
      [{ csat: 3, nps: 5, comment: 'x'.repeat(4001) }, ['input', 'comment']],
    ];
    for (const [scores, field] of cases) {
      const res = ok(await t.gql(SUBMIT, { i: { caseId, token, ...scores } }, null)).submitSurvey;
      expect(res.survey).toBeNull();
      expect(res.errors.map((e: any) => [e.code, e.field])).toEqual([['VALIDATION', field]]);
    }
    await unanswered(caseId);
  });

  test('anonymous with the link: answered once; the answer comes back, the case and the secret do not', async () => {
    const res = ok(await t.gql(SUBMIT, { i: { caseId, token, csat: 4, nps: 9, comment: "  Helpful agent; it's fixed.  " } }, null)).submitSurvey;
    expect(res.errors).toEqual([]);
    expect(res.survey).toMatchObject({ caseId, csat: 4, nps: 9, comment: "Helpful agent; it's fixed." });
    expect(Date.now() - Date.parse(res.survey.submittedAt)).toBeLessThan(60_000);
    expect(await surveyRow(caseId)).toMatchObject({ csat: 4, nps: 9, comment: "Helpful agent; it's fixed." });

    const again = ok(await t.gql(SUBMIT, { i: { caseId, token, csat: 1, nps: 0 } }, null)).submitSurvey;
    expect(again).toEqual({ survey: null, errors: [{ code: 'BUSINESS_RULE', message: 'This survey was already answered: a survey is answered once.', field: null }] });
    expect(await surveyRow(caseId)).toMatchObject({ csat: 4, nps: 9, comment: "Helpful agent; it's fixed." });

    // an anonymous caller cannot reach the case or the link secret through the payload
    const other = await kase(ids.c1, { status: 'RESOLVED' });
    await surveyByFixture(other);
    const secret = (await surveyRow(other))!.token;
    const peek = await t.gql(`mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { survey { csat token link serviceCase { id subject } } errors { code } } }`,
      { i: { caseId: other, token: secret, csat: 5, nps: 10 } }, null);
    expect(peek.body.data.submitSurvey.survey).toEqual({ csat: 5, token: null, link: null, serviceCase: null });
    expect(codes(peek).sort()).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  test('a signed-in caller holding the link may answer too; concurrent answers: exactly one wins', async () => {
    const id = await kase(ids.c2, { status: 'RESOLVED' });
    await surveyByFixture(id);
    const secret = (await surveyRow(id))!.token;
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => t.gql(SUBMIT, { i: { caseId: id, token: secret, csat: n, nps: n } }, n === 1 ? 'SERVICE_AGENT' : null)));
    const payloads = results.map((r) => ok(r).submitSurvey);
    expect(payloads.filter((p) => p.errors.length === 0)).toHaveLength(1);
    expect(payloads.filter((p) => p.errors[0]?.code === 'BUSINESS_RULE')).toHaveLength(4);
    const winner = payloads.find((p) => p.errors.length === 0).survey;
    expect(await surveyRow(id)).toMatchObject({ csat: winner.csat, nps: winner.nps });
  });
});

describe('who reads surveys', () => {
  let repCase = '';
  let dealerCase = '';
  let surveyId = '';
  let dealerSurvey = '';

  beforeAll(async () => {
    repCase = await kase(ids.c1, { status: 'RESOLVED' });
    await surveyByFixture(repCase);
    const row = (await surveyRow(repCase))!;
    surveyId = row.id;
    ok(await t.gql(SUBMIT, { i: { caseId: repCase, token: row.token, csat: 2, nps: 3 } }, null));
    dealerCase = await kase(ids.dealer, { status: 'RESOLVED' });
    await surveyByFixture(dealerCase);
    dealerSurvey = (await surveyRow(dealerCase))!.id;
  });

  const SURVEY_AND_SECRET = `query($id: ID!) { case(id: $id) { id survey { csat nps token link } } }`;

  test('ADMIN and SERVICE_AGENT: the answer and the link secret', async () => {
    for (const who of ['ADMIN', 'SERVICE_AGENT'] as const) {
      const data = ok(await t.gql(SURVEY_AND_SECRET, { id: repCase }, who));
      expect(data.case.survey).toMatchObject({ csat: 2, nps: 3 });
      expect(data.case.survey.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(data.case.survey.link).toContain(`caseId=${repCase}`);
    }
  });

  test('the owning rep and the manager read the answer; the token and link are null with FORBIDDEN', async () => {
    for (const who of ['SALES_REP', 'SALES_MANAGER'] as const) {
      const res = await t.gql(SURVEY_AND_SECRET, { id: repCase }, who);
      expect(res.body.data.case.survey).toEqual({ csat: 2, nps: 3, token: null, link: null });
      expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      expect(res.body.errors!.map((e) => e.path!.join('.')).sort()).toEqual(['case.survey.link', 'case.survey.token']);
    }
  });

  test('another rep: the case does not exist for them, nor the survey', async () => {
    expect(ok(await t.gql(CASE_SURVEY, { id: repCase }, 'SALES_REP_2')).case).toBeNull();
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: surveyId }, 'SALES_REP_2')).node).toBeNull();
  });

  test('PARTNER user and key: their case, but never its survey (null with FORBIDDEN); the survey node does not exist for them', async () => {
    for (const who of ['PARTNER', partnerKey] as const) {
      const res = await t.gql(`query($id: ID!) { case(id: $id) { id survey { csat } } }`, { id: dealerCase }, who);
      expect(res.body.data.case).toEqual({ id: dealerCase, survey: null });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: dealerSurvey }, who)).node).toBeNull();
    }
  });

  test('node(id) and nodes(ids): staff who read the case; ANALYST, FINANCE, MARKETING: null', async () => {
    const q = `query($id: ID!) { node(id: $id) { id ... on Survey { caseId csat nps serviceCase { id } } } }`;
    for (const who of ['ADMIN', 'SERVICE_AGENT', 'SALES_REP', 'SALES_MANAGER'] as const) {
      expect(ok(await t.gql(q, { id: surveyId }, who)).node).toEqual({ id: surveyId, caseId: repCase, csat: 2, nps: 3, serviceCase: { id: repCase } });
    }
    for (const who of ['ANALYST', 'FINANCE', 'MARKETING'] as const) {
      expect(ok(await t.gql(q, { id: surveyId }, who)).node).toBeNull();
    }
    const many = ok(await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [surveyId, dealerSurvey] }, 'SALES_REP')).nodes;
    expect(many).toEqual([{ id: surveyId }, null]); // the dealer is not rep1's customer
  });

  test('nested survey reads cost the same number of statements for 2 and 6 cases', async () => {
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await kase(ids.c1, { status: 'RESOLVED' });
      await surveyByFixture(id);
      made.push(id);
    }
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ServiceCase { number survey { id csat serviceCase { id } } } } }`;
    const surveyIds = (await t.sql(`select id from survey where case_id in (${made.map(() => '?').join(', ')})`, made)).map((r: any) => r.id);
    const few = await t.countQueries(async () => expect(ok(await t.gql(q, { ids: made.slice(0, 2) }, 'ADMIN')).nodes).toHaveLength(2));
    const many = await t.countQueries(async () => {
      const nodes = ok(await t.gql(q, { ids: made }, 'ADMIN')).nodes;
      expect(nodes.map((n: any) => n.survey.serviceCase.id)).toEqual(made);
    });
    expect(few).toBeGreaterThan(1);
    expect(many).toBe(few);
    const sq = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Survey { csat serviceCase { id customer { id } } } } }`;
    const fewSurveys = await t.countQueries(() => t.gql(sq, { ids: surveyIds.slice(0, 2) }, 'SERVICE_AGENT'));
    const manySurveys = await t.countQueries(() => t.gql(sq, { ids: surveyIds }, 'SERVICE_AGENT'));
    expect(manySurveys).toBe(fewSurveys);
  });
});

describe('scheduleFollowUp', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const agenda = async (who: 'SERVICE_AGENT' | 'ADMIN', from: string, to: string) => ok(await t.gql(`query($from: DateTime!, $to: DateTime!) {
    myAgenda(from: $from, to: $to) { edges { node { id type title caseId notes } } } }`, { from, to }, who)).myAgenda.edges.map((e: any) => e.node);
  const followUps = async () => Number((await t.sql(`select count(*)::int as n from task where type = 'FOLLOW_UP'`))[0].n);

  test('a FOLLOW_UP task for the case\'s assignee, due `at`, linked to the case and its customer, in the assignee\'s agenda', async () => {
    const caseId = await kase(ids.c1, { status: 'RESOLVED', assignee: ids.agent });
    const number = (await t.sql(`select number, subject from service_case where id = ?`, [caseId]))[0];
    const due = inDays(3);
    const res = ok(await t.gql(FOLLOW_UP, { i: { caseId, at: due, note: 'Ask whether the fix held.' } }, 'ADMIN')).scheduleFollowUp;
    expect(res.errors).toEqual([]);
    expect(res.task).toMatchObject({
      title: `Follow up: ${number.number} ${number.subject}`, type: 'FOLLOW_UP', dueAt: due, notes: 'Ask whether the fix held.', caseId,
      assignee: { id: ids.agent }, assignedBy: { id: ids.admin }, customer: { id: ids.c1 }, serviceCase: { id: caseId },
    });
    expect(await agenda('SERVICE_AGENT', inDays(2.9), inDays(3.1))).toEqual([
      { id: res.task.id, type: 'FOLLOW_UP', title: res.task.title, caseId, notes: 'Ask whether the fix held.' }]);
    const [row] = await t.sql(`select case_id, customer_id, assignee_id, assigned_by_id, status from task where id = ?`, [res.task.id]);
    expect(row).toEqual({ case_id: caseId, customer_id: ids.c1, assignee_id: ids.agent, assigned_by_id: ids.admin, status: 'OPEN' });
    // the case's tasks, by filter
    const byCase = ok(await t.gql(`query($id: ID!) { tasks(first: 10, filter: { caseId: { eq: $id } }) { edges { node { id } } } }`, { id: caseId }, 'ADMIN')).tasks;
    expect(byCase.edges.map((e: any) => e.node.id)).toEqual([res.task.id]);
  });

  test('an unassigned case (or one whose assignee was deactivated): the task is the caller\'s', async () => {
    const unassigned = await kase(ids.c2, { assignee: null });
    const res = ok(await t.gql(FOLLOW_UP, { i: { caseId: unassigned, at: inDays(1) } }, 'ADMIN')).scheduleFollowUp;
    expect(res.task).toMatchObject({ assignee: { id: ids.admin }, notes: null });
    expect((await agenda('ADMIN', inDays(0.9), inDays(1.1))).map((x: any) => x.id)).toEqual([res.task.id]);

    const gone = newId('User');
    await t.sql(`insert into app_user (id, email, name, role, password_hash, active) values (?, 'gone.agent@demo.crm', 'Gone Agent', 'SERVICE_AGENT', 'x', false)`, [gone]);
    const orphan = await kase(ids.c2, { assignee: gone });
    const res2 = ok(await t.gql(FOLLOW_UP, { i: { caseId: orphan, at: inDays(1) } }, 'SERVICE_AGENT')).scheduleFollowUp;
    expect(res2.task).toMatchObject({ assignee: { id: ids.agent }, assignedBy: { id: ids.agent } });
  });

  test('bad input: a time not in the future, a malformed or unknown case, a too long note — errors at the field, no task', async () => {
    const caseId = await kase(ids.c1);
    const before = await followUps();
    const attempts: [Record<string, unknown>, string, string[]][] = [
      [{ caseId, at: new Date(Date.now() - 60_000).toISOString() }, 'VALIDATION', ['input', 'at']],
      [{ caseId: 'cas_nope', at: inDays(1) }, 'VALIDATION', ['input', 'caseId']],
      [{ caseId: newId('ServiceCase'), at: inDays(1) }, 'NOT_FOUND', ['input', 'caseId']],
      [{ caseId, at: inDays(1), note: 'x'.repeat(4001) }, 'VALIDATION', ['input', 'note']],
    ];
    for (const [i, code, field] of attempts) {
      const res = ok(await t.gql(FOLLOW_UP, { i }, 'SERVICE_AGENT')).scheduleFollowUp;
      expect(res.task).toBeNull();
      expect(res.errors.map((e: any) => [e.code, e.field])).toEqual([[code, field]]);
    }
    expect(await followUps()).toBe(before);
  });

  test('only ADMIN and SERVICE_AGENT: others FORBIDDEN, anonymous UNAUTHENTICATED, nothing created', async () => {
    const caseId = await kase(ids.c1);
    const before = await followUps();
    for (const who of ['SALES_REP', 'SALES_MANAGER', 'PARTNER', 'FINANCE', 'MARKETING', 'ANALYST', partnerKey] as const) {
      const res = await t.gql(FOLLOW_UP, { i: { caseId, at: inDays(1) } }, who);
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
    expect(codes(await t.gql(FOLLOW_UP, { i: { caseId, at: inDays(1) } }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await followUps()).toBe(before);
  });
});

import request from 'supertest';
import { waitForImports } from '../src/services/import.service';
import { ok, startTestApp, type TestApp, type Who } from './helpers';

/** CSV import (issue 15) through HTTP: the GraphQL multipart request spec, dry runs, jobs, matching, audit, permissions. */

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => {
  await waitForImports();
  await t.close();
});

const IMPORT = `mutation($input: ImportCsvInput!) { importCsv(input: $input) {
  job { id status totalRows }
  dryRun { totalRows valid failed wouldCreate wouldUpdate errorCount errors { row column code message } }
  errors { code message field } } }`;
const JOB = `query($id: ID!) { importJob(id: $id) { id kind status totalRows processed failed created updated errorCount startedAt finishedAt fileName
  errors(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { row column code message } } } } }`;

/** A multipart upload as a browser or curl sends it (with Apollo's CSRF header). */
async function upload(who: Who, kind: string, csv: string, dryRun = false, preflight = true) {
  let req = request(t.app).post('/graphql').set('authorization', `Bearer ${await t.token(who)}`);
  if (preflight) req = req.set('apollo-require-preflight', 'true');
  const res = await req
    .field('operations', JSON.stringify({ query: IMPORT, variables: { input: { kind, file: null, dryRun } } }))
    .field('map', JSON.stringify({ 0: ['variables.input.file'] }))
    .attach('0', Buffer.from(csv), { filename: `${kind.toLowerCase()}.csv`, contentType: 'text/csv' });
  return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
}

async function finished(who: Who, id: string) {
  await waitForImports();
  return ok(await t.gql(JOB, { id }, who)).importJob;
}

const count = async (table: string, where = 'true') => Number((await t.sql(`select count(*)::int as n from ${table} where ${where}`))[0].n);

describe('importCsv', () => {
  test('a dry run reports each bad row (row, column, message) and counts, and writes nothing', async () => {
    const csv = [
      'name,kind,emails,employeeCount,externalSystem,externalRef',
      'Dry Good GmbH,BUSINESS,dry-good@example.com,12,erp,D-1',
      'Dry Bad Kind,COMPANY,,,erp,D-2',
      ',BUSINESS,dry-noname@example.com,,erp,D-3',
      'Dry Bad Mail,BUSINESS,not-an-address,abc,erp,D-4',
    ].join('\n');
    const before = [await count('customer'), await count('audit_event'), await count('import_job'), await count('outbox_event')];
    const res = await upload('SALES_REP', 'CUSTOMERS', csv, true);
    const payload = ok(res).importCsv;
    expect(payload.errors).toEqual([]);
    expect(payload.job).toBeNull();
    const report = payload.dryRun;
    expect([report.totalRows, report.valid, report.failed, report.wouldCreate, report.wouldUpdate]).toEqual([4, 1, 3, 1, 0]);
    const byRow = report.errors.map((e: any) => [e.row, e.column, e.code]);
    expect(byRow).toEqual(expect.arrayContaining([[3, 'kind', 'VALIDATION'], [4, 'name', 'VALIDATION'], [5, 'employeeCount', 'VALIDATION']]));
    expect(report.errors.find((e: any) => e.row === 5 && e.column === 'employeeCount').message).toBe('Not a number: "abc".');
    expect(report.errors.every((e: any) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
    expect([await count('customer'), await count('audit_event'), await count('import_job'), await count('outbox_event')]).toEqual(before);
  });

  test('the file as a whole: unknown columns and an empty file are payload errors naming input.file; CSV as text works too', async () => {
    const unknown = ok(await upload('SALES_REP', 'CUSTOMERS', 'name,kind,shoeSize\nA,BUSINESS,42', true)).importCsv;
    expect(unknown.errors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'file'] });
    expect(unknown.errors[0].message).toContain('Unknown column "shoeSize"');
    const text = ok(await t.gql(IMPORT, { input: { kind: 'CUSTOMERS', csv: 'name,kind\nText Row,BUSINESS\n', dryRun: true } }, 'SALES_REP')).importCsv;
    expect([text.errors, text.dryRun.wouldCreate]).toEqual([[], 1]);
    const empty = ok(await t.gql(IMPORT, { input: { kind: 'CUSTOMERS', csv: '', dryRun: true } }, 'SALES_REP')).importCsv;
    expect(empty.errors[0].field).toEqual(['input', 'file']);
  });

  test('a malformed multipart request is a 400, not a server error', async () => {
    const res = await request(t.app).post('/graphql').set('authorization', `Bearer ${await t.token('SALES_REP')}`)
      .set('apollo-require-preflight', 'true').set('content-type', 'multipart/form-data; boundary=x').send('garbage');
    expect([res.status, res.body.errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
  });

  test('a multipart request without the preflight header is refused (Apollo CSRF prevention)', async () => {
    const res = await upload('SALES_REP', 'CUSTOMERS', 'name,kind\nX,BUSINESS', true, false);
    expect(res.status).toBe(400);
    expect(await count('customer', `name = 'X'`)).toBe(0);
  });

  test('a real run creates, then updates by external ref and by e-mail (no duplicate), audits IMPORT, emits outbox events, reports progress', async () => {
    const rep = (await t.sql(`select id from app_user where email = 'rep1@demo.crm'`))[0].id;
    const first = [
      'name,kind,emails,tier,tags,externalSystem,externalRef',
      'Imp One GmbH,BUSINESS,imp-one@example.com,TARGET,north;fair,erp,IMP-1',
      'Imp Two AG,BUSINESS,imp-two@example.com,,,erp,IMP-2',
      'Imp Bad,NOPE,imp-bad@example.com,,,erp,IMP-3',
    ].join('\n');
    const started = ok(await upload('SALES_REP', 'CUSTOMERS', first)).importCsv;
    expect(started.errors).toEqual([]);
    expect(['QUEUED', 'RUNNING', 'COMPLETED']).toContain(started.job.status);
    expect(started.job.totalRows).toBe(3);
    const job = await finished('SALES_REP', started.job.id);
    expect(job).toMatchObject({ kind: 'CUSTOMERS', status: 'COMPLETED', totalRows: 3, processed: 3, failed: 1, created: 2, updated: 0, errorCount: 1, fileName: 'customers.csv' });
    expect(new Date(job.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(job.startedAt).getTime());
    expect(job.errors.edges.map((e: any) => [e.node.row, e.node.column, e.node.code])).toEqual([[4, 'kind', 'VALIDATION']]);
    const created = await t.sql(`select c.id, c.owner_id, c.tier, c.tags from customer c where c.name in ('Imp One GmbH', 'Imp Two AG') order by c.name`);
    expect(created.map((c: any) => [c.owner_id, c.tier])).toEqual([[rep, 'TARGET'], [rep, 'POTENTIAL']]);
    expect(created[0].tags).toEqual(['north', 'fair']);

    // Second file: IMP-1 by its external ref (new name), Imp Two by e-mail (no ref column value), one new row.
    const second = [
      'name,kind,emails,industry,externalSystem,externalRef',
      'Imp One Renamed,BUSINESS,,Machinery,erp,IMP-1',
      'Imp Two AG,BUSINESS,imp-two@example.com,Retail,,',
      'Imp Three KG,BUSINESS,imp-three@example.com,,erp,IMP-33',
    ].join('\n');
    const job2 = await finished('SALES_REP', ok(await upload('SALES_REP', 'CUSTOMERS', second)).importCsv.job.id);
    expect(job2).toMatchObject({ status: 'COMPLETED', processed: 3, failed: 0, created: 1, updated: 2 });
    expect(await count('customer', `name like 'Imp %'`)).toBe(3);
    const [one] = await t.sql(`select c.name, c.industry, c.emails from customer c where c.id = ?`, [created[0].id]);
    expect([one.name, one.industry, one.emails]).toEqual(['Imp One Renamed', 'Machinery', [{ label: 'work', address: 'imp-one@example.com' }]]);
    expect((await t.sql(`select industry from customer where id = ?`, [created[1].id]))[0].industry).toBe('Retail');

    const audit = await t.sql(`select entity_id, action, changes from audit_event where entity_id in (?, ?) order by at, id`, [created[0].id, created[1].id]);
    expect(audit.map((a: any) => a.action)).toEqual(['IMPORT', 'IMPORT', 'IMPORT', 'IMPORT']);
    const renamed = audit.find((a: any) => a.entity_id === created[0].id && a.changes.some((c: any) => c.field === 'name' && c.new === 'Imp One Renamed'));
    expect(renamed.changes.find((c: any) => c.field === 'name')).toEqual({ field: 'name', old: 'Imp One GmbH', new: 'Imp One Renamed' });
    // The history shows the IMPORT entries through GraphQL too.
    const history = ok(await t.gql(`query($id: ID!) { customer(id: $id) { history(first: 10) { edges { node { action } } } } }`, { id: created[0].id }, 'SALES_REP'));
    expect(history.customer.history.edges.map((e: any) => e.node.action)).toEqual(['IMPORT', 'IMPORT']);
    const events = await t.sql(`select type, data, actor_type, actor_id from outbox_event where entity_id in (?, ?) order by id`, [created[0].id, created[1].id]);
    expect(events.map((e: any) => e.type)).toEqual(['customer.created', 'customer.created', 'customer.updated', 'customer.updated']);
    // The same events as createCustomer / updateCustomer: the importer as actor, no field names in the data.
    expect(events.every((e: any) => e.actor_type === 'USER' && e.actor_id === rep && JSON.stringify(e.data) === '{}')).toBe(true);
    const jobs = ok(await t.gql('{ importJobs(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }', {}, 'SALES_REP')).importJobs;
    expect([jobs.edges.length, jobs.pageInfo.hasNextPage]).toEqual([1, true]);
    expect(jobs.totalCount).toBe(Number((await t.sql(`select count(*)::int as n from import_job where created_by = ?`, [rep]))[0].n));
    const next = ok(await t.gql('query($a: String) { importJobs(first: 5, after: $a) { edges { node { id } } } }', { a: jobs.pageInfo.endCursor }, 'SALES_REP')).importJobs;
    expect([jobs.edges[0].node.id, ...next.edges.map((e: any) => e.node.id)]).toEqual(expect.arrayContaining([started.job.id, job2.id]));
  });

  test('record scope: records outside the importer\'s scope are never matched or updated; their unique references are refused', async () => {
    ok(await upload('SALES_REP', 'CUSTOMERS', 'name,kind,emails,externalSystem,externalRef\nScope Mine,BUSINESS,scope-mine@example.com,erp,SCOPE-1\nScope Gone,BUSINESS,,erp,SCOPE-2'));
    await waitForImports();
    await t.sql(`update customer set deleted_at = now() where name = 'Scope Gone'`);
    // rep2 cannot see rep1's customer: an e-mail of it matches nothing (the import does not tell who owns an
    // address, the row makes a new customer, as createCustomer would); its external ref, unique across all
    // customers, is refused as createCustomer refuses it, and so is the ref of a deleted customer.
    const other = ok(await upload('SALES_REP_2', 'CUSTOMERS',
      'name,kind,emails,externalSystem,externalRef\nScope Lookalike,BUSINESS,scope-mine@example.com,,\nScope Stolen,BUSINESS,,erp,SCOPE-1\nScope Revived,BUSINESS,,erp,SCOPE-2', false)).importCsv.job;
    const job = await finished('SALES_REP_2', other.id);
    expect(job).toMatchObject({ status: 'COMPLETED', failed: 2, created: 1, updated: 0 });
    expect(job.errors.edges.map((e: any) => [e.node.row, e.node.column, e.node.code])).toEqual([[3, 'externalRef', 'DUPLICATE'], [4, 'externalRef', 'DUPLICATE']]);
    expect(await count('customer', `name = 'Scope Mine'`)).toBe(1);
    expect(await count('customer', `name = 'Scope Lookalike'`)).toBe(1);
    expect(await count('customer', `name in ('Scope Stolen', 'Scope Revived')`)).toBe(0);
    // An INTEGRATION key reads e-mails only of the customers it created: matching by e-mail cannot probe the others.
    const key = ok(await t.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`,
      { i: { name: 'import probe', role: 'INTEGRATION', scopes: ['customers:write'] } }, 'ADMIN')).createApiKey.secret;
    const manager = (await t.sql(`select id from app_user where email = 'manager@demo.crm'`))[0].id;
    const probe = ok(await t.gql(IMPORT, { input: { kind: 'CUSTOMERS', csv: `name,kind,emails,ownerId\nProbe,BUSINESS,scope-mine@example.com,${manager}`, dryRun: true } },
      { apiKey: key })).importCsv.dryRun;
    expect(probe).toMatchObject({ wouldCreate: 1, wouldUpdate: 0, failed: 0 });
    // A rep cannot give a new customer to someone else (the service's owner rule, per row).
    const dry = ok(await upload('SALES_REP', 'CUSTOMERS', `name,kind,ownerId\nOwned Elsewhere,BUSINESS,${manager}`, true)).importCsv.dryRun;
    expect(dry.errors).toEqual([expect.objectContaining({ row: 2, column: 'ownerId', code: 'FORBIDDEN' })]);
    // Jobs are the importer's own.
    expect(ok(await t.gql(JOB, { id: other.id }, 'SALES_REP')).importJob).toBeNull();
    expect(ok(await t.gql(JOB, { id: other.id }, 'ADMIN')).importJob.id).toBe(other.id);
  });

  test('permissions follow the create/update mutations of each kind', async () => {
    const refused = async (who: Who, kind: string) => {
      const res = await t.gql(IMPORT, { input: { kind, csv: 'name\nx', dryRun: true } }, who);
      return res.body.errors?.[0]?.extensions?.code;
    };
    expect(await refused('MARKETING', 'CUSTOMERS')).toBe('FORBIDDEN');
    expect(await refused('SALES_REP', 'PRODUCTS')).toBe('FORBIDDEN');
    expect(await refused('SERVICE_AGENT', 'CUSTOMERS')).toBe('FORBIDDEN');
    expect((await t.gql(IMPORT, { input: { kind: 'CUSTOMERS', csv: 'name\nx', dryRun: true } }, null)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql('{ importJobs(first: 1) { edges { node { id } } } }', {}, 'SERVICE_AGENT')).importJobs.edges).toEqual([]);
  });

  test('products match by SKU; contacts by e-mail within a visible customer', async () => {
    const p1 = 'sku,name,category,listPrice,memberPrice\nIMP-SKU-1,Imported Widget,Widgets,10.00,\nimp-sku-2,Other Widget,Widgets,5.00,9.00';
    const job1 = await finished('ADMIN', ok(await upload('ADMIN', 'PRODUCTS', p1)).importCsv.job.id);
    expect(job1).toMatchObject({ status: 'COMPLETED', created: 1, failed: 1 });
    expect(job1.errors.edges[0].node).toMatchObject({ row: 3, column: 'memberPrice' });
    const job2 = await finished('ADMIN', ok(await upload('ADMIN', 'PRODUCTS', 'sku,listPrice\nimp-sku-1,12.50')).importCsv.job.id);
    expect(job2).toMatchObject({ created: 0, updated: 1 });
    expect((await t.sql(`select list_price::text as p from product where sku = 'IMP-SKU-1'`))[0].p).toBe('12.50');

    const [customer] = await t.sql(`select c.id from customer c join app_user u on u.id = c.owner_id where u.email = 'rep1@demo.crm' and c.deleted_at is null order by c.id limit 1`);
    const contacts = `customerId,firstName,lastName,emails\n${customer.id},Ina,Import,ina.import@example.com`;
    const j1 = await finished('SALES_REP', ok(await upload('SALES_REP', 'CONTACTS', contacts)).importCsv.job.id);
    expect(j1).toMatchObject({ created: 1, failed: 0 });
    const j2 = await finished('SALES_REP', ok(await upload('SALES_REP', 'CONTACTS', 'firstName,lastName,emails,title\nIna,Import,ina.import@example.com,CTO')).importCsv.job.id);
    expect(j2).toMatchObject({ created: 0, updated: 1 });
    const rows = await t.sql(`select title from contact where emails @> '[{"address":"ina.import@example.com"}]'`);
    expect(rows).toEqual([{ title: 'CTO' }]);
    expect(await count('audit_event', `action = 'IMPORT' and entity_type = 'Contact'`)).toBe(2);
    // Rep 2 cannot add contacts to rep 1's customer.
    const dry = ok(await upload('SALES_REP_2', 'CONTACTS', `customerId,firstName,lastName\n${customer.id},No,Way`, true)).importCsv.dryRun;
    expect(dry.errors[0]).toMatchObject({ row: 2, column: 'customerId', code: 'NOT_FOUND' });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { DOMAINS, type Domain } from '../src/domains';
import { domainProblems } from '../src/domains/check';
import { Customer } from '../src/entities/customer.entity';
import { auditedTypes } from '../src/services/audit.service';
import { buildBareSchema } from '../src/schema';
import { JOBS } from '../src/jobs';
import { ok, startTestApp, type TestApp } from './helpers';

/**
 * The domain manifests (src/domains): every central list is built from them, so a domain that forgets a
 * part must fail here (and at start-up), not leak or silently vanish.
 */

describe('the domain manifests', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => { schema = await buildBareSchema(); });

  test('every domain is complete: each Node entity has an id prefix, a node(id) loader and permission rows of its own domain', () => {
    expect(DOMAINS.map((d) => d.name)).toEqual(['platform', 'customers', 'sales', 'orders', 'finance', 'service', 'loyalty', 'value', 'integrations', 'bulk']);
    expect(domainProblems(DOMAINS, schema)).toEqual([]);
  });

  test('the check bites: a domain without node loader, permission rows or a unique name is reported', () => {
    const broken: Domain = { name: 'customers', entities: [Customer], migrations: [], resolvers: [], permissions: [{}] };
    expect(domainProblems([...DOMAINS, broken], schema)).toEqual([
      'Two domains are named customers.',
      'customers: Customer has no permission rows.',
      'customers: Customer has no node(id) loader.',
    ]);
  });

  test('every audited type has an audit scope in its domain (entries of a type without one would be hidden from everyone)', () => {
    // The types services write to the audit log, read from their source: `entityType: 'X'`.
    const dir = join(__dirname, '../src/services');
    const written = new Set(readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/entityType: '(\w+)'/g)].map((m) => m[1])));
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((type) => !auditedTypes().includes(type))).toEqual([]);
    // …and each scope belongs to the domain that owns the type.
    for (const domain of DOMAINS) {
      const own = new Set(domain.entities.map((e) => e.name));
      expect([domain.name, (domain.audit ?? []).flatMap((s) => s.types).filter((type) => !own.has(type))]).toEqual([domain.name, []]);
    }
  });

  test('every migration file belongs to exactly one domain; jobs and timeline kinds are unique', () => {
    const files = readdirSync(join(__dirname, '../migrations')).filter((f) => /^Migration\d+\w+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    const declared = DOMAINS.flatMap((d) => d.migrations.map((m) => m.name)).sort();
    expect(declared).toEqual(files);
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
    expect(JOBS.map((j) => j.name).sort()).toEqual(['loyalty', 'metrics', 'overdue', 'purgeIdempotencyKeys', 'sla', 'taskDue', 'webhooks']);
    const kinds = DOMAINS.flatMap((d) => (d.timeline ?? []).map((s) => s.kind));
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});

describe('the audit log fails closed (through HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  const HISTORY = `query($id: ID!) { customer(id: $id) { history(first: 100) { totalCount edges { node { id entityType changes { field oldValue newValue redacted } } } }
    timeline(first: 100) { edges { kind node { ... on AuditEvent { id } } } } } }`;

  test('an entry of a type no domain gave a scope is hidden from everyone, ADMIN included, in history, its count, the timeline and node(id)', async () => {
    const [c] = await t.sql<{ id: string }>('select id from customer where deleted_at is null order by id limit 1');
    const admin = (await t.sql<{ id: string }>(`select id from app_user where role = 'ADMIN' limit 1`))[0].id;
    const [mystery, known] = [`aud_${'a'.repeat(32)}`, `aud_${'b'.repeat(32)}`];
    const insert = (id: string, type: string, field: string) => t.sql(`insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      values (?, ?, ?, ?, 'UPDATE', 'USER', ?, now(), ?::jsonb)`, [id, type, c.id, c.id, admin, JSON.stringify([{ field, old: 'a', new: 'b' }])]);
    await insert(mystery, 'Mystery', 'secret');
    // The same entry of a known type is shown (the customer's rules cover all its fields).
    await insert(known, 'Customer', 'website');
    for (const who of ['ADMIN', 'SALES_MANAGER'] as const) {
      const customer = ok(await t.gql(HISTORY, { id: c.id }, who)).customer;
      const ids = customer.history.edges.map((e: any) => e.node.id);
      expect([who, ids.includes(mystery), ids.includes(known)]).toEqual([who, false, true]);
      expect(customer.history.totalCount).toBe(ids.length);
      expect(customer.timeline.edges.filter((e: any) => e.kind === 'AUDIT_EVENT').map((e: any) => e.node.id)).not.toContain(mystery);
      const entry = customer.history.edges.find((e: any) => e.node.id === known).node;
      expect(entry.changes).toEqual([{ field: 'website', oldValue: 'a', newValue: 'b', redacted: false }]);
      expect(ok(await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: mystery }, who)).node).toBeNull();
    }
  });
});

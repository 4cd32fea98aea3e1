/**
 * The field guard (src/auth/field-guard.ts) trusts a policy's `decide` — its answer for the caller alone —
 * and checks the record only when `decide` has no answer. So `decide` must never disagree with `check`:
 * for every policy of the permission map, every kind of caller and records of every relevant shape.
 */
import 'reflect-metadata';
import '../../src/domains';
import { permissionMap } from '../../src/auth';
import { permits } from '../../src/auth/field-guard';
import { SCOPES, type Principal } from '../../src/auth/principal';
import { KEY_ROLES } from '../../src/auth/roles';
import { Role } from '../../src/entities/enums';

const ME = 'usr_me';
const PARTNER_ACCOUNT = 'cus_partner';

const callers: Principal[] = [
  ...Object.values(Role).map((role): Principal => ({ type: 'USER', id: ME, role, scopes: [], partnerCustomerId: role === Role.PARTNER ? PARTNER_ACCOUNT : null })),
  ...KEY_ROLES.flatMap((role) => [[], ['customers:read'], ['finance:read'], [...SCOPES]].map((scopes): Principal =>
    ({ type: 'API_KEY', id: ME, role, scopes, partnerCustomerId: role === Role.PARTNER ? PARTNER_ACCOUNT : null }))),
];

// Records that flip every per-record rule: consent, creator, kind, the partner's own account, the caller's own user row.
const records = [null, {}, ...[true, false].flatMap((marketingConsent) => [ME, 'usr_other'].flatMap((createdBy) =>
  ['BUSINESS', 'INDIVIDUAL'].flatMap((kind) => [ME, PARTNER_ACCOUNT, 'cus_other'].map((id) => ({ marketingConsent, createdBy, kind, id })))))];

const policies = [...new Map(Object.values(permissionMap).flatMap((fields) => Object.values(fields)).map((p) => [p.name, p])).values()];

test('the map has per-record policies to check (the test sees the domains)', () => {
  expect(policies.filter((p) => p.perRecord).length).toBeGreaterThanOrEqual(5);
});

test.each(policies.map((p) => [p.name, p] as const))('%s: decide agrees with check for every caller and record', (_name, policy) => {
  for (const caller of callers) {
    const answer = policy.decide(caller);
    if (answer === undefined) continue;
    for (const record of records) expect([caller.type, caller.role, caller.scopes.join(','), record, policy.check(caller, record)]).toEqual([caller.type, caller.role, caller.scopes.join(','), record, answer]);
  }
});

test('an ADMIN never needs the record for any field of the map (nothing is checked per row for ADMIN)', () => {
  const admin = callers.find((c) => c.type === 'USER' && c.role === Role.ADMIN)!;
  const perRow = policies.filter((p) => permits(admin, p) === null).map((p) => p.name);
  expect(perRow).toEqual([]);
});

test('per-record policies leave the record to decide only for the callers it matters to', () => {
  const pii = permissionMap.Contact.phones;
  const decided = (role: Role, type: Principal['type'] = 'USER') => pii.decide(callers.find((c) => c.role === role && c.type === type)!);
  expect(decided(Role.SALES_REP)).toBe(true);
  expect(decided(Role.ANALYST)).toBe(false);
  expect(decided(Role.MARKETING)).toBeUndefined();
  expect(decided(Role.INTEGRATION, 'API_KEY')).toBeUndefined();
});

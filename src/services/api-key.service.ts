import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { SCOPES, SCOPE_INFO, type Principal } from '../auth/principal';
import { KEY_ROLES } from '../auth/roles';
import { ApiKey } from '../entities/api-key.entity';
import { Role } from '../entities/enums';
import type { ServiceContext } from './context';
import { customersByIds } from './customer.service';
import { userError } from './errors';
import { expandKeys, keysetSql, lazyCount, orderSql, pageRequest, toConnection, type ConnectionArgs, type SortKey } from './pagination';
import { columnsOf, limitSql, rows, sql, textArray } from './sql';
import { ID, parseInput, text, type InputOf } from './validation';

/**
 * API keys look like `crm_<prefix>_<secret>`. The prefix finds the key; only a SHA-256 of the secret is
 * stored (the secret is 32 random bytes, so a slow hash adds nothing) and compared in constant time.
 */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const CreateApiKey = z.object({
  name: text(100),
  role: z.enum(KEY_ROLES, { errorMap: () => ({ message: 'An API key is for an INTEGRATION or a PARTNER.' }) }),
  scopes: z.array(z.enum(SCOPES, { errorMap: () => ({ message: `Unknown scope; known: ${SCOPES.join(', ')}.` }) })).min(1, 'Give the key at least one scope.'),
  partnerCustomerId: ID('cus').nullish(),
  expiresAt: z.date().nullish(),
});

/** What the caller passes: any role and any scope names; the schema refuses the others (VALIDATION naming the field). */
export type CreateApiKeyInput = Omit<InputOf<typeof CreateApiKey>, 'role' | 'scopes'> & { role: Role; scopes: string[] };

export async function createApiKey(ctx: ServiceContext, input: CreateApiKeyInput) {
  const parsed = parseInput(CreateApiKey, input);
  if (!parsed.ok) return { apiKey: null, secret: null, errors: parsed.errors };
  const data = parsed.data;
  const misfit = data.scopes.findIndex((s) => !SCOPE_INFO[s].keyRoles.includes(data.role));
  if (misfit >= 0) {
    const scope = data.scopes[misfit];
    return { apiKey: null, secret: null, errors: [userError('VALIDATION', `\`${scope}\` is for ${SCOPE_INFO[scope].keyRoles.join(' and ')} keys, not ${data.role} keys.`, ['input', 'scopes', String(misfit)])] };
  }
  if (data.role === Role.PARTNER) {
    const [partner] = data.partnerCustomerId ? await customersByIds(ctx, [data.partnerCustomerId]) : [];
    if (!partner) return { apiKey: null, secret: null, errors: [userError('VALIDATION', 'A PARTNER key needs the id of its partner customer.', ['input', 'partnerCustomerId'])] };
    if (!partner.isPartner) return { apiKey: null, secret: null, errors: [userError('VALIDATION', 'That customer is not a partner (isPartner: false).', ['input', 'partnerCustomerId'])] };
  } else if (data.partnerCustomerId) {
    return { apiKey: null, secret: null, errors: [userError('VALIDATION', 'Only PARTNER keys belong to a partner customer.', ['input', 'partnerCustomerId'])] };
  }
  if (data.expiresAt && data.expiresAt <= new Date()) {
    return { apiKey: null, secret: null, errors: [userError('VALIDATION', 'expiresAt must be in the future.', ['input', 'expiresAt'])] };
  }
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const key = ctx.em.create(ApiKey, {
    name: data.name, prefix, secretHash: sha256(secret), role: data.role, scopes: [...new Set(data.scopes)],
    partnerCustomer: data.partnerCustomerId ?? null, createdBy: ctx.principal.id, expiresAt: data.expiresAt ?? null,
  });
  await ctx.em.persistAndFlush(key);
  return { apiKey: key, secret: `crm_${prefix}_${secret}`, errors: [] };
}

export async function revokeApiKey(ctx: ServiceContext, id: string) {
  const key = await ctx.em.findOne(ApiKey, { id });
  if (!key) return { apiKey: null, errors: [userError('NOT_FOUND', 'API key not found.', ['input', 'id'])] };
  key.revokedAt ??= new Date();
  await ctx.em.flush();
  return { apiKey: key, errors: [] };
}

const KEYS: SortKey<ApiKey>[] = expandKeys([
  { expr: 'k.created_at', dir: 'DESC', get: (r) => r.createdAt },
  { expr: 'k.id', dir: 'DESC', get: (r) => r.id },
]);

export async function listApiKeys(ctx: ServiceContext, args: ConnectionArgs) {
  const req = pageRequest(args, 'apiKeys');
  const fetched = await rows<ApiKey>(ctx.em, sql`select ${columnsOf(ctx.em, 'ApiKey', 'k')} from api_key k
    where ${keysetSql(KEYS, req.cursor, req.backward)} order by ${orderSql(KEYS, req.backward)} limit ${limitSql(req.limit + 1)}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from api_key`))[0].n);
  return toConnection(fetched, req, KEYS, 'apiKeys', count);
}

export async function apiKeysByIds(ctx: ServiceContext, ids: readonly string[]) {
  if (!ids.length) return [];
  return rows<ApiKey>(ctx.em, sql`select ${columnsOf(ctx.em, 'ApiKey', 'k')} from api_key k where k.id = any(${textArray([...ids])})`);
}

/** The principal for an `x-api-key` header, or null when the key is unknown, wrong, revoked or expired. */
export async function apiKeyPrincipal(em: EntityManager, presented: string): Promise<Principal | null> {
  const match = /^crm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(presented.trim());
  if (!match) return null;
  const [key] = await rows<{ id: string; role: Role; scopes: string[]; secretHash: string; partnerCustomerId: string | null; revokedAt: Date | null; expiresAt: Date | null }>(em,
    sql`select k.id, k.role, k.scopes, k.secret_hash as "secretHash", k.partner_customer_id as "partnerCustomerId",
      k.revoked_at as "revokedAt", k.expires_at as "expiresAt" from api_key k where k.prefix = ${match[1]}`);
  if (!key) return null;
  const same = timingSafeEqual(Buffer.from(sha256(match[2]), 'hex'), Buffer.from(key.secretHash, 'hex'));
  if (!same || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null;
  return { type: 'API_KEY', id: key.id, role: key.role, scopes: key.scopes, partnerCustomerId: key.partnerCustomerId };
}

/**
 * A key as a caller by its id (the owner of a webhook subscription acts without presenting its secret),
 * or null when it is unknown, revoked or expired: the twin of `userPrincipal`.
 */
export async function apiKeyPrincipalById(em: EntityManager, id: string): Promise<Principal | null> {
  const [key] = await rows<{ id: string; role: Role; scopes: string[]; partnerCustomerId: string | null }>(em, sql`select k.id, k.role, k.scopes,
      k.partner_customer_id as "partnerCustomerId" from api_key k
    where k.id = ${id} and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`);
  return key ? { type: 'API_KEY', id: key.id, role: key.role, scopes: key.scopes, partnerCustomerId: key.partnerCustomerId } : null;
}

/** The calling key itself (for `viewer`), or null when the caller is not a key. */
export async function ownApiKey(ctx: ServiceContext) {
  if (ctx.principal.type !== 'API_KEY') return null;
  const [key] = await rows<Pick<ApiKey, 'id' | 'name' | 'prefix' | 'scopes' | 'createdAt' | 'expiresAt'>>(ctx.em,
    sql`select k.id, k.name, k.prefix, k.scopes, k.created_at as "createdAt", k.expires_at as "expiresAt" from api_key k where k.id = ${ctx.principal.id}`);
  return key ?? null;
}

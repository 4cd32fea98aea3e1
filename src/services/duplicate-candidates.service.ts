import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from './context';
import { InputError } from './errors';
import { keysetSql, lazyCount, orderSql, pageRequest, toConnection, type SortKey } from './pagination';
import { customerScope } from './scope';
import { limitSql, raw, rows, sql, type Sql } from './sql';

/**
 * `duplicateCandidates` (issue 15): pairs of live customers, both in the caller's record scope, that are
 * probably the same — the same normalised e-mail (lower-case, trimmed) or phone (digits only, 6 or more)
 * on the customer record, or names similar by pg_trgm `similarity()`.
 *
 * Cost, at 100,000 customers: e-mails and phones are unnested and hash-joined (linear in live customers,
 * no cross join); names use the trigram index `customer_name_trgm` through the `%` operator, one index probe
 * per customer, with `pg_trgm.similarity_threshold` set to `minSimilarity` for the statement's transaction
 * (`set_config(…, true)`), so the index itself prunes pairs below it.
 */

export type DuplicateReason = 'SAME_EMAIL' | 'SAME_PHONE' | 'SIMILAR_NAME';

export interface DuplicateCandidateRow {
  customerAId: string;
  customerBId: string;
  sameEmail: boolean;
  samePhone: boolean;
  /** pg_trgm similarity of the names (0–1) when at least `minSimilarity`, else null. */
  nameSimilarity: number | null;
  /** Decimal string with 4 places: 1 for a shared e-mail, 0.9 for a shared phone, else the name similarity (the highest applies). */
  score: string;
  reasons: DuplicateReason[];
}

export const DEFAULT_MIN_SIMILARITY = 0.6;
export const MIN_SIMILARITY_FLOOR = 0.4;

const KEYS: SortKey<DuplicateCandidateRow>[] = [
  { expr: 'p.score', dir: 'DESC', get: (r) => r.score },
  { expr: 'p.a_id', dir: 'ASC', get: (r) => r.customerAId },
  { expr: 'p.b_id', dir: 'ASC', get: (r) => r.customerBId },
];

function pairsSql(ctx: ServiceContext): Sql {
  const live = (alias: string) => sql`${raw(`${alias}.deleted_at is null`)} and ${customerScope(ctx.principal, alias)}`;
  return sql`with
    live as (select c.id, c.emails, c.phones from customer c where ${live('c')}),
    keys as (
      select l.id, 'E' as kind, lower(btrim(e->>'address')) as k from live l, jsonb_array_elements(l.emails) e
      union
      select l.id, 'P' as kind, regexp_replace(ph->>'number', '[^0-9]', '', 'g') as k from live l, jsonb_array_elements(l.phones) ph
    ),
    usable as (select * from keys where (kind = 'E' and k like '_%@_%') or (kind = 'P' and length(k) >= 6)),
    key_pairs as (
      select x.id as a_id, y.id as b_id, bool_or(x.kind = 'E') as same_email, bool_or(x.kind = 'P') as same_phone
      from usable x join usable y on y.kind = x.kind and y.k = x.k and x.id < y.id
      group by x.id, y.id
    ),
    name_pairs as (
      select a.id as a_id, b.id as b_id, similarity(a.name, b.name) as sim
      from customer a join customer b on b.name % a.name and b.id > a.id
      where ${live('a')} and ${live('b')}
    ),
    pairs as (
      select coalesce(k.a_id, n.a_id) as a_id, coalesce(k.b_id, n.b_id) as b_id,
        coalesce(k.same_email, false) as same_email, coalesce(k.same_phone, false) as same_phone, n.sim
      from key_pairs k full join name_pairs n on n.a_id = k.a_id and n.b_id = k.b_id
    )
    select pairs.*, round(greatest(case when same_email then 1 else 0 end, case when same_phone then 0.9 else 0 end, coalesce(sim, 0))::numeric, 4) as score
    from pairs`;
}

/** Runs `query` with the trigram threshold set for its transaction only (never leaks into a pooled session). */
async function withThreshold<T>(ctx: ServiceContext, minSimilarity: number, query: (em: EntityManager) => Promise<T>): Promise<T> {
  return ctx.em.transactional(async (em) => {
    await rows(em as EntityManager, sql`select set_config('pg_trgm.similarity_threshold', ${String(minSimilarity)}, true)`);
    return query(em as EntityManager);
  });
}

export interface DuplicateCandidatesArgs { first?: number | null; after?: string | null; minSimilarity?: number | null }

export async function duplicateCandidates(ctx: ServiceContext, args: DuplicateCandidatesArgs) {
  const minSimilarity = args.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  if (!(minSimilarity >= MIN_SIMILARITY_FLOOR && minSimilarity <= 1)) {
    throw new InputError(`\`minSimilarity\` must be between ${MIN_SIMILARITY_FLOOR} and 1.`, 'minSimilarity');
  }
  const signature = `duplicateCandidates:${minSimilarity}`;
  const req = pageRequest({ first: args.first, after: args.after }, signature);
  const fetched = await withThreshold(ctx, minSimilarity, (em) => rows<{
    a_id: string; b_id: string; same_email: boolean; same_phone: boolean; sim: number | null; score: string;
  }>(em, sql`select p.* from (${pairsSql(ctx)}) p where ${keysetSql(KEYS, req.cursor, false)}
    order by ${orderSql(KEYS, false)} limit ${limitSql(req.limit + 1)}`));
  const page: DuplicateCandidateRow[] = fetched.map((r) => {
    const sim = r.sim == null ? null : Number(r.sim);
    const reasons: DuplicateReason[] = [];
    if (r.same_email) reasons.push('SAME_EMAIL');
    if (r.same_phone) reasons.push('SAME_PHONE');
    if (sim != null) reasons.push('SIMILAR_NAME');
    return { customerAId: r.a_id, customerBId: r.b_id, sameEmail: r.same_email, samePhone: r.same_phone, nameSimilarity: sim, score: String(r.score), reasons };
  });
  const count = lazyCount(async () => {
    const [{ n }] = await withThreshold(ctx, minSimilarity, (em) => rows<{ n: number }>(em, sql`select count(*)::int as n from (${pairsSql(ctx)}) p`));
    return n;
  });
  return toConnection(page, req, KEYS, signature, count);
}

import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { ForbiddenError, InputError } from './errors';
import { customerNameVisibleSql, personNameVisibleSql } from './scope';
import { and, likeEscape, or, raw, sql, type Sql } from './sql';
import { PII_SEARCH } from '../auth/roles';

/** The search term trimmed and lower-cased; at least 2 characters. */
function normalised(term: string): string {
  const trimmed = term.trim().toLowerCase();
  if (trimmed.length < 2) throw new InputError('Search needs at least 2 characters.', 'search');
  return trimmed;
}

/**
 * Customer search: case-insensitive substring match on customer name, contact names, phones and
 * e-mails, served by trigram indexes on each table's `search_text`. Callers who may not read contact
 * details (MARKETING, ANALYST, INTEGRATION) match on customer names only, so a search cannot be used
 * to probe for a phone number; ANALYST matches business names only and
 * INTEGRATION keys business names and the individuals they created.
 */
export function searchSql(principal: Principal, term: string | null | undefined, alias = 'c'): Sql {
  if (term == null) return raw('true');
  const trimmed = normalised(term);
  if (trimmed.length > 100) throw new InputError('Search takes at most 100 characters.', 'search');
  const patterns = [`%${likeEscape(trimmed)}%`];
  const digits = trimmed.replace(/\D/g, '');
  if (/^[0-9 +()./-]+$/.test(trimmed) && digits.length >= 4 && digits !== trimmed) patterns.push(`%${digits}%`);

  if (!PII_SEARCH.includes(principal.role)) {
    // Only names the caller may read: ANALYST business names; INTEGRATION business names and
    // individuals it created; MARKETING all names.
    return and([sql`${raw(alias)}.name ilike ${patterns[0]}`, customerNameVisibleSql(principal, alias)]);
  }
  const match = (col: string) => or(patterns.map((p) => sql`${raw(col)} like ${p}`));
  return sql`${raw(alias)}.id in (
    select s.id from customer s where ${match('s.search_text')}
    union
    select k.customer_id from contact k where k.deleted_at is null and ${match('k.search_text')}
  )`;
}

/**
 * Contact search on the `contact` row aliased `k`: names, phones and e-mails for the roles of
 * `PII_SEARCH`; names only for MARKETING (no probing for a phone number); for an INTEGRATION key names
 * of the contacts it created only (it may not read other people's names); refused to ANALYST.
 */
export function contactSearchSql(principal: Principal, term: string | null | undefined): Sql {
  if (term == null) return raw('true');
  const pattern = `%${likeEscape(normalised(term))}%`;
  if (PII_SEARCH.includes(principal.role)) return sql`k.search_text like ${pattern}`;
  if (principal.role === Role.ANALYST) throw new ForbiddenError('ANALYST cannot search people.');
  return and([sql`(k.first_name || ' ' || k.last_name) ilike ${pattern}`, personNameVisibleSql(principal, 'k')]);
}

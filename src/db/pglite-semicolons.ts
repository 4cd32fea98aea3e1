import { PGliteKnexDialect } from 'mikro-orm-pglite';

/**
 * Whether SQL text holds more than one statement: a `;` outside quoted strings ('…', E'…', $tag$…$tag$),
 * quoted identifiers and comments, followed by more than whitespace.
 */
export function isMultiStatement(sql: string): boolean {
  let i = 0;
  const n = sql.length;
  let ended = false; // a statement ended with `;`: anything but whitespace after it is a second one
  while (i < n) {
    const c = sql[i];
    if (ended && !/\s/.test(c)) return true;
    if (c === ';') { ended = true; i++; continue; }
    if (c === '-' && sql[i + 1] === '-') { i = skipTo(sql, i + 2, '\n'); continue; }
    if (c === '/' && sql[i + 1] === '*') { i = skipTo(sql, i + 2, '*/'); continue; }
    if (c === '"') { i = skipQuoted(sql, i, '"', false); continue; }
    if (c === '\'') {
      // E'…' strings (what the driver writes for values with backslashes) escape with a backslash.
      const escaped = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !/[\w$]/.test(sql[i - 2] ?? ' ');
      i = skipQuoted(sql, i, '\'', escaped);
      continue;
    }
    if (c === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag && !/[\w$]/.test(sql[i - 1] ?? ' ')) { i = skipTo(sql, i + tag[0].length, tag[0]); continue; }
    }
    i++;
  }
  return false;
}

/** The index after the next `end` from `from` (or the end of the text). */
function skipTo(sql: string, from: number, end: string): number {
  const at = sql.indexOf(end, from);
  return at < 0 ? sql.length : at + end.length;
}

/** The index after a quoted run opened at `start`; a doubled quote stays inside, as does a backslash escape in E'…'. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslash && sql[i] === '\\') { i += 2; continue; }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return i;
}

let patched = false;

/**
 * The embedded database's knex dialect (knex-pglite) sends any raw SQL with a `;` anywhere — also inside
 * a value the ORM inlined, e.g. an id "a;b" from a client — through PGlite's multi-statement `exec`, whose
 * answer is a list of results: the ORM then read that list as rows and failed (a 500). Only text that
 * really holds several statements (migrations) goes to `exec` now; everything else to `query`.
 */
export function sendSingleStatementsAsQueries(): void {
  if (patched) return;
  patched = true;
  const proto = PGliteKnexDialect.prototype as unknown as {
    _query(connection: { query(sql: string, params: unknown[]): Promise<unknown> }, obj: { method?: string; sql?: string; bindings?: unknown[]; response?: unknown }): Promise<unknown>;
  };
  const original = proto._query;
  proto._query = async function query(connection, obj) {
    if (obj.method === 'raw' && obj.sql && obj.sql.includes(';') && !isMultiStatement(obj.sql)) {
      obj.response = await connection.query(obj.sql, obj.bindings ?? []);
      return obj;
    }
    return original.call(this, connection, obj);
  };
}

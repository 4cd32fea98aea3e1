/**
 * Reducing the three sides' answers to the same canonical values. Each side brings its own types for the
 * same column: the API sends GraphQL scalars (ISO strings with `Z`, decimal strings), PostGraphile its own
 * (timestamps with a `+00:00` offset, JSON columns as they are stored), `pg` JavaScript values (`Date`)
 * or, inside JSON built by PostgreSQL, PostgreSQL's text forms. Every scenario builds its rows with one
 * function per row type, called by all three sides, so keys and their order are the same by construction
 * and only the values need normalising here.
 */

/** A timestamp as an ISO string in UTC (`…Z`, milliseconds: the columns are `timestamp(3)`); null stays null. */
export function iso(value: unknown): string | null {
  if (value == null) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`Not a timestamp: ${JSON.stringify(value)}`);
  return date.toISOString();
}

/** Milliseconds since the epoch of a timestamp in any of the sides' forms (for merging sorted lists). */
export function millis(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

/**
 * A decimal as a string without insignificant zeros (`"1200.50"` and `"1200.5"` are both `"1200.5"`),
 * so that a difference of scale between the sides is not mistaken for a different value. A JavaScript
 * number here means some side parsed a decimal into a float: that loses digits, so it is refused.
 */
export function dec(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') throw new Error(`A decimal must arrive as a string (cast it to text in SQL): ${JSON.stringify(value)}`);
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Error(`Not a decimal: ${JSON.stringify(value)}`);
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** A calendar date as `YYYY-MM-DD` (the API's LocalDate, PostGraphile's Date, `::text` in SQL). */
export function day(value: unknown): string | null {
  if (value == null) return null;
  const text = String(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`Not a date (cast it to text in SQL): ${JSON.stringify(value)}`);
  return text;
}

/**
 * The addresses of an e-mail list: the API is asked for `emails { address }`, PostGraphile and SQL return
 * the stored JSON (`[{ label, address }]`). No list and an empty list are the same to a reader.
 */
export function addresses(value: unknown): (string | null)[] {
  return ((value as { address?: string }[] | null) ?? []).map((e) => e.address ?? null);
}

/** The numbers of a phone list (`phones { number }` in the API, the stored JSON elsewhere). */
export function numbers(value: unknown): (string | null)[] {
  return ((value as { number?: string }[] | null) ?? []).map((p) => p.number ?? null);
}

/** A JSON value with the keys of every object sorted: the same document whatever order a side built it in. */
export function json(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(json);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, json((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The nodes of a Relay connection (the API); PostGraphile's connections are read through `nodes` directly. */
export function nodes<T = any>(connection: { edges: { node: T }[] } | null | undefined): T[] {
  return connection ? connection.edges.map((e) => e.node) : [];
}

/**
 * Compares ids the way PostgreSQL orders them, for ties within one kind: ids of a kind share their prefix
 * (`act_`, `cas_`, …) and differ in lower-case hex digits of one length, which every collation orders like
 * code units.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


/**
 * A PostGraphile query written with `nodes { … }` turned into the Relay shape the API serves,
 * `edges { node { … } }`, so that both servers answer the same request (same nesting, same number of
 * fields to resolve); read the result with `nodes()`.
 */
export function relay(query: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = query.indexOf('nodes {', i);
    if (at < 0) return out + query.slice(i);
    // the block's closing brace
    let depth = 0;
    let end = at + 'nodes '.length;
    for (; end < query.length; end++) {
      if (query[end] === '{') depth++;
      else if (query[end] === '}' && --depth === 0) break;
    }
    out += `${query.slice(i, at)}edges { node ${relay(query.slice(at + 'nodes '.length, end + 1))} }`;
    i = end + 1;
  }
}

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { InputError } from './errors';
import { and, or, raw, sql, type Sql, FALSE } from './sql';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export type Direction = 'ASC' | 'DESC';

/** One column of a keyset order. `expr` is trusted SQL; `get` reads the same value from a row. */
export interface SortKey<T = any> {
  expr: string;
  dir: Direction;
  nullable?: boolean;
  get: (row: T) => unknown;
}

export interface PageRequest {
  limit: number;
  backward: boolean;
  cursor: unknown[] | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when a client asks for `totalCount`. */
  readonly totalCount: Promise<number>;
}

/** Validates Relay arguments: `first`/`after` page forward, `last`/`before` backward, at most 100 rows. */
export function pageRequest(args: ConnectionArgs, signature: string): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw new InputError('Pass either `first` or `last`, not both.', 'first');
  if (last != null && after != null) throw new InputError('`after` pages forward: use it with `first`.', 'after');
  if (first != null && before != null) throw new InputError('`before` pages backward: use it with `last`.', 'before');
  const size = first ?? last ?? DEFAULT_PAGE_SIZE;
  const arg = last != null ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new InputError(`\`${arg}\` must be between 0 and ${MAX_PAGE_SIZE}.`, arg);
  }
  const backward = last != null || before != null;
  const cursorText = backward ? before : after;
  return { limit: size, backward, cursor: cursorText ? decodeCursor(cursorText, signature, backward ? 'before' : 'after') : null };
}

/**
 * Cursors are opaque: their keyset values (a name, an amount) may be values the caller is not allowed
 * to read, so they are encrypted (AES-256-GCM) and authenticated, not just encoded. The nonce is an
 * HMAC of the content, so the same position always gives the same cursor. The keys come from the
 * server's secret (`setCursorSecret`, at start-up): cursors stay valid across restarts and instances.
 */
let cursorKeys = deriveCursorKeys(randomBytes(32));

function deriveCursorKeys(secret: Uint8Array): { enc: Buffer; mac: Buffer } {
  const derive = (purpose: string) => createHmac('sha256', secret).update(`cursor:${purpose}`).digest();
  return { enc: derive('enc'), mac: derive('mac') };
}

export function setCursorSecret(secret: Uint8Array): void {
  cursorKeys = deriveCursorKeys(secret);
}

function encodeCursor(values: unknown[], signature: string): string {
  const plain = Buffer.from(JSON.stringify({ o: signature, v: values }));
  const nonce = createHmac('sha256', cursorKeys.mac).update(plain).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', cursorKeys.enc, nonce);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64url');
}

function decodeCursor(cursor: string, signature: string, field: string): unknown[] {
  try {
    const raw = Buffer.from(cursor, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', cursorKeys.enc, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const parsed = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
    if (parsed && parsed.o === signature && Array.isArray(parsed.v)) return parsed.v;
  } catch {
    // not one of ours (or tampered with): fall through
  }
  throw new InputError('Invalid cursor for this list and order: use a cursor returned by the same query.', field);
}

/** A nullable key sorts its nulls last in both directions: an `(expr is null)` key goes first. */
export function expandKeys<T>(keys: SortKey<T>[]): SortKey<T>[] {
  return keys.flatMap((k) =>
    k.nullable ? [{ expr: `(${k.expr} is null)`, dir: 'ASC' as Direction, get: (r: T) => k.get(r) == null }, { ...k }] : [k],
  );
}

const effective = (dir: Direction, backward: boolean): Direction => (backward ? (dir === 'ASC' ? 'DESC' : 'ASC') : dir);

export function orderSql<T>(keys: SortKey<T>[], backward: boolean): Sql {
  return raw(keys.map((k) => `${k.expr} ${effective(k.dir, backward)}`).join(', '));
}

/** Rows strictly after the cursor in the (possibly reversed) order: lexicographic over every key. */
export function keysetSql<T>(keys: SortKey<T>[], values: unknown[] | null, backward: boolean): Sql {
  if (!values) return raw('true');
  if (values.length !== keys.length) throw new InputError('Invalid cursor for this list and order.', backward ? 'before' : 'after');
  const dirs = keys.map((k) => effective(k.dir, backward));
  const uniform = dirs.every((d) => d === dirs[0]) && keys.every((k) => !k.nullable) && values.every((v) => v != null);
  if (uniform) {
    // Row comparison lets PostgreSQL walk the index directly.
    const lhs = raw(`(${keys.map((k) => k.expr).join(', ')})`);
    const rhs = { text: `(${values.map(() => '?').join(', ')})`, params: values };
    return sql`${lhs} ${raw(dirs[0] === 'ASC' ? '>' : '<')} ${rhs}`;
  }
  const disjuncts: Sql[] = [];
  keys.forEach((key, i) => {
    if (values[i] == null) return; // nothing sorts strictly after null: nulls are last
    const equal = keys.slice(0, i).map((k, j) => (values[j] == null ? raw(`${k.expr} is null`) : sql`${raw(k.expr)} = ${values[j]}`));
    // A nullable key is preceded by its `is null` flag key, whose equality already excludes nulls here.
    const strict = sql`${raw(key.expr)} ${raw(dirs[i] === 'ASC' ? '>' : '<')} ${values[i]}`;
    disjuncts.push(and([...equal, strict]));
  });
  // Parenthesised: callers splice this after `and`, where a bare `or` would escape the scope and filters.
  return disjuncts.length ? sql`(${or(disjuncts)})` : FALSE;
}

/** An edge whose cursor is made (encrypted) only when a client asks for it; a class, so that a page of edges shares one shape. */
class Edge<T> {
  constructor(readonly node: T, private readonly cursorOf: (node: T) => string) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

/** Turns `limit + 1` fetched rows into a Relay connection. */
export function toConnection<T>(
  fetched: T[],
  req: PageRequest,
  keys: SortKey<T>[],
  signature: string,
  totalCount: () => Promise<number>,
): Connection<T> {
  const hasMore = fetched.length > req.limit;
  const page = fetched.slice(0, req.limit);
  if (req.backward) page.reverse();
  // Cursors are encrypted only when a client asks for them.
  const cursorOf = (node: T) => encodeCursor(keys.map((k) => k.get(node)), signature);
  const edges = page.map((node) => new Edge(node, cursorOf));
  return {
    edges,
    pageInfo: {
      hasNextPage: req.backward ? req.cursor != null : hasMore,
      hasPreviousPage: req.backward ? hasMore : req.cursor != null,
      get startCursor() { return page.length ? cursorOf(page[0]) : null; },
      get endCursor() { return page.length ? cursorOf(page[page.length - 1]) : null; },
    },
    get totalCount() {
      return totalCount();
    },
  };
}

/** Memoises a count so a connection asked for `totalCount` twice runs one query. */
export function lazyCount(run: () => Promise<number>): () => Promise<number> {
  let pending: Promise<number> | null = null;
  return () => (pending ??= run());
}

export interface OrderBy<F extends string> {
  field: F;
  direction: Direction;
}

type KeysOf<T> = Omit<SortKey<T>, 'dir'> | Omit<SortKey<T>, 'dir'>[];

/**
 * Sort keys for an `orderBy` list: each field's keys in its direction (a field given twice counts
 * once), then the id in the last direction so the order is total. The signature ties cursors to
 * this list and order: a cursor of another list or order is refused.
 */
export function orderKeys<T extends { id: string }, F extends string>(
  list: string,
  order: Record<F, KeysOf<T>>,
  orderBy: OrderBy<F>[] | null | undefined,
  fallback: OrderBy<F>,
  idExpr: string,
): { keys: SortKey<T>[]; signature: string } {
  const given = orderBy?.length ? orderBy : [fallback];
  const seen = new Set<string>();
  const keys: SortKey<T>[] = given
    .filter((o) => !seen.has(o.field) && seen.add(o.field))
    .flatMap((o) => ([] as Omit<SortKey<T>, 'dir'>[]).concat(order[o.field]).map((k) => ({ ...k, dir: o.direction })));
  keys.push({ expr: idExpr, dir: keys[keys.length - 1].dir, get: (r) => r.id });
  return { keys: expandKeys(keys), signature: `${list}:${given.map((o) => `${o.field}.${o.direction}`).join(',')}` };
}

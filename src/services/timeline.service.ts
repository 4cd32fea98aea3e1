import type { ServiceContext } from './context';
import { InputError } from './errors';
import { pageRequest, toConnection, type Connection, type SortKey } from './pagination';
import { columnsOf, isFalse, join, jsonObjectOf, jsonValue, limitSql, parseEmbedded, raw, rows, sql, type Sql, textArray, TRUE } from './sql';

/**
 * The customer timeline: one stream, newest first, merging every source of things that happened with a
 * customer. Each source is a table with a customer column, a time and an id; a domain adds one in its
 * manifest (`Domain.timeline`), which also makes its kind a value of `TimelineItemKind` and its type a
 * member of the `TimelineItem` union.
 *
 * Order: (at DESC, rank DESC, id DESC), a total order; the cursor is (at, kind, id). One statement reads
 * the merged page for every customer of a batch (a lateral subquery per customer, each source cut at the
 * page size on its own index), then one statement per kind loads the rows: the number of statements
 * depends on the kinds asked for, never on the page size or the number of customers.
 */

/** A kind of timeline entry, e.g. `ORDER`: one per source (the GraphQL enum `TimelineItemKind` lists them). */
export type TimelineKind = string;

export interface TimelineSource {
  kind: TimelineKind;
  /** What an entry of this kind is, for the `TimelineItemKind` enum value. */
  description: string;
  /** The entity (and GraphQL object type) of the entries. */
  entity: new (...args: any[]) => object;
  /** Breaks ties between kinds at the same instant (higher first); unique per source. */
  rank: number;
  /** Table with its alias, and the (trusted) expressions of id, time and customer. */
  from: string;
  id: string;
  at: string;
  customer: string;
  /** Which rows of a visible customer the caller may see; FALSE leaves the source out. */
  visible: (ctx: ServiceContext) => Sql;
  /**
   * The rows by id (ids come from the scoped merge; no scope needed again). One made by
   * `timelineRowsById` says its table (`row`): such rows are read in the merge statement itself.
   */
  load: ((ctx: ServiceContext, ids: string[]) => Promise<{ id: string }[]>) & { row?: { entity: string; table: string; alias: string } };
}

/** The `load` of a source whose rows are one table's: the rows by id, every column. */
export const timelineRowsById = (entity: string, table: string, alias: string): TimelineSource['load'] => Object.assign(
  (ctx: ServiceContext, ids: string[]) =>
    rows<{ id: string }>(ctx.em, sql`select ${columnsOf(ctx.em, entity, alias)} from ${raw(table)} ${raw(alias)} where ${raw(alias)}.id = any(${textArray(ids)})`),
  { row: { entity, table, alias } },
);

/**
 * The row of each merged entry of a kind whose table is known, as JSON in the merge statement (one
 * primary-key lookup per entry on the page): the page is one statement instead of one more per kind.
 */
function rowSql(ctx: ServiceContext, sources: TimelineSource[]): Sql {
  const tables = sources.filter((s) => s.load.row);
  if (!tables.length) return raw('null::json');
  return sql`case t.kind ${join(tables.map((s) => {
    const { entity, table, alias } = s.load.row!;
    return sql`when ${raw(`'${s.kind}'`)} then (select ${jsonObjectOf(ctx.em, entity, alias)} from ${raw(`${table} ${alias}`)} where ${raw(alias)}.id = t.id)`;
  }), ' ')} end`;
}

/**
 * The sources of the stream; each domain registers its own (`Domain.timeline`) when the domains load.
 * Kinds and ranks are unique.
 */
const SOURCES: TimelineSource[] = [];
const SOURCE = new Map<TimelineKind, TimelineSource>();

export function registerTimelineSources(sources: TimelineSource[]): void {
  for (const source of sources) {
    if (SOURCE.has(source.kind) || SOURCES.some((s) => s.rank === source.rank)) throw new Error(`Timeline source ${source.kind} (rank ${source.rank}) is registered twice.`);
    SOURCES.push(source);
    SOURCE.set(source.kind, source);
    TIMELINE_KINDS[source.kind] = source.kind;
    TIMELINE_KIND_DESCRIPTIONS[source.kind] = { description: source.description };
  }
}

/** The kinds as an enum object, and their descriptions, for GraphQL (filled as sources register, read when the schema is built). */
export const TIMELINE_KINDS: Record<string, string> = {};
export const TIMELINE_KIND_DESCRIPTIONS: Record<string, { description: string }> = {};

/** The entities of the registered sources (the members of the `TimelineItem` union). */
export const timelineEntities = () => SOURCES.map((s) => s.entity);


export interface TimelineArgs {
  first?: number | null;
  after?: string | null;
  /** Only these kinds; all when null. */
  types?: TimelineKind[] | null;
  /** At or after this time (inclusive). */
  from?: Date | null;
  /** Before this time (exclusive). */
  to?: Date | null;
}

/** One entry of the stream: what happened (`node`, a row of its kind), and when. */
export interface TimelineEntry {
  kind: TimelineKind;
  id: string;
  at: Date;
  node: { id: string } | null;
}

/** A page of the timeline as the API shows it: each edge carries its kind and time next to the row. */
export interface TimelinePage {
  edges: { cursor: string; kind: TimelineKind; at: Date; node: { id: string } }[];
  pageInfo: Connection<TimelineEntry>['pageInfo'];
  readonly totalCount: Promise<number>;
}

const SIGNATURE = 'timeline';
const KEYS: SortKey<TimelineEntry>[] = [
  { expr: 'at', dir: 'DESC', get: (e) => e.at },
  { expr: 'kind', dir: 'DESC', get: (e) => e.kind },
  { expr: 'id', dir: 'DESC', get: (e) => e.id },
];

interface Position { at: string; rank: number; id: string }

function position(cursor: unknown[] | null): Position | null {
  if (!cursor) return null;
  const [at, kind, id] = cursor;
  const source = SOURCE.get(String(kind));
  if (cursor.length !== 3 || typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !source || typeof id !== 'string') {
    throw new InputError('Invalid cursor for this list and order: use a cursor returned by the same query.', 'after');
  }
  return { at: new Date(at).toISOString(), rank: source.rank, id };
}

function selectedSources(ctx: ServiceContext, types: TimelineKind[] | null | undefined) {
  return SOURCES.filter((s) => !types || types.includes(s.kind)).map((s) => ({ source: s, visible: s.visible(ctx) })).filter((s) => !isFalse(s.visible));
}

/** Rows of one source for the customer `p.parent`: within the time range and the caller's view. */
function rangeSql(source: TimelineSource, visible: Sql, args: TimelineArgs): Sql {
  const at = raw(source.at);
  return sql`${raw(source.customer)} = p.parent and ${visible}
    and ${args.from ? sql`${at} >= ${args.from.toISOString()}::timestamptz` : TRUE}
    and ${args.to ? sql`${at} < ${args.to.toISOString()}::timestamptz` : TRUE}`;
}

/** Rows of one source strictly after the cursor in the merged order (the source's rank is a constant). */
function afterSql(source: TimelineSource, pos: Position | null): Sql {
  if (!pos) return TRUE;
  const at = raw(source.at);
  const cursorAt = sql`${pos.at}::timestamptz`;
  if (source.rank < pos.rank) return sql`${at} <= ${cursorAt}`;
  if (source.rank > pos.rank) return sql`${at} < ${cursorAt}`;
  return sql`(${at}, ${raw(source.id)}) < (${cursorAt}, ${pos.id})`;
}

/**
 * One timeline page for each of several (already visible) customers: one statement for the merged
 * pages, one per kind for the rows.
 */
export async function timelinePagesByCustomer(
  ctx: ServiceContext,
  customerIds: readonly string[],
  args: TimelineArgs,
  countFor: (customerId: string) => Promise<number>,
): Promise<Map<string, TimelinePage>> {
  const req = pageRequest({ first: args.first, after: args.after }, SIGNATURE);
  const pos = position(req.cursor);
  const sources = selectedSources(ctx, args.types);
  const take = req.limit + 1;
  const fetched = customerIds.length && sources.length
    ? await rows<{ parent: string; kind: TimelineKind; id: string; at: Date | string; row: unknown }>(ctx.em, sql`select p.parent, t.kind, t.id, t.at,
          ${rowSql(ctx, sources.map((s) => s.source))} as "row"
        from unnest(${textArray([...customerIds])}) as p(parent)
        cross join lateral (
          select u.kind, u.kind_rank, u.id, u.at from (${join(sources.map(({ source, visible }) => sql`(
            select ${raw(`'${source.kind}'`)}::text as kind, ${raw(source.rank.toString())} as kind_rank, ${raw(source.id)} as id, ${raw(source.at)} as at
            from ${raw(source.from)}
            where ${rangeSql(source, visible, args)} and ${afterSql(source, pos)}
            order by ${raw(source.at)} desc, ${raw(source.id)} desc
            limit ${limitSql(take)})`), ' union all ')}) u
          order by u.at desc, u.kind_rank desc, u.id desc
          limit ${limitSql(take)}
        ) t
        order by p.parent, t.at desc, t.kind_rank desc, t.id desc`)
    : [];

  // The rows read with the merge; those of kinds without a known table, in one statement per kind.
  const nodes = new Map<string, { id: string }>();
  const idsByKind = new Map<TimelineKind, string[]>();
  for (const r of fetched) {
    if (SOURCE.get(r.kind)!.load.row) {
      const value = jsonValue(r.row);
      const [row] = parseEmbedded<{ id: string }>(ctx.em, value == null ? [] : [value]);
      if (row) nodes.set(row.id, row);
    } else idsByKind.set(r.kind, [...(idsByKind.get(r.kind) ?? []), r.id]);
  }
  await Promise.all([...idsByKind].map(async ([kind, ids]) => {
    for (const row of await SOURCE.get(kind)!.load(ctx, [...new Set(ids)])) nodes.set(row.id, row);
  }));

  const byParent = new Map<string, TimelineEntry[]>(customerIds.map((id) => [id, []]));
  for (const r of fetched) {
    byParent.get(r.parent)?.push({ kind: r.kind, id: r.id, at: new Date(r.at), node: nodes.get(r.id) ?? null });
  }
  return new Map([...byParent].map(([id, entries]) => {
    const connection = toConnection(entries, req, KEYS, SIGNATURE, () => countFor(id));
    // A row deleted between the two statements is left out rather than shown empty.
    // (Built field by field: spreading the connection would run its lazy count.)
    const page: TimelinePage = {
      // The cursor stays lazy (encrypting one costs more than the rest of the edge): made only when asked for.
      edges: connection.edges.filter((e) => e.node.node).map((e) => ({ get cursor() { return e.cursor; }, kind: e.node.kind, at: e.node.at, node: e.node.node! })),
      pageInfo: connection.pageInfo,
      get totalCount() { return countFor(id); },
    };
    return [id, page];
  }));
}

/** How many entries each (already visible) customer's timeline has (same kinds and range, no cursor): one statement. */
export async function timelineCountsByCustomer(ctx: ServiceContext, customerIds: readonly string[], args: Omit<TimelineArgs, 'first' | 'after'>) {
  const sources = selectedSources(ctx, args.types);
  if (!customerIds.length || !sources.length) return new Map<string, number>();
  const counts = sources.map(({ source, visible }) => sql`(select count(*) from ${raw(source.from)} where ${rangeSql(source, visible, args)})`);
  const counted = await rows<{ parent: string; n: number }>(ctx.em, sql`select p.parent, (${join(counts, ' + ')})::int as n
    from unnest(${textArray([...customerIds])}) as p(parent)`);
  return new Map(counted.map((r) => [r.parent, r.n]));
}

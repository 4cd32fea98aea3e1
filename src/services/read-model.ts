import type { ServiceContext } from './context';
import { filterSql, type AnyFilter, type FilterOf, type FilterSpec } from './filter';
import { embeddedPageSql, pagesByParent } from './pages-by-parent';
import {
  expandKeys, keysetSql, lazyCount, orderKeys, orderSql, pageRequest, toConnection,
  type Connection, type ConnectionArgs, type OrderBy, type SortKey,
} from './pagination';
import { InputError } from './errors';
import { and, columnProps, columnsOf, isFalse, join, jsonObjectOf, limitSql, parseEmbedded, raw, rows, sql, type Sql, textArray } from './sql';

/**
 * The read side of a domain, written once: a list (a keyset connection with a lazy count), records by
 * id, one record, one page per parent for many parents in one statement, and counts per parent. Every
 * domain describes its table, scope, filters and sort table; the SQL is generated here only, so this is
 * the one place where reads are optimised.
 */

/** One sort column without its direction (the direction comes from `orderBy`). */
export type SortColumn<T> = Omit<SortKey<T>, 'dir'>;

/**
 * One value of a list's sort enum: its column (`then`: further columns that break its ties, e.g. the
 * first name after the last name) and the description of the enum value in the schema.
 */
export interface SortField<T> extends SortColumn<T> {
  description: string;
  then?: SortColumn<T>[];
}

/** A list's sort table: its keys are the values of the GraphQL enum `XOrderField` (see schema/sort-enum.ts). */
export type SortTable<T> = Record<string, SortField<T>>;

/** The sort enum of a sort table, as a string union. */
export type SortFieldOf<O> = Extract<keyof O, string>;

/** The arguments of a list: Relay paging, the filter of its filter spec and the order of its sort table. */
export interface ListArgs<O, S> extends ConnectionArgs {
  filter?: FilterOf<S> | null;
  orderBy?: OrderBy<SortFieldOf<O>>[] | null;
  /**
   * The fields the client selected on the rows (from the resolver: `selectedFields`): only the columns
   * they need are read (see `fieldNeeds`). Absent: every column.
   */
  select?: readonly string[] | null;
}

/** A list read in a fixed order (no `orderBy`): its keys, in their directions, and the cursor signature. */
export interface FixedOrder<T> {
  keys: SortKey<T>[];
  signature: string;
}

export interface ReadModelSpec<T extends { id: string }, O extends SortTable<T>, S extends FilterSpec, X, P> {
  /** The entity whose columns are read (`columnsOf`), e.g. 'ServiceCase'. */
  entity: string;
  /** The table and its alias, e.g. 'service_case' and 'k'. */
  table: string;
  alias: string;
  /**
   * Joins needed by `visible` for the list and by-id reads, e.g. the parent case of a comment
   * (`join service_case k on k.id = m.case_id`); pages under a parent do without them.
   */
  join?: string;
  /** The rows the caller may read: the scope, applied in SQL. */
  visible: (ctx: ServiceContext) => Sql;
  /** The rows the caller may read under a parent it already sees; `visible` when omitted. */
  visibleUnderParent?: (ctx: ServiceContext) => Sql;
  /** The parent column of `pagesByParent` and `countsByParent`, e.g. 'k.customer_id'. */
  parentColumn?: string;
  /** Filterable fields (the GraphQL filter input lists the same names). */
  filter?: S;
  /** Hook: the filter fields for a caller, e.g. a name masked as null where it may not be read. */
  filterFor?: (ctx: ServiceContext, spec: S) => FilterSpec;
  /** Hook: the filter as the compiler reads it, e.g. tags upper-cased or a plain Boolean turned into `{ eq }`. */
  prepareFilter?: (filter: FilterOf<S> | null | undefined) => AnyFilter | null;
  /** Hook: further conditions of the root list from its own arguments, e.g. `search`. */
  listWhere?: (ctx: ServiceContext, args: X) => Sql;
  /**
   * Hook: arguments of the pages under a parent other than a filter (e.g. the `status` list of
   * `Customer.tasks`): which of the arguments they are (they key the counts) and their condition.
   */
  parentArgs?: { pick: (args: P) => P; where: (ctx: ServiceContext, args: P) => Sql };
  /** The order: a sort table with its default (the cursor signature names `list`), or a fixed order. */
  order: { list: string; table: O; default: OrderBy<SortFieldOf<O>> | OrderBy<SortFieldOf<O>>[] } | FixedOrder<T>;
  /**
   * For projection: the GraphQL fields of the row's type that are not columns (field resolvers) and the
   * column properties each reads besides the id and the references, which are always read. A selected
   * field that is neither a column nor listed here makes the read take every column (safe by default).
   */
  fieldNeeds?: Record<string, readonly string[]>;
}

/**
 * A nested page to read with the parent rows, in the parent's statement: `key` names it on each row
 * (`row.__embedded[key]`: the fetched child rows), `model` and `args` are the child list's.
 */
export type Embed = EmbeddedPage | EmbeddedReference | EmbeddedRecord;

/**
 * A record the parent references that is read within its own read model's scope (e.g. an asset's
 * customer): `row.__embedded[key]` is a one-row list, empty when the reference is null or the record not
 * visible; the record may carry embedded pages of its own (`embed`).
 */
export interface EmbeddedRecord {
  key: string;
  /** The parent's reference property, e.g. 'customer'. */
  reference: string;
  record: ReadModel<any, any, any, any, any>;
  select?: readonly string[];
  embed?: readonly Embed[];
}

export interface EmbeddedPage {
  key: string;
  // The child's row and argument types are its own; the parent only splices its SQL.
  model: ReadModel<any, any, any, any, any>;
  args: ConnectionArgs & { select?: readonly string[] | null };
}

/**
 * A record the parent references (e.g. a customer's owner), read with the parent: `row.__embedded[key]`
 * is a one-row list, empty when the reference is null. Only for references read without a record scope
 * (users as owners: see `usersByIds`), as their loader does.
 */
export interface EmbeddedReference {
  key: string;
  /** The parent's reference property, e.g. 'owner'. */
  reference: string;
  entity: string;
  table: string;
  alias: string;
  /** The fields selected on the referenced record: when all are columns, only those are read (with the id). */
  select?: readonly string[];
}

/**
 * Moves the embedded columns of fetched rows (`"__embed0"`, …) to `row.__embedded[key]` as parsed rows,
 * and, for embedded records, their own embedded pages likewise (one level down, recursively).
 */
function placeEmbeds(ctx: ServiceContext, fetched: Record<string, unknown>[], used: { key: string; column: string; nested?: readonly Embed[] }[]) {
  if (!used.length) return fetched;
  for (const row of fetched) {
    const embedded: Record<string, unknown[]> = {};
    for (const u of used) {
      const found = parseEmbedded<Record<string, unknown>>(ctx.em, row[u.column]);
      if (u.nested?.length) {
        // The record's own embeds were built in the same order as `embedParts` numbers them.
        const inner = u.nested.map((e, i) => ({ key: e.key, column: `__embed${i}`, nested: 'record' in e ? e.embed : undefined }))
          .filter((e) => found.some((r) => e.column in r));
        placeEmbeds(ctx, found, inner);
      }
      embedded[u.key] = found;
      // Not `delete`: that turns the row into a slow (dictionary) object for every field read after.
      row[u.column] = undefined;
    }
    row.__embedded = embedded;
  }
  return fetched;
}

/** What the per-record permission policies read from a record (auth/rules.ts): always selected when the entity has them. */
const POLICY_PROPS = ['id', 'marketingConsent', 'createdBy', 'kind'];

/** The row properties a sort key's `get` reads, recorded once by calling it on a recording proxy; null when it cannot be told. */
const keyProps = new WeakMap<object, string[] | null>();
function propsReadBy(key: SortKey<any>): string[] | null {
  if (keyProps.has(key.get)) return keyProps.get(key.get)!;
  const read = new Set<string>();
  let props: string[] | null;
  try {
    key.get(new Proxy({}, { get: (_target, prop) => { if (typeof prop === 'string') read.add(prop); return undefined; } }));
    props = [...read];
  } catch {
    props = null;
  }
  keyProps.set(key.get, props);
  return props;
}

export interface ReadModel<T, O, S, X, P = unknown> {
  /** The root list: one statement for the page, one more only when `totalCount` is asked for. */
  list(ctx: ServiceContext, args: ListArgs<O, S> & X & { embed?: readonly Embed[] }): Promise<Connection<T>>;
  /** Records by id the caller may read; the order of the result is not guaranteed. */
  byIds(ctx: ServiceContext, ids: readonly string[]): Promise<T[]>;
  /**
   * One record; with `embed`, nested pages read in the same statement (see `Embed`); with `select`,
   * only the columns those fields need (see `ListArgs.select`).
   */
  get(ctx: ServiceContext, id: string, read?: { embed?: readonly Embed[]; select?: readonly string[] }): Promise<T | null>;
  /**
   * A page of the rows matching `where` in a fixed order: lists of their own shape (a work queue, an
   * agenda) that still read the same table the same way. `where` carries the caller's scope itself
   * (such a list may have its own, e.g. whose reminders a caller may poll).
   */
  page(ctx: ServiceContext, where: Sql, order: FixedOrder<T>, args: ConnectionArgs): Promise<Connection<T>>;
  /** One page for each of several (already visible) parents, in one statement per page shape. */
  pagesByParent(
    ctx: ServiceContext, parentIds: readonly string[], args: ListArgs<O, S> & P, countFor: (parentId: string) => Promise<number>,
  ): Promise<Map<string, Connection<T>>>;
  /**
   * One parent's page as SQL inside the parent's statement (`parentId`: the parent's id expression),
   * or null when the arguments are not valid (the nested field then reads on its own and reports the error).
   */
  embeddedPageSql(ctx: ServiceContext, parentId: string, args: ListArgs<O, S> & P): Sql | null;
  /**
   * One record by its id expression (`idExpr`, the referencing row's column) as SQL inside the referencing
   * statement: a JSON list of at most one row, within `visible`; null when it cannot be embedded.
   */
  recordSql(ctx: ServiceContext, idExpr: string, read: { select?: readonly string[]; embed?: readonly Embed[] }): Sql | null;
  /** The rows matching `where` (on top of `visible`), with embedded pages and records (see `Embed`). */
  find(ctx: ServiceContext, where: Sql, read?: { embed?: readonly Embed[]; select?: readonly string[] }): Promise<T[]>;
  /** The connection of one parent's embedded rows (as `pagesByParent` would give it). */
  pageOf(ctx: ServiceContext, fetched: T[], args: ListArgs<O, S> & P, countFor: () => Promise<number>): Connection<T>;
  /** Row counts per (already visible) parent, filtered like the pages, for `totalCount`. */
  countsByParent(ctx: ServiceContext, parentIds: readonly string[], filter?: FilterOf<S> | null, args?: P): Promise<Map<string, number>>;
  /** What the count of a page depends on: its filter and the `parentArgs` (the key of the count loader). */
  countKey(args: ListArgs<O, S> & P): { filter: FilterOf<S> | null };
}

/** Sort keys for `orderBy` over a sort table (see `orderKeys`): a field's `then` columns follow it. */
function sortKeysOf<T extends { id: string }, O extends SortTable<T>>(
  list: string, table: O, orderBy: OrderBy<SortFieldOf<O>>[] | null | undefined, fallback: OrderBy<SortFieldOf<O>> | OrderBy<SortFieldOf<O>>[],
  idExpr: string,
) {
  const columns = {} as Record<SortFieldOf<O>, SortColumn<T>[]>;
  for (const [field, { expr, nullable, get, then }] of Object.entries(table)) {
    columns[field as SortFieldOf<O>] = [{ expr, nullable, get }, ...(then ?? [])];
  }
  // A default of several keys (e.g. waiting first, then oldest first) stands for an omitted `orderBy`.
  const defaults = ([] as OrderBy<SortFieldOf<O>>[]).concat(fallback);
  return orderKeys<T, SortFieldOf<O>>(list, columns, orderBy?.length ? orderBy : defaults, defaults[0], idExpr);
}

/** A fixed order (newest first, oldest first, …) with the id as the last key. */
export function fixedOrder<T extends { id: string }>(signature: string, keys: SortKey<T>[]): FixedOrder<T> {
  return { keys: expandKeys(keys), signature };
}

/**
 * The read model of rows `T`: `readModel<CaseRow>()({ … })` (curried so that the row type is given and
 * the sort table, filter spec and extra list arguments are inferred).
 */
export const readModel = <T extends { id: string }>() =>
  <O extends SortTable<T> = Record<never, SortField<T>>, S extends FilterSpec = Record<never, never>, X = unknown, P = unknown>(
    spec: ReadModelSpec<T, O, S, X, P>,
  ): ReadModel<T, O, S, X, P> => build(spec);

/** The reference (many-to-one) properties of an entity: always read, for the field resolvers that follow them. */
function referenceProps(ctx: ServiceContext, entity: string): string[] {
  return ctx.em.getMetadata().find(entity)!.props.filter((p) => p.kind === 'm:1' && p.fieldNames?.length === 1).map((p) => p.name);
}

function build<T extends { id: string }, O extends SortTable<T>, S extends FilterSpec, X, P>(
  spec: ReadModelSpec<T, O, S, X, P>,
): ReadModel<T, O, S, X, P> {
  const a = spec.alias;
  // Pages and counts under a parent read the table alone: a `visible` that needs the join cannot serve them.
  if (spec.join && !spec.visibleUnderParent) throw new Error(`Read model of ${spec.entity}: a join needs its own visibleUnderParent.`);
  const fromTable = `${spec.table} ${a}`;
  const from = spec.join ? `${fromTable} ${spec.join}` : fromTable;
  const columns = (ctx: ServiceContext, select?: readonly string[] | null, keys?: SortKey<T>[]) =>
    columnsOf(ctx.em, spec.entity, a, select ? projection(ctx, select, keys ?? []) : null);
  let known: { columns: Set<string>; references: string[] } | null = null;
  /** The column properties a page needs for `select` (null: all): the selected columns, what the listed field resolvers, the policies and the sort keys read. */
  const projection = (ctx: ServiceContext, select: readonly string[], keys: SortKey<T>[]): Set<string> | null => {
    known ??= { columns: columnProps(ctx.em, spec.entity), references: referenceProps(ctx, spec.entity) };
    const props = new Set([...POLICY_PROPS, ...known.references]);
    for (const field of select) {
      if (known.columns.has(field)) props.add(field);
      else if (spec.fieldNeeds?.[field]) spec.fieldNeeds[field].forEach((p) => props.add(p));
      else return null;
    }
    for (const key of keys) {
      const read = propsReadBy(key);
      if (!read) return null;
      read.forEach((p) => props.add(p));
    }
    return props;
  };
  const underParent = spec.visibleUnderParent ?? spec.visible;
  const filterOf = (ctx: ServiceContext, filter: FilterOf<S> | null | undefined): Sql => {
    if (!spec.filter) return raw('true');
    return filterSql(spec.prepareFilter ? spec.prepareFilter(filter) : filter, spec.filterFor ? spec.filterFor(ctx, spec.filter) : spec.filter);
  };
  // The keys of an order are the same for every page in that order: made once (a nested page asks per parent row).
  const keysByOrder = new Map<string, FixedOrder<T>>();
  const sortKeys = (orderBy: OrderBy<SortFieldOf<O>>[] | null | undefined): FixedOrder<T> => {
    const order = spec.order;
    if ('keys' in order) return order;
    const key = orderBy?.length ? orderBy.map((o) => `${o.field}.${o.direction}`).join(',') : '';
    let found = keysByOrder.get(key);
    if (!found) {
      found = sortKeysOf<T, O>(order.list, order.table, orderBy, order.default, `${a}.id`);
      // Bounded by the sort enum's combinations in practice; cleared if a client cycles through very many.
      if (keysByOrder.size > 1000) keysByOrder.clear();
      keysByOrder.set(key, found);
    }
    return found;
  };
  /** The rows of a nested page: visible under their parent, filtered, with the parent's arguments. */
  const childWhere = (ctx: ServiceContext, args: ListArgs<O, S> & P): Sql => and([underParent(ctx), filterOf(ctx, args.filter), parentWhere(ctx, args)]);
  const parentColumn = () => {
    if (!spec.parentColumn) throw new Error(`${spec.entity} has no parent column`);
    return spec.parentColumn;
  };

  /** The SQL of each embed (`"__embed0"`, …), or none for those that cannot be embedded here. */
  const embedParts = (ctx: ServiceContext, embed: readonly Embed[] | undefined) => (embed ?? []).flatMap((e, i) => {
    const part = 'model' in e ? e.model.embeddedPageSql(ctx, `${a}.id`, e.args)
      : 'record' in e ? recordOf(ctx, e) : referenceSql(ctx, e);
    return part ? [{ key: e.key, column: `__embed${i}`, part, nested: 'record' in e ? e.embed : undefined }] : [];
  });

  /** The select list with the embedded pages appended (`"__embed0"`, …), and how to move them onto each row. */
  const withEmbeds = (ctx: ServiceContext, base: Sql, embed: readonly Embed[] | undefined) => {
    const used = embedParts(ctx, embed);
    const select = used.length ? join([base, ...used.map((u) => sql`${u.part} as ${raw(`"${u.column}"`)}`)], ', ') : base;
    return { select, place: (fetched: T[]) => placeEmbeds(ctx, fetched as Record<string, unknown>[], used) as T[] };
  };

  /** This table's column of a reference property (`owner` → `c.owner_id`), or null when it is not one. */
  const referenceColumn = (ctx: ServiceContext, reference: string): string | null => {
    const prop = ctx.em.getMetadata().find(spec.entity)!.props.find((p) => p.name === reference && p.kind === 'm:1');
    return prop ? `${a}.${prop.fieldNames[0]}` : null;
  };

  const recordOf = (ctx: ServiceContext, e: EmbeddedRecord): Sql | null => {
    const column = referenceColumn(ctx, e.reference);
    return column ? e.record.recordSql(ctx, column, e) : null;
  };

  const referenceSql = (ctx: ServiceContext, e: EmbeddedReference): Sql | null => {
    const column = referenceColumn(ctx, e.reference);
    if (!column || e.alias === a) return null;
    const columns = columnProps(ctx.em, e.entity);
    const props = e.select?.every((f) => columns.has(f)) ? new Set(['id', ...e.select]) : null;
    return sql`array_to_json(array(select ${jsonObjectOf(ctx.em, e.entity, e.alias, props)} from ${raw(`${e.table} ${e.alias}`)}
      where ${raw(`${e.alias}.id = ${column}`)}))`;
  };

  const find = async (ctx: ServiceContext, where: Sql, read?: { embed?: readonly Embed[]; select?: readonly string[] }): Promise<T[]> => {
    const { select, place } = withEmbeds(ctx, columns(ctx, read?.select), read?.embed);
    return place(await rows<T>(ctx.em, sql`select ${select} from ${raw(from)} where ${where} and ${spec.visible(ctx)}`));
  };

  const byIds = async (ctx: ServiceContext, ids: readonly string[], embed?: readonly Embed[], fields?: readonly string[]): Promise<T[]> => {
    if (!ids.length) return [];
    const { select, place } = withEmbeds(ctx, columns(ctx, fields), embed);
    return place(await rows<T>(ctx.em, sql`select ${select} from ${raw(from)}
      where ${raw(a)}.id = any(${textArray([...ids])}) and ${spec.visible(ctx)}`));
  };

  /** A keyset page of the rows matching `where` (which includes the scope): one statement, plus one for a `totalCount`. */
  const page = async (ctx: ServiceContext, where: Sql, { keys, signature }: FixedOrder<T>,
    args: ConnectionArgs & { select?: readonly string[] | null; embed?: readonly Embed[] }): Promise<Connection<T>> => {
    const req = pageRequest(args, signature);
    const { select, place } = withEmbeds(ctx, columns(ctx, args.select, keys), args.embed);
    const fetched = place(await rows<T>(ctx.em, sql`select ${select} from ${raw(from)}
      where ${where} and ${keysetSql(keys, req.cursor, req.backward)}
      order by ${orderSql(keys, req.backward)} limit ${limitSql(req.limit + 1)}`));
    const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from ${raw(from)} where ${where}`))[0].n);
    return toConnection(fetched, req, keys, signature, count);
  };
  const parentWhere = (ctx: ServiceContext, args: P | undefined): Sql =>
    (spec.parentArgs && args ? spec.parentArgs.where(ctx, args) : raw('true'));

  return {
    async list(ctx, args) {
      const order = sortKeys(args.orderBy);
      pageRequest(args, order.signature); // argument errors before the filter's
      return page(ctx, and([spec.visible(ctx), filterOf(ctx, args.filter), spec.listWhere ? spec.listWhere(ctx, args) : raw('true')]), order, args);
    },

    page,

    byIds,

    async get(ctx, id, read) {
      const [row] = await byIds(ctx, [id], read?.embed, read?.select);
      return row ?? null;
    },

    embeddedPageSql(ctx, parentId, args) {
      // The parent's alias must not be this table's (the child's own alias would capture `parentId`).
      if (parentId.startsWith(`${a}.`)) return null;
      try {
        const { keys, signature } = sortKeys(args.orderBy);
        const req = pageRequest(args, signature);
        const select = args.select ? projection(ctx, args.select, keys) : null;
        return embeddedPageSql<T>({
          object: jsonObjectOf(ctx.em, spec.entity, a, select), from: fromTable, parentColumn: parentColumn(), parentId,
          where: childWhere(ctx, args), keys, req,
        });
      } catch (error) {
        if (error instanceof InputError) return null;
        throw error;
      }
    },

    find,

    recordSql(ctx, idExpr, read) {
      // The referencing statement's alias must not be this table's (it would capture `idExpr`).
      if (idExpr.startsWith(`${a}.`)) return null;
      const select = read.select ? projection(ctx, read.select, []) : null;
      const nested = embedParts(ctx, read.embed);
      const object = jsonObjectOf(ctx.em, spec.entity, a, select);
      const withNested = nested.length
        ? sql`(${object}::jsonb || jsonb_build_object(${join(nested.map((n) => sql`${raw(`'${n.column}'`)}, ${n.part}`), ', ')}))`
        : object;
      return sql`array_to_json(array(select ${withNested} from ${raw(from)} where ${raw(`${a}.id`)} = ${raw(idExpr)} and ${spec.visible(ctx)}))`;
    },

    pageOf(_ctx, fetched, args, countFor) {
      const { keys, signature } = sortKeys(args.orderBy);
      return toConnection(fetched, pageRequest(args, signature), keys, signature, countFor);
    },

    async pagesByParent(ctx, parentIds, args, countFor) {
      const { keys, signature } = sortKeys(args.orderBy);
      return pagesByParent<T>(ctx.em, {
        parentIds, columns: columns(ctx, args.select, keys), from: fromTable, parentColumn: parentColumn(),
        where: childWhere(ctx, args),
        keys, req: pageRequest(args, signature), signature, countFor,
      });
    },

    async countsByParent(ctx, parentIds, filter, args) {
      const scope = underParent(ctx);
      // Nothing to count for a caller who sees none of these rows (as the domains did before).
      if (!parentIds.length || isFalse(scope)) return new Map<string, number>();
      const parent = raw(parentColumn());
      const counted = await rows<{ id: string; n: number }>(ctx.em, sql`select ${parent} as id, count(*)::int as n from ${raw(fromTable)}
        where ${parent} = any(${textArray([...parentIds])}) and ${and([scope, filterOf(ctx, filter), parentWhere(ctx, args)])}
        group by ${parent}`);
      return new Map(counted.map((r) => [r.id, r.n]));
    },

    countKey: (args) => ({ filter: args.filter ?? null, ...(spec.parentArgs ? spec.parentArgs.pick(args) : {}) }),
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetSql, orderSql, toConnection, type Connection, type PageRequest, type SortKey } from './pagination';
import { limitSql, raw, rows, sql, type Sql, textArray } from './sql';

/**
 * One page of child rows for each of several (already visible) parents, in one statement: rows are
 * numbered per parent in the page order and cut at the page size. This is what keeps nested
 * connections (a customer's contacts, its history) free of N+1: one query per page shape.
 */
export async function pagesByParent<T>(em: EntityManager, opts: {
  parentIds: readonly string[];
  /** The select list, the table with its alias, and the parent column, e.g. `k.customer_id`. */
  columns: Sql;
  from: string;
  parentColumn: string;
  where: Sql;
  keys: SortKey<T>[];
  req: PageRequest;
  signature: string;
  countFor: (parentId: string) => Promise<number>;
}): Promise<Map<string, Connection<T>>> {
  const { parentIds, keys, req } = opts;
  const fetched = parentIds.length
    ? await rows<T & { __rn: number; __parent: string }>(em, sql`select * from (
        select ${opts.columns}, ${raw(opts.parentColumn)} as "__parent",
          row_number() over (partition by ${raw(opts.parentColumn)} order by ${orderSql(keys, req.backward)}) as "__rn"
        from ${raw(opts.from)}
        where ${raw(opts.parentColumn)} = any(${textArray(parentIds)}) and ${opts.where} and ${keysetSql(keys, req.cursor, req.backward)}
      ) page where page."__rn" <= ${limitSql(req.limit + 1)} order by page."__parent", page."__rn"`)
    : [];
  const byParent = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const { __rn: _rn, __parent, ...row } of fetched) byParent.get(__parent)?.push(row as T);
  return new Map([...byParent].map(([id, page]) => [id, toConnection(page, opts.req, keys, opts.signature, () => opts.countFor(id))]));
}

/**
 * The same page of child rows for ONE parent, as a JSON array computed inside the parent's own
 * statement (`parentId` is the parent row's id expression, e.g. `c.id`): a list of customers with
 * their contacts, or one customer with its contacts, deals, orders and cases, is then one statement
 * instead of one per level, as PostGraphile does it. `ARRAY(select … order by … limit …)` keeps the
 * page order; the rows are the ones `pagesByParent` would return (same where, order and limit).
 */
export function embeddedPageSql<T>(opts: {
  object: Sql;
  from: string;
  parentColumn: string;
  parentId: string;
  where: Sql;
  keys: SortKey<T>[];
  req: PageRequest;
}): Sql {
  const { keys, req } = opts;
  return sql`array_to_json(array(select ${opts.object} from ${raw(opts.from)}
    where ${raw(opts.parentColumn)} = ${raw(opts.parentId)} and ${opts.where} and ${keysetSql(keys, req.cursor, req.backward)}
    order by ${orderSql(keys, req.backward)} limit ${limitSql(req.limit + 1)}))`;
}

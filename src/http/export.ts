import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import express from 'express';
import {
  GraphQLError, execute, getNamedType, getNullableType, isLeafType, isListType, isObjectType, parse, type GraphQLField, type GraphQLNamedType,
  type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { Logger } from 'pino';
import { policyFor } from '../auth';
import { permits } from '../auth/field-guard';
import type { Principal } from '../auth/principal';
import type { Config } from '../config';
import { buildContext, type DomainWiring, type GraphQLContext } from '../context';
import type { Database } from '../db/database';
import { createLoaders } from '../loaders';
import type { LoginThrottle } from '../services/login-throttle';
import { guardInput } from '../schema/input-guards';

/**
 * CSV export of any list the caller can run (issue 15): `GET /export/<list>.csv?filter=<json>&orderBy=…`,
 * e.g. `/export/customers.csv`. It runs the GraphQL list field itself, page after page (keyset cursors,
 * 100 rows a page), as the caller: the same authentication (Bearer token or x-api-key), the same
 * `filter`/`orderBy`/`search` arguments checked by the same input types, the same record scope; a column
 * whose field policy refuses the caller is left out (per-record policies: the column stays, the cell is
 * empty where the record refuses). Rows are written through a csv-stringify stream and the next page is
 * read only when the socket drains, so memory stays flat however long the list.
 */

const EXPORT_PAGE_SIZE = 100;
const PAGING = new Set(['first', 'after', 'last', 'before']);

interface Column { name: string; selection: string; format: (value: unknown) => string }

class HttpProblem extends Error {
  constructor(readonly status: number, message: string, readonly parameter: string | null = null) { super(message); }
}

/** The list fields of the schema: root query fields that answer an `XConnection` of objects. */
function listField(schema: GraphQLSchema, name: string): { field: GraphQLField<unknown, unknown>; node: GraphQLObjectType } | null {
  const field = schema.getQueryType()?.getFields()[name];
  if (!field) return null;
  const connection = getNullableType(field.type);
  if (!isObjectType(connection) || !connection.name.endsWith('Connection')) return null;
  const edge = getNamedType(connection.getFields().edges?.type);
  const node = isObjectType(edge) ? getNamedType(edge.getFields().node?.type) : null;
  return isObjectType(node) ? { field, node } : null;
}

const isNode = (t: GraphQLNamedType) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node');

/** Whether the caller may read a field: the policy decides for the caller, or per record (null: keep the column). */
function mayRead(principal: Principal, type: string, field: string): boolean {
  const policy = policyFor(type, field);
  if (!policy) return false;
  return permits(principal, policy) !== false;
}

/**
 * The columns of a node type for a caller: its fields without arguments that are values (scalars, enums,
 * lists of them) or value objects (phones, e-mails, addresses: JSON), less those the caller may not read.
 */
function exportColumns(node: GraphQLObjectType, principal: Principal): Column[] {
  const columns: Column[] = [];
  for (const field of Object.values(node.getFields())) {
    if (field.args.length || !mayRead(principal, node.name, field.name)) continue;
    const named = getNamedType(field.type);
    const list = isListType(getNullableType(field.type));
    if (isLeafType(named)) {
      columns.push({ name: field.name, selection: field.name, format: list ? (v) => (Array.isArray(v) ? v.join(';') : '') : scalarCell });
    } else if (isObjectType(named) && !isNode(named)) {
      const leaves = Object.values(named.getFields()).filter((f) => !f.args.length && isLeafType(getNamedType(f.type)) && mayRead(principal, named.name, f.name));
      if (leaves.length !== Object.keys(named.getFields()).length) continue;
      columns.push({ name: field.name, selection: `${field.name} { ${leaves.map((f) => f.name).join(' ')} }`, format: (v) => (v == null ? '' : JSON.stringify(v)) });
    }
  }
  return columns;
}

function scalarCell(v: unknown): string {
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `orderBy` as JSON, or the short form `NAME`, `NAME:DESC`, `-NAME` (comma-separated). */
function orderByValue(text: string): unknown {
  if (text.trim().startsWith('[') || text.trim().startsWith('{')) return JSON.parse(text);
  return text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [field, direction] = part.startsWith('-') ? [part.slice(1), 'DESC'] : part.split(':');
    return { field, direction: (direction ?? 'ASC').toUpperCase() };
  });
}

/** The list's arguments from the query string, typed by the field's own arguments (unknown parameters are refused). */
function variablesOf(field: GraphQLField<unknown, unknown>, query: Record<string, unknown>): { variables: Record<string, unknown>; definitions: string[]; uses: string[] } {
  const args = new Map(field.args.filter((a) => !PAGING.has(a.name)).map((a) => [a.name, a]));
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const uses: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const arg = args.get(name);
    if (!arg) throw new HttpProblem(400, `Unknown parameter "${name}"; this list takes: ${[...args.keys()].join(', ') || 'none'}.`, name);
    if (typeof value !== 'string') throw new HttpProblem(400, `Parameter "${name}" is given more than once.`, name);
    const named = getNamedType(arg.type);
    const plain = !isListType(getNullableType(arg.type)) && (named.name === 'String' || named.name === 'ID');
    try {
      variables[name] = plain ? value : name === 'orderBy' ? orderByValue(value) : JSON.parse(value);
    } catch {
      throw new HttpProblem(400, `Parameter "${name}" is not valid JSON (it takes the GraphQL argument's value, e.g. filter={"status":{"eq":"ACTIVE"}}).`, name);
    }
    definitions.push(`$${name}: ${String(arg.type)}`);
    uses.push(`${name}: $${name}`);
  }
  return { variables, definitions, uses };
}

/** What a GraphQL error of the first page means over HTTP. */
function problemOf(error: GraphQLError): HttpProblem {
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED') return new HttpProblem(401, error.message);
  if (code === 'FORBIDDEN') return new HttpProblem(403, error.message);
  if (code === 'RATE_LIMITED') return new HttpProblem(429, error.message);
  const variable = /Variable "\$(\w+)"/.exec(error.message)?.[1];
  const field = typeof error.extensions?.field === 'string' ? error.extensions.field : (error.extensions?.field as string[] | undefined)?.at?.(-1) ?? null;
  if (variable || code === 'BAD_USER_INPUT' || !code) return new HttpProblem(400, error.message.replace(/\$/g, ''), variable ?? field ?? null);
  return new HttpProblem(500, 'Internal server error.');
}

export interface ExportDeps {
  schema: GraphQLSchema;
  db: Database;
  config: Config;
  loginThrottle: LoginThrottle;
  wiring: DomainWiring;
  guard: <T extends { principal: Principal | null }>(req: express.Request, res: express.Response, build: () => Promise<T>) => Promise<T>;
  log: Logger;
}

export function exportRouter(deps: ExportDeps): express.Router {
  const router = express.Router();
  router.get('/export/:file', async (req, res) => {
    let started = false;
    try {
      const match = /^(\w+)\.csv$/.exec(req.params.file);
      const list = match ? listField(deps.schema, match[1]) : null;
      if (!match || !list) throw new HttpProblem(404, `No list to export at ${req.path}; use /export/<list>.csv with a list query of the schema, e.g. /export/customers.csv.`);
      let ctx: GraphQLContext;
      try {
        ctx = await deps.guard(req, res, () => buildContext(req, deps.db.orm.em.fork(), deps.config, deps.loginThrottle, deps.wiring));
      } catch (e) {
        if (e instanceof GraphQLError) throw problemOf(e);
        throw e;
      }
      const principal = ctx.principal;
      if (!principal) throw new HttpProblem(401, 'Sign in first: send `Authorization: Bearer <token>` or `x-api-key`.');
      const { variables, definitions, uses } = variablesOf(list.field, req.query as Record<string, unknown>);
      const columns = exportColumns(list.node, principal);
      if (!columns.length) throw new HttpProblem(403, `You may read no column of ${list.node.name}.`);
      const document = parse(`query Export($after: String${definitions.map((d) => `, ${d}`).join('')}) {
        page: ${match[1]}(first: ${EXPORT_PAGE_SIZE}, after: $after${uses.map((u) => `, ${u}`).join('')}) {
          pageInfo { hasNextPage endCursor } edges { node { ${columns.map((c) => c.selection).join(' ')} } } } }`);
      // The same input guard as /graphql (NUL bytes, lone surrogates, over-deep filters): 400, not a database error.
      try {
        guardInput(deps.schema, document, document.definitions[0] as OperationDefinitionNode, variables);
      } catch (e) {
        throw e instanceof GraphQLError ? problemOf(e) : e;
      }
      // A page is one request's worth of work: its own EntityManager and loaders, so nothing accumulates over a long export.
      const page = async (after: string | null) => {
        // A read: on the replica when DATABASE_READ_URL is set, like a GraphQL query.
        const em = (deps.db.replica ?? deps.db.orm).em.fork();
        const pageCtx: GraphQLContext = { ...ctx, em, loaders: createLoaders({ em, principal }, deps.wiring.loaderFactories) };
        const result = await execute({ schema: deps.schema, document, contextValue: pageCtx, variableValues: { ...variables, after } });
        // Errors at the list itself (arguments, permission) stop the export; errors on a cell (a per-record policy) leave it empty.
        const fatal = result.errors?.find((e) => !e.path || e.path.length <= 1);
        if (fatal || !result.data?.page) throw fatal ?? new HttpProblem(500, 'Internal server error.');
        return result.data.page as { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Record<string, unknown> }[] };
      };
      let current = await page(null).catch((e) => { throw e instanceof GraphQLError ? problemOf(e) : e; });
      res.status(200);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${match[1]}.csv"`);
      res.setHeader('cache-control', 'no-store');
      started = true;
      const csv = stringify({ header: true, columns: columns.map((c) => c.name) });
      csv.pipe(res);
      // A client that goes away stops the export (one listener for the whole response, not one per wait).
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      for (;;) {
        for (const { node } of current.edges) {
          // Backpressure: when the socket's buffer is full, wait for it to drain before writing (and reading) more.
          if (!csv.write(columns.map((c) => c.format(node[c.name])))) await once(csv, 'drain', { signal: gone.signal }).catch(() => undefined);
          if (gone.signal.aborted) return void csv.destroy();
        }
        if (!current.pageInfo.hasNextPage || !current.pageInfo.endCursor) break;
        current = await page(current.pageInfo.endCursor);
      }
      csv.end();
      await once(res, 'finish').catch(() => undefined);
    } catch (e) {
      if (started) {
        // Headers and rows are out: the only honest signal left is a cut connection (the CSV is incomplete).
        deps.log.error({ err: e }, 'export failed mid-stream');
        res.destroy();
        return;
      }
      const problem = e instanceof HttpProblem ? e : new HttpProblem(500, 'Internal server error.');
      if (problem.status === 500) deps.log.error({ err: e }, 'export failed');
      res.status(problem.status).json({ error: { message: problem.message, parameter: problem.parameter } });
    }
  });
  return router;
}

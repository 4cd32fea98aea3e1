import { Kind, type DocumentNode, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { USERS, type Who } from '../helpers';

/**
 * The README's ```graphql blocks and the one-line annotation above each that says how the test suite
 * runs it (test/readme.test.ts). The annotation is an HTML comment, invisible on the rendered page:
 *
 *   <!-- run as SALES_REP -->
 *   <!-- run as FINANCE; variables from { creditHolds(first: 1) { edges { node { holdId: id version } } } } -->
 *   <!-- run as anonymous; variables from { cases(first: 1) { edges { node { caseId: id } } } } as SERVICE_AGENT -->
 *   <!-- run as INTEGRATION key with tasks:read; variables: {"now": "<now>"}; expect: dueReminders.edges -->
 *   <!-- not run: an excerpt of the schema (still parsed and validated as far as possible) -->
 *
 * Clauses, separated by `;`:
 * - `run as WHO`: a demo role (ADMIN, SALES_MANAGER, SALES_REP = rep1, SALES_REP_2, SERVICE_AGENT, MARKETING,
 *   FINANCE, ANALYST, PARTNER), `anonymous`, or an API key made for the run: `INTEGRATION key with scope, scope`,
 *   `PARTNER key with scope` (for the demo partner). Every operation of the block runs as WHO, in order.
 * - `variables: {JSON}`: literal values. `"<now>"`, `"<today>"` and offsets such as `"<today+1d>"`,
 *   `"<now-2h>"`, `"<today-90d>"` are replaced by the time the demo was seeded (UTC; the demo's dates are
 *   relative to it): a full ISO time for a DateTime variable, the date alone for a LocalDate one (`today`
 *   is midnight UTC).
 * - `variables from QUERY [as WHO]`: a query run first (as the block's caller unless named); each
 *   variable an operation declares and the literal ones do not give is the first field of that name
 *   (alias it) found in the result. Ids are opaque and generated: look them up, never write them down.
 * - `expect: path, path`: values that must not be empty (null, [], a connection without edges, 0 or "").
 *   A path walks fields by name and takes the first element of a list (`customer.timeline.edges`).
 *   Always checked: no GraphQL error; every root field non-null and, when a list or connection, not empty;
 *   a mutation payload's `errors` empty and its other fields non-null.
 */

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; who: Who }
  | { kind: 'key'; role: 'INTEGRATION' | 'PARTNER'; scopes: string[] };

export interface Lookup { query: string; as: Caller | null }

export interface Annotation {
  /** Who runs the block; null for `not run`. */
  run: Caller | null;
  notRun: string | null;
  variables: Record<string, unknown>;
  lookups: Lookup[];
  expect: string[];
}

export interface Example {
  /** 1-based line of the opening fence. */
  line: number;
  source: string;
  annotation: Annotation | null;
  /** Why the annotation could not be read (the block then fails). */
  annotationError: string | null;
}

const FENCE = /^```graphql\s*$/;
const COMMENT = /^<!--\s*((?:run|not run)\b.*?)\s*-->\s*$/;

/** Every ```graphql block of a markdown text with the annotation on the line just above it. */
export function readExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README line ${i + 1}: unterminated \`\`\`graphql block`);
    const above = COMMENT.exec(lines[i - 1] ?? '');
    let annotation: Annotation | null = null;
    let annotationError: string | null = above ? null : 'no annotation: put <!-- run as ROLE … --> (or <!-- not run: why -->) on the line above the block';
    if (above) {
      try {
        annotation = parseAnnotation(above[1]);
      } catch (e) {
        annotationError = (e as Error).message;
      }
    }
    examples.push({ line: i + 1, source: lines.slice(i + 1, end).join('\n'), annotation, annotationError });
    i = end;
  }
  return examples;
}

/** Splits at `sep` outside braces, brackets, parentheses and strings. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseCaller(text: string): Caller {
  const t = text.trim();
  if (t === 'anonymous') return { kind: 'anonymous' };
  const key = /^(INTEGRATION|PARTNER) key with (.+)$/.exec(t);
  if (key) return { kind: 'key', role: key[1] as 'INTEGRATION' | 'PARTNER', scopes: key[2].split(',').map((s) => s.trim()).filter(Boolean) };
  if (Object.hasOwn(USERS, t)) return { kind: 'user', who: t as Who };
  throw new Error(`unknown caller "${t}": one of anonymous, ${Object.keys(USERS).join(', ')}, "INTEGRATION key with <scopes>", "PARTNER key with <scopes>"`);
}

export function parseAnnotation(text: string): Annotation {
  const a: Annotation = { run: null, notRun: null, variables: {}, lookups: [], expect: [] };
  for (const clause of splitTopLevel(text, ';')) {
    let m: RegExpExecArray | null;
    if ((m = /^run as (.+)$/s.exec(clause))) a.run = parseCaller(m[1]);
    else if ((m = /^not run:\s*(.+)$/s.exec(clause))) a.notRun = m[1];
    else if ((m = /^variables:\s*(.+)$/s.exec(clause))) {
      try {
        Object.assign(a.variables, JSON.parse(m[1]));
      } catch (e) {
        throw new Error(`variables are not JSON (${(e as Error).message}): ${m[1]}`);
      }
    } else if ((m = /^variables from\s+(\{.*\})(?:\s+as\s+(.+))?$/s.exec(clause))) a.lookups.push({ query: m[1], as: m[2] ? parseCaller(m[2]) : null });
    else if ((m = /^expect:\s*(.+)$/s.exec(clause))) a.expect.push(...m[1].split(',').map((p) => p.trim()).filter(Boolean));
    else throw new Error(`unknown clause "${clause}" (run as …; variables: {…}; variables from {…} [as …]; expect: …; not run: …)`);
  }
  if (!a.run && !a.notRun) throw new Error('say who runs it (run as ROLE) or why it is not run (not run: why)');
  if (a.run && a.notRun) throw new Error('either "run as" or "not run", not both');
  return a;
}

const TIME = /^<(now|today)(?:([+-])(\d+)([mhd]))?>$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The value of a time placeholder (`<today+1d>`) for a variable of GraphQL type `typeName`; other values unchanged. */
export function resolveTime(value: unknown, typeName: string, now: Date): unknown {
  if (typeof value !== 'string') return value;
  const m = TIME.exec(value);
  if (!m) return value;
  const base = m[1] === 'today' ? Math.floor(now.getTime() / UNIT_MS.d) * UNIT_MS.d : now.getTime();
  const offset = m[2] ? (m[2] === '-' ? -1 : 1) * Number(m[3]) * UNIT_MS[m[4] as keyof typeof UNIT_MS] : 0;
  const iso = new Date(base + offset).toISOString();
  return typeName === 'LocalDate' ? iso.slice(0, 10) : iso;
}

/** The named type of a variable (`LocalDate` for `LocalDate!`). */
export function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** The first value of a field (or alias) called `name`, depth first, in a response's data. */
export function findField(data: unknown, name: string): unknown {
  if (Array.isArray(data)) {
    for (const item of data) {
      const found = findField(item, name);
      if (found !== undefined) return found;
    }
  } else if (data && typeof data === 'object') {
    if (Object.hasOwn(data, name) && (data as Record<string, unknown>)[name] !== null) return (data as Record<string, unknown>)[name];
    for (const value of Object.values(data)) {
      const found = findField(value, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Null, [], a connection without edges, 0 or "". */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && Array.isArray((value as { edges?: unknown }).edges)) return (value as { edges: unknown[] }).edges.length === 0;
  return false;
}

/** The value at a dotted path; lists give their first element. */
export function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const step of path.split('.')) {
    if (Array.isArray(value)) value = value[0];
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** Why a response does not keep an example's promise (empty when it does). */
export function brokenPromises(operation: OperationDefinitionNode, data: Record<string, unknown>, expect: string[]): string[] {
  const problems: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (operation.operation === 'mutation' && value && typeof value === 'object' && 'errors' in value) {
      const payload = value as Record<string, unknown>;
      if (!Array.isArray(payload.errors) || payload.errors.length) problems.push(`${field}.errors: ${JSON.stringify(payload.errors)}`);
      for (const [k, v] of Object.entries(payload)) if (k !== 'errors' && v === null) problems.push(`${field}.${k} is null`);
    } else if (isEmpty(value)) problems.push(`${field} is empty (${JSON.stringify(value)})`);
  }
  for (const path of expect) if (isEmpty(valueAt(data, path))) problems.push(`expected data at ${path}, got ${JSON.stringify(valueAt(data, path))}`);
  return problems;
}

/** The operations of a document, in order. */
export const operationsOf = (doc: DocumentNode) => doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

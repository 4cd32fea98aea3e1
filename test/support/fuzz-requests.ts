/**
 * Requests for the fuzz test, generated from the served schema: for a root field, valid-looking
 * minimal arguments (real ids of the test database where a name says which record), the "slots"
 * (every argument and input field down to a few levels) and the hostile shapes that fit each slot.
 */
import {
  astFromValue, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType, print,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLNamedType,
} from 'graphql';
import { prng } from '../../src/db/seed';

/** The demo seed's PRNG (mulberry32) plus a shuffle: the same seed gives the same run. */
export function rng(seed: number) {
  const { next, pick } = prng(seed);
  return {
    next,
    pick,
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/** Record names in argument / field / type names → id prefix. Longest match wins. */
const ID_WORDS: Record<string, string> = {
  customer: 'cus', referredby: 'cus', resoldby: 'cus', partnercustomer: 'cus', contact: 'con', user: 'usr', owner: 'usr',
  assignee: 'usr', manager: 'usr', performedby: 'usr', assignedby: 'usr', agent: 'usr', opportunity: 'opp', lead: 'led',
  campaign: 'cmp', quote: 'quo', product: 'prd', order: 'ord', contract: 'ctr', receivable: 'rcv', payment: 'pay',
  asset: 'ast', case: 'cas', queue: 'que', feedback: 'fbk', task: 'tsk', activity: 'act', credithold: 'crh', hold: 'crh',
  apikey: 'key', key: 'key', survey: 'srv', comment: 'cmt', slapolicy: 'sla', assessment: 'cra',
};

function prefixFor(...names: string[]): string | undefined {
  for (const name of names) {
    const lower = name.toLowerCase().replace(/ids?$/, '');
    const match = Object.keys(ID_WORDS).filter((w) => lower.includes(w)).sort((a, b) => b.length - a.length)[0];
    if (match) return ID_WORDS[match];
  }
  return undefined;
}

/** Adds every id in a response to the pool (except `never`: the fuzzing caller's own). */
export function harvestIds(value: unknown, data: FuzzData, never: string) {
  if (typeof value === 'string') {
    if (/^[a-z]{3}_[0-9a-f]{32}$/.test(value) && value !== never) {
      const pool = (data.ids[value.slice(0, 3)] ??= []);
      if (!pool.includes(value) && pool.length < 20) pool.push(value);
    }
  } else if (Array.isArray(value)) value.forEach((v) => harvestIds(v, data, never));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => harvestIds(v, data, never));
}

export interface FuzzData {
  /** Real ids by prefix (`cus` → [...]); users are never the admin, so no case locks the fuzzing caller out. */
  ids: Record<string, string[]>;
  sku: string;
  serviceTag: string;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const isEndish = (name: string) => /^(to|until|before|end|ends|endsOn|dueAt|validUntil|expiresAt)$/i.test(name) || /(To|End|Until)$/.test(name);

/** Valid-looking value of a leaf (scalar or enum) named `name` inside `owner` (type or field name). */
function leafValue(type: GraphQLNamedType, name: string, owner: string, data: FuzzData, r: Rng): unknown {
  if (isEnumType(type)) return r.pick(type.getValues()).name;
  const lower = name.toLowerCase();
  switch (type.name) {
    case 'ID': {
      const prefix = (name === 'id' || name === 'ids') ? prefixFor(owner) : prefixFor(name);
      const ids = data.ids[prefix ?? 'cus'];
      // Well-formed but unknown when the database has none of these.
      return ids?.length ? r.pick(ids) : `${prefix ?? 'cus'}_${'0'.repeat(32)}`;
    }
    case 'Int':
      if (lower === 'first' || lower === 'last') return 5;
      if (lower === 'months') return 3;
      return 1;
    case 'Float': return 1.5;
    case 'Boolean': return false;
    case 'Decimal': return '10.00';
    case 'DateTime': return iso(Date.now() + (isEndish(name) ? DAY : -DAY));
    case 'LocalDate': return iso(Date.now() + (isEndish(name) ? 30 * DAY : -30 * DAY)).slice(0, 10);
    case 'JSON':
    case 'JSONObject': return {};
    default: break;
  }
  if (lower.includes('email')) return `fuzz-${Math.floor(r.next() * 1e9)}@example.com`;
  if (lower.includes('password')) return 'fuzz-password-123';
  if (lower.includes('currency')) return 'EUR';
  if (lower.includes('country')) return 'DE';
  if (lower.includes('month')) return '2026-01';
  if (lower === 'sku') return data.sku;
  if (lower.includes('servicetag')) return data.serviceTag;
  if (lower.includes('url') || lower.includes('website') || lower.includes('link')) return 'https://example.com';
  if (lower.includes('phone') || lower === 'number') return '+49 30 1234567';
  if (lower.includes('idempotency')) return `fuzz-${Math.floor(r.next() * 1e12)}`;
  if (lower === 'scopes') return 'customers:read';
  if (lower === 'channel') return 'web';
  return 'fuzz';
}

/** A valid-looking value of an input type: required fields filled, optional ones left out. */
export function validValue(type: GraphQLInputType, name: string, owner: string, data: FuzzData, r: Rng, depth = 0): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, name, owner, data, r, depth);
  if (isListType(type)) return [validValue(type.ofType, name, owner, data, r, depth)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    if (depth > 6) return value;
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = validValue(field.type, field.name, type.name, data, r, depth + 1);
    }
    return value;
  }
  return leafValue(getNamedType(type), name, owner, data, r);
}

/** Where a hostile value can go: an argument or input field, by path (`input`, `lines`, `0`, `sku`). */
export interface Slot {
  path: string[];
  type: GraphQLInputType;
  name: string;
}

/** Every argument and input field reachable within `maxDepth` input objects (lists as their first item). */
export function slots(field: GraphQLField<unknown, unknown>, maxDepth = 3): Slot[] {
  const found: Slot[] = [];
  const walk = (type: GraphQLInputType, path: string[], name: string, depth: number, seen: Set<string>) => {
    found.push({ path, type, name });
    let inner = type;
    const at = [...path];
    for (;;) {
      if (isNonNullType(inner)) inner = inner.ofType;
      else if (isListType(inner)) { inner = inner.ofType; at.push('0'); }
      else break;
    }
    if (!isInputObjectType(inner) || depth >= maxDepth || seen.has(inner.name)) return;
    const nextSeen = new Set(seen).add(inner.name);
    for (const f of Object.values(inner.getFields())) walk(f.type, [...at, f.name], f.name, depth + 1, nextSeen);
  };
  for (const arg of field.args) walk(arg.type, [arg.name], arg.name, 0, new Set());
  return found;
}

/** Placeholders replaced by raw JSON text after serialising (too deep for JSON.stringify on either side). */
export const RAW = {
  '"@@DEEP_FILTER@@"': `${'{"and":['.repeat(5000)}{}${']}'.repeat(5000)}`,
  '"@@DEEP_NOT@@"': `${'{"not":'.repeat(5000)}{}${'}'.repeat(5000)}`,
  '"@@DEEP_JSON@@"': `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  '"@@DEEP_JSON_ARRAY@@"': `${'['.repeat(3000)}${']'.repeat(3000)}`,
} as const;

export interface Shape {
  name: string;
  value: unknown;
}

/** Hostile values that fit a slot's type (and a few that do not: coercion must refuse them cleanly). */
export function shapesFor(slot: Slot): Shape[] {
  const named = getNamedType(slot.type);
  const shapes: Shape[] = [{ name: 'null', value: null }];
  const text = (s: Shape[]) => shapes.push(...s);
  if (isListType(isNonNullType(slot.type) ? slot.type.ofType : slot.type)) {
    shapes.push({ name: '60 invalid list items', value: Array.from({ length: 60 }, () => ({ bad: [1] })) });
    if (isScalarType(named) && (named.name === 'ID' || named.name === 'String')) {
      shapes.push({ name: '5,000 list items', value: Array.from({ length: 5000 }, (_, i) => `x${i}`) });
    }
  }
  if (isInputObjectType(named)) {
    const fields = named.getFields();
    if (fields.and) shapes.push({ name: '5,000-deep and', value: '@@DEEP_FILTER@@' });
    if (fields.not) shapes.push({ name: '5,000-deep not', value: '@@DEEP_NOT@@' });
    shapes.push({ name: 'unknown field', value: { noSuchField: 1 } });
    return shapes;
  }
  if (isEnumType(named)) return [...shapes, { name: 'unknown enum value', value: 'NO_SUCH_VALUE' }, { name: 'NUL enum', value: 'A\u0000' }];
  switch (named.name) {
    case 'Int':
      return [...shapes, { name: 'max int', value: 2147483647 }, { name: 'min int', value: -2147483648 }, { name: '-1', value: -1 }, { name: '0', value: 0 }, { name: 'over 32 bits', value: 1e12 }];
    case 'Float':
      return [...shapes, { name: 'huge float', value: 1.7e308 }, { name: '-huge float', value: -1.7e308 }];
    case 'Decimal':
      return [...shapes, { name: 'max decimal', value: '9999999999999999.9999' }, { name: 'min decimal', value: '-9999999999999999.9999' }, { name: 'decimal 0', value: '0' }, { name: 'exponent', value: '1e400' }];
    case 'DateTime':
      return [...shapes, { name: 'year 0000', value: '0000-01-01T00:00:00Z' }, { name: 'year 10000 by offset', value: '9999-12-31T23:30:00-05:00' },
        { name: 'year 1899', value: '1899-12-31T23:59:59Z' }, { name: 'max date', value: '9999-12-31T23:59:59Z' }];
    case 'LocalDate':
      return [...shapes, { name: 'date 0000', value: '0000-01-01' }, { name: 'max date', value: '9999-12-31' }, { name: 'Feb 30', value: '2026-02-30' }, { name: 'min date', value: '1900-01-01' }];
    case 'JSON':
    case 'JSONObject':
      return [...shapes, { name: '3,000-deep JSON', value: '@@DEEP_JSON@@' }, { name: '3,000-deep JSON array', value: '@@DEEP_JSON_ARRAY@@' },
        { name: 'NUL JSON key', value: { 'a\u0000': 'x' } }, { name: 'surrogate JSON value', value: { a: '\ud800x' } }, { name: 'wide JSON', value: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])) }];
    case 'Boolean':
      return [...shapes, { name: 'string boolean', value: 'true' }];
    default:
      break;
  }
  text([
    { name: 'NUL', value: 'fu\u0000zz' },
    { name: 'lone surrogate', value: '\ud800x' },
    { name: 'lone low surrogate', value: 'x\udc00' },
    { name: 'huge string', value: 'x'.repeat(300_000) },
    { name: 'empty string', value: '' },
    { name: 'SQL and LIKE metacharacters', value: `%_\\'"; select 1 --` },
    { name: 'emoji', value: '😀'.repeat(50) },
  ]);
  if (/month/i.test(slot.name)) shapes.push({ name: 'month 0000', value: '0000-01' });
  return shapes;
}

/** Writes `value` at the slot's path inside `args`, creating valid parents on the way. */
export function setAt(args: Record<string, unknown>, slot: Slot, value: unknown, field: GraphQLField<unknown, unknown>, data: FuzzData, r: Rng) {
  const { path } = slot;
  let container: any = args;
  let type: GraphQLInputType = field.args.find((a) => a.name === path[0])!.type;
  let owner = field.name;
  let name = path[0];
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (!/^\d+$/.test(key)) name = key;
    if (container[key] == null || typeof container[key] !== 'object') container[key] = validValue(type, name, owner, data, r);
    container = container[key];
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) type = inner.ofType; // the next key is the index
    else if (isInputObjectType(inner)) {
      owner = inner.name;
      type = inner.getFields()[path[i + 1]].type;
    }
  }
  container[path[path.length - 1]] = value;
}

/** A selection that makes the root resolver (and a connection's count and page) run. */
export function selection(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isScalarType(type) || isEnumType(type)) return '';
  if (!isObjectType(type)) return ' { __typename }';
  const fields = type.getFields();
  const parts = ['__typename'];
  if (fields.id) parts.push('id');
  if (fields.totalCount) parts.push('totalCount');
  if (fields.edges) parts.push('edges { cursor }');
  if (fields.errors) parts.push('errors { code field message }');
  // A payload's record (`order { id }`): later cases use the ids it returns.
  for (const f of Object.values(fields)) {
    const inner = getNamedType(f.type);
    if (f.name !== 'node' && isObjectType(inner) && inner.getFields().id && !f.args.length) parts.push(`${f.name} { id }`);
  }
  return ` { ${parts.join(' ')} }`;
}

/** The operation text, variables as a JSON text (with the raw placeholders expanded), and how it was built. */
export function buildRequest(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, opts: { literal?: boolean; aliases?: boolean } = {}) {
  const used = field.args.filter((a) => a.name in args);
  const extra = opts.aliases ? ` ${Array.from({ length: 101 }, (_, i) => `t${i}: __typename`).join(' ')}` : '';
  if (opts.literal) {
    const literal = (a: GraphQLArgument) => {
      const ast = astFromValue(args[a.name], a.type);
      if (!ast) throw new Error('no literal');
      return `${a.name}: ${print(ast)}`;
    };
    try {
      const list = used.map(literal);
      const call = list.length ? `(${list.join(', ')})` : '';
      return { query: `${kind} Fuzz { ${field.name}${call}${selection(field)}${extra} }`, variables: '{}' };
    } catch {
      // Values a literal cannot carry (JSON objects): fall back to variables.
    }
  }
  const defs = used.map((a) => `$${a.name}: ${String(a.type)}`);
  const call = used.length ? `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  let variables = JSON.stringify(args);
  for (const [placeholder, raw] of Object.entries(RAW)) variables = variables.split(placeholder).join(raw);
  return { query: `${kind} Fuzz${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${call}${selection(field)}${extra} }`, variables };
}

import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError, Kind, TypeInfo, isInputObjectType, isListType, isNonNullType, isScalarType, typeFromAST, visit,
  visitWithTypeInfo, type DocumentNode, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode, type ValueNode,
} from 'graphql';
import { MAX_FILTER_DEPTH } from '../services/filter';

/**
 * Hostile-input guard: one check of every argument of an operation — literal arguments in the document
 * and the raw variable values, walked along the schema's input types — before graphql-js coerces the
 * variables and before any resolver runs. It refuses what PostgreSQL or a recursive routine would turn
 * into a 500: NUL characters, invalid Unicode (lone UTF-16 surrogates), filters and JSON nested
 * beyond their limits. Everything else (types, enums, required fields) is left to graphql-js.
 */
export const INPUT_LIMITS = {
  /** Levels of `and` / `or` / `not` in a filter (the same limit `filterSql` enforces). */
  maxFilterDepth: MAX_FILTER_DEPTH,
  /** Levels of objects and arrays in a JSON / JSONObject value (`{"a": 1}` is 1). */
  maxJsonDepth: 20,
  /** Levels of input objects and lists anywhere in an argument: a backstop for any other recursive input. */
  maxInputDepth: 30,
};

const JSON_SCALARS = new Set(['JSON', 'JSONObject']);

/** Thrown by the walk; becomes a 400 BAD_USER_INPUT naming the field. `problem` follows the field's name. */
class Refused extends Error {
  constructor(public readonly problem: string, public readonly path: string[]) {
    super(problem);
  }
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The problem with a text value, if any. */
function textProblem(value: string): string | null {
  // PostgreSQL cannot store U+0000 in text or jsonb.
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  // A lone UTF-16 surrogate (e.g. JSON "\ud800") is not Unicode text: jsonb refuses it, text columns mangle it.
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains a lone UTF-16 surrogate)';
  return null;
}

function checkText(value: string, path: string[]) {
  const problem = textProblem(value);
  if (problem) throw new Refused(problem, path);
}

const dotted = (path: string[]) => path.join('.');
const tooDeepJson = (path: string[]) => new Refused(`nests JSON more than ${INPUT_LIMITS.maxJsonDepth} levels deep`, path);

/** Depth of a JSON value, counted without recursing past the limit; checks keys and strings on the way. */
function checkJson(value: unknown, path: string[], depth: number): void {
  if (typeof value === 'string') return checkText(value, path);
  if (value === null || typeof value !== 'object') return;
  if (depth >= INPUT_LIMITS.maxJsonDepth) throw tooDeepJson(path);
  if (Array.isArray(value)) value.forEach((item, i) => checkJson(item, [...path, String(i)], depth + 1));
  else for (const [key, item] of Object.entries(value)) {
    checkText(key, [...path, key]);
    checkJson(item, [...path, key], depth + 1);
  }
}

/** The same for a JSON literal in the document. */
function checkJsonLiteral(node: ValueNode, path: string[], depth: number): void {
  if (node.kind === Kind.STRING) return checkText(node.value, path);
  if (node.kind !== Kind.OBJECT && node.kind !== Kind.LIST) return;
  if (depth >= INPUT_LIMITS.maxJsonDepth) throw tooDeepJson(path);
  if (node.kind === Kind.LIST) node.values.forEach((item, i) => checkJsonLiteral(item, [...path, String(i)], depth + 1));
  else for (const field of node.fields) checkJsonLiteral(field.value, [...path, field.name.value], depth + 1);
}

interface Depth {
  /** Input objects and lists entered. */
  input: number;
  /** Filter levels: an input object inside a field of its own type (`and`, `or`, `not`). */
  filter: number;
}

function deeper(depth: Depth, path: string[], sameType: boolean): Depth {
  const next = { input: depth.input + 1, filter: depth.filter + (sameType ? 1 : 0) };
  if (next.filter > INPUT_LIMITS.maxFilterDepth) {
    throw new Refused(`nests filters more than ${INPUT_LIMITS.maxFilterDepth} levels deep (\`and\` / \`or\` / \`not\`)`, path);
  }
  if (next.input > INPUT_LIMITS.maxInputDepth) {
    throw new Refused(`nests input objects and lists more than ${INPUT_LIMITS.maxInputDepth} levels deep`, path);
  }
  return next;
}

/**
 * Walks a raw (not yet coerced) variable value along its declared type. Values of the wrong shape
 * are skipped: coercion refuses them afterwards without recursing into them.
 */
function checkValue(value: unknown, type: GraphQLInputType, path: string[], depth: Depth, parent?: string): void {
  if (value == null) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, path, depth, parent);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(value, type.ofType, path, depth, parent);
    const inner = deeper(depth, path, false);
    value.forEach((item, i) => checkValue(item, type.ofType, [...path, String(i)], inner, parent));
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    const inner = deeper(depth, path, parent === type.name);
    const fields = type.getFields();
    for (const [key, item] of Object.entries(value)) {
      if (fields[key]) checkValue(item, fields[key].type, [...path, key], inner, type.name);
    }
    return;
  }
  if (isScalarType(type) && JSON_SCALARS.has(type.name)) return checkJson(value, path, 0);
  if (typeof value === 'string') checkText(value, path);
}

/** The same walk over a literal argument in the document; variables inside it are checked as variables. */
function checkLiteral(node: ValueNode, type: GraphQLInputType, path: string[], depth: Depth, parent?: string): void {
  if (node.kind === Kind.VARIABLE || node.kind === Kind.NULL) return;
  if (isNonNullType(type)) return checkLiteral(node, type.ofType, path, depth, parent);
  if (isListType(type)) {
    if (node.kind !== Kind.LIST) return checkLiteral(node, type.ofType, path, depth, parent);
    const inner = deeper(depth, path, false);
    node.values.forEach((item, i) => checkLiteral(item, type.ofType, [...path, String(i)], inner, parent));
    return;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return;
    const inner = deeper(depth, path, parent === type.name);
    const fields = type.getFields();
    for (const field of node.fields) {
      const def = fields[field.name.value];
      if (def) checkLiteral(field.value, def.type, [...path, field.name.value], inner, type.name);
    }
    return;
  }
  if (isScalarType(type) && JSON_SCALARS.has(type.name)) return checkJsonLiteral(node, path, 0);
  if (node.kind === Kind.STRING) checkText(node.value, path);
}

/** Where each variable is first used: the argument path it stands for (`input.name`), for error messages. */
function variableUses(document: DocumentNode): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const record = (node: ValueNode, path: string[]) => {
    if (node.kind === Kind.VARIABLE) { if (!uses.has(node.name.value)) uses.set(node.name.value, path); }
    else if (node.kind === Kind.LIST) node.values.forEach((v, i) => record(v, [...path, String(i)]));
    else if (node.kind === Kind.OBJECT) for (const f of node.fields) record(f.value, [...path, f.name.value]);
  };
  visit(document, { Argument(node) { record(node.value, [node.name.value]); } });
  return uses;
}

/** Every literal argument of the document (all fragments included), walked along its type. */
function checkLiterals(schema: GraphQLSchema, document: DocumentNode) {
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    Argument(node) {
      const arg = typeInfo.getArgument();
      if (arg) checkLiteral(node.value, arg.type, [node.name.value], { input: 0, filter: 0 });
      return false;
    },
  }));
}

/** A 400 BAD_USER_INPUT error naming the field (`extensions.field`), as every refused argument is. */
function refusal(problem: string, path: string[], variable?: string): GraphQLError {
  const field = dotted(path);
  const via = variable ? ` (variable \`$${variable}\`)` : '';
  return new GraphQLError(`\`${field}\`${via} ${problem}.`, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });
}

function checkVariables(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    if (!type) continue;
    const name = def.variable.name.value;
    try {
      if (Object.prototype.hasOwnProperty.call(variables, name)) checkValue(variables[name], type, [], { input: 0, filter: 0 });
      else if (def.defaultValue) checkLiteral(def.defaultValue, type, [], { input: 0, filter: 0 });
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      // Name the argument the variable feeds (`input.name`), as for a literal, and the variable's own path.
      const argument = variableUses(document).get(name) ?? [`$${name}`];
      throw refusal(error.problem, [...argument, ...error.path], [name, ...error.path].join('.'));
    }
  }
}

/**
 * Documents whose literals passed. Apollo keeps each parsed document (its document store), so a query sent
 * again is the same object: its literals are checked once, not on every request. (Refusals are not kept:
 * a refused document is re-checked, which costs only the refused caller.)
 */
const literalsPassed = new WeakSet<DocumentNode>();

/** Runs the guard; throws a BAD_USER_INPUT GraphQLError (HTTP 400) naming the field. */
export function guardInput(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined) {
  if (!literalsPassed.has(document)) {
    try {
      checkLiterals(schema, document);
    } catch (error) {
      if (error instanceof Refused) throw refusal(error.problem, error.path);
      throw error;
    }
    literalsPassed.add(document);
  }
  checkVariables(schema, document, operation, variables ?? {});
}

/** Apollo plugin: the guard between validation and execution (where variables are not yet coerced). */
export function inputGuardPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) guardInput(schema, document, operation, request.variables);
        },
      };
    },
  };
}

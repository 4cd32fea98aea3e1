import {
  type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, Kind, type NamedTypeNode, type OperationDefinitionNode,
  execute, getVariableValues, isObjectType, isScalarType, printSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { Extensions } from 'type-graphql';

/**
 * Executes operations with graphql-jit instead of graphql-js's `execute`: each distinct operation is
 * compiled once into a plain function that walks the selection, calls the same resolvers (the permission
 * middleware and field guard included) and completes values without graphql-js's per-field generic work
 * (argument maps, `isPromise` checks, path objects, list and abstract-type dispatch). On a page of 50
 * customers with 10 contacts each that generic work was a quarter of the server's CPU; compiled, the
 * same page costs ~40 % less CPU to execute (issue 13, `bench/README.md`).
 *
 * Apollo Server parses, validates (our limits and rules included), formats errors and sends the answer as
 * before; only execution changes. Apollo's one documented way to replace its executor is the gateway
 * interface (`@apollo/server-gateway-interface`): `load` hands over the schema and an executor, so this is
 * passed as `gateway` instead of `schema`.
 */

/**
 * Marks a field whose value is lazy: a getter that answers a promise (a count run only when asked for).
 * graphql-jit reads a field without a resolver as a plain property, inlined in the compiled code: unlike
 * graphql-js's default resolver it neither awaits a promise there nor calls a function. A lazy field gets
 * a resolver that reads the property, whose promise graphql-jit then awaits.
 */
export const LazyField = () => Extensions({ lazyValue: true });

/** Gives every `LazyField` without a resolver one that reads the property (see LazyField). */
function resolveLazyFields(schema: GraphQLSchema) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions.lazyValue && !field.resolve) {
        const name = field.name;
        field.resolve = (parent: Record<string, unknown>) => parent[name];
      }
    }
  }
}

/**
 * graphql-jit's errors imitate graphql-js's (same prototype) but leave `extensions` undefined and carry no
 * AST nodes; Apollo and our error formatter expect graphql-js's own: rebuilt as one, same message, path,
 * locations and cause.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

/**
 * Variables are coerced once, by graphql-js (`getVariableValues`, as its `execute` does: defaults, input
 * field defaults, a single value as a list, the scalars' own messages, at most 50 errors). graphql-jit
 * would coerce them again with its own generated parser, which differs (it drops the defaults of input
 * fields and of variables, and recurses without end on a recursive input type such as a filter with
 * and/or/not). So the compiled operation declares every variable as `JSON`, whose parsing is the
 * identity, and receives graphql-js's coerced values as they are.
 */
const PASS_THROUGH = 'JSON';
const PASS_THROUGH_TYPE: NamedTypeNode = { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: PASS_THROUGH } };

function assertPassThrough(schema: GraphQLSchema) {
  const type = schema.getType(PASS_THROUGH);
  const probe = { probe: [1] };
  if (!isScalarType(type) || type.parseValue(probe) !== probe) throw new Error(`compiled execution needs a scalar ${PASS_THROUGH} whose parseValue is the identity`);
}

function withCoercedVariables(document: DocumentNode): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((d) => (d.kind !== Kind.OPERATION_DEFINITION ? d : {
      ...d,
      variableDefinitions: d.variableDefinitions?.map((v) => ({ ...v, type: PASS_THROUGH_TYPE, defaultValue: undefined })),
    })),
  };
}

/** Compiled operations kept per process; least recently used first out. A client's queries are few and fixed, so this is only a ceiling. */
const MAX_COMPILED = 1000;

interface ExecutorRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName?: string | null;
  queryHash: string;
  request: { variables?: Record<string, unknown> };
  context: unknown;
}

export function compiledExecution(schema: GraphQLSchema) {
  assertPassThrough(schema);
  resolveLazyFields(schema);
  const compiled = new Map<string, CompiledQuery | ExecutionResult>();

  function compiledFor(key: string, document: DocumentNode, operationName: string | undefined): CompiledQuery | ExecutionResult {
    let entry = compiled.get(key);
    if (entry) {
      compiled.delete(key); // re-inserted below: a Map iterates in insertion order, so the first key is the least recently used
    } else {
      // Leaf values are serialized by their scalar (DateTime, Decimal, enums), as graphql-js does.
      entry = compileQuery(schema, withCoercedVariables(document), operationName, { disableLeafSerialization: false, customJSONSerializer: false });
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(key, entry);
    return entry;
  }

  async function executor({ document, operation, operationName, queryHash, request, context }: ExecutorRequest): Promise<ExecutionResult> {
    // Coerced by graphql-js (see PASS_THROUGH); its errors are BAD_USER_INPUT with HTTP 400 in Apollo.
    const variables = request.variables ?? {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const name = operationName ?? undefined;
    // The query hash is Apollo's sha256 of the query text; one text may hold several operations.
    const entry = compiledFor(`${queryHash}:${name ?? ''}`, document, name);
    if (!isCompiledQuery(entry)) {
      // An operation graphql-jit cannot compile (none known: a safety net) runs on graphql-js, as everything did before.
      return execute({ schema, document, operationName: name, variableValues: variables, contextValue: context });
    }
    const result = await entry.query(undefined, context, coerced.coerced);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  }

  return {
    /** Apollo's `gateway` option: the schema (for validation, introspection and the landing page) and the executor. */
    gateway: {
      async load() {
        return { schema, executor };
      },
      onSchemaLoadOrUpdate(callback: (schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => {};
      },
      async stop() {},
    },
    /** Compiled operations held (tests). */
    get size() {
      return compiled.size;
    },
  };
}

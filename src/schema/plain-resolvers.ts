import { isAbstractType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';

/**
 * Resolver methods called directly, without type-graphql's per-call handler. That handler runs every
 * `@Arg`/`@Args` parameter through an `async` validation step even with validation off (`validate:
 * false`), so every resolver with arguments answers a promise; it also rebuilds the arguments as class
 * instances by scanning the metadata of every argument type on each call. On a page of 50 customers
 * each nested connection (`contacts(first: 10)`) did that per row, and each customer then completed
 * asynchronously. Called directly, a resolver that returns a value returns it synchronously, and its
 * arguments are the ones graphql-js coerced (defaults applied; plain objects: nothing in the resolvers
 * or services depends on argument class instances). Parameters of other kinds keep type-graphql's handler.
 */

interface ParamMetadata {
  kind: string;
  index: number;
  name?: string;
  propertyName?: string;
  getType?: () => unknown;
}

interface ResolverMetadata {
  target: new () => Record<string, (...args: unknown[]) => unknown>;
  methodName: string;
  schemaName: string;
  kind?: string;
  params?: ParamMetadata[];
  getObjectType?: () => unknown;
}

interface AbstractTypeMetadata {
  name: string;
  resolveType?: GraphQLTypeResolver<unknown, unknown>;
}

interface MetadataStorage {
  interfaceTypes: AbstractTypeMetadata[];
  unions: AbstractTypeMetadata[];
  queries: ResolverMetadata[];
  mutations: ResolverMetadata[];
  fieldResolvers: ResolverMetadata[];
  objectTypes: { target: unknown; name: string }[];
}

/** A class whose instances carry behaviour (methods or accessors), which a plain root object would lack. */
const hasBehaviour = (type: unknown): type is new () => object =>
  typeof type === 'function' && type !== Object
  && Object.getOwnPropertyNames((type as { prototype: object }).prototype).some((name) => name !== 'constructor');

/** One parameter's value from the resolver's arguments, or undefined when the kind is not a plain one. */
function paramReader(param: ParamMetadata): ((root: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown) => unknown) | undefined {
  switch (param.kind) {
    case 'args':
      return (_root, args) => args;
    case 'arg':
      return (_root, args) => args[param.name!];
    case 'context':
      return param.propertyName ? (_root, _args, ctx) => (ctx as Record<string, unknown>)[param.propertyName!] : (_root, _args, ctx) => ctx;
    case 'info':
      return (_root, _args, _ctx, info) => info;
    case 'root': {
      const type = param.getType?.();
      const pick = param.propertyName ? (root: unknown) => (root as Record<string, unknown> | null)?.[param.propertyName!] : (root: unknown) => root;
      if (!hasBehaviour(type)) return pick;
      // As type-graphql does: the root as an instance of its class, for its methods.
      return (root) => {
        const value = pick(root);
        return value == null || value instanceof type ? value : Object.assign(new type(), value);
      };
    }
    default:
      return undefined;
  }
}

export function callResolversDirectly(schema: GraphQLSchema): number {
  const storage = (globalThis as unknown as { TypeGraphQLMetadataStorage?: MetadataStorage }).TypeGraphQLMetadataStorage;
  if (!storage) throw new Error('type-graphql metadata not found');
  const typeName = (cls: unknown) => storage.objectTypes.find((o) => o.target === cls)?.name;
  const entries: [string | undefined, ResolverMetadata][] = [
    ...storage.queries.map((m): [string, ResolverMetadata] => [schema.getQueryType()?.name ?? 'Query', m]),
    ...storage.mutations.map((m): [string, ResolverMetadata] => [schema.getMutationType()?.name ?? 'Mutation', m]),
    ...storage.fieldResolvers.filter((m) => m.kind === 'external').map((m): [string | undefined, ResolverMetadata] => [typeName(m.getObjectType?.()), m]),
  ];
  const instances = new Map<unknown, Record<string, (...args: unknown[]) => unknown>>();
  let replaced = 0;
  for (const [type, meta] of entries) {
    const objectType = type ? schema.getType(type) : undefined;
    const field = objectType && isObjectType(objectType) ? objectType.getFields()[meta.schemaName] : undefined;
    if (!field || !meta.params) continue;
    const readers = [...meta.params].sort((a, b) => a.index - b.index).map(paramReader);
    if (readers.some((r) => !r)) continue; // a parameter kind this does not know: type-graphql's handler stays
    let instance = instances.get(meta.target);
    if (!instance) instances.set(meta.target, (instance = new meta.target()));
    const method = instance[meta.methodName];
    const self = instance;
    const read = readers as NonNullable<ReturnType<typeof paramReader>>[];
    const resolve: GraphQLFieldResolver<unknown, unknown> = (root, args, ctx, info) =>
      method.apply(self, read.map((r) => r(root, args, ctx, info)));
    field.resolve = resolve;
    replaced += 1;
  }
  // type-graphql wraps every `resolveType` in an async function (it may answer a class); ours answer a type
  // name synchronously, and graphql-jit (compiled-execution.ts) needs that: it does not await a type.
  for (const meta of [...storage.interfaceTypes, ...storage.unions]) {
    const type = schema.getType(meta.name);
    if (meta.resolveType && type && isAbstractType(type)) type.resolveType = meta.resolveType;
  }
  return replaced;
}

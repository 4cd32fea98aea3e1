import { isIntrospectionType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareFieldMap, type IMiddlewareTypeMap } from 'graphql-middleware';
import { deny, shield, type IRules } from 'graphql-shield';
import { forbiddenMessage } from './access';
import { forbidden } from './errors';
import { guardField } from './field-guard';
import type { PermissionMap } from './permission-map';
import { toShieldRule, type Policy } from './rules';

/**
 * The one permission map: every field of every object type has a policy here (deny by default). Each
 * domain brings its part (`Domain.permissions`), added by `registerPermissions` when the domains load
 * (src/domains/index.ts); a field declared twice is a start-up error.
 */
export const permissionMap: PermissionMap = {};

export function registerPermissions(map: PermissionMap): void {
  for (const [type, fields] of Object.entries(map)) {
    for (const field of Object.keys(fields)) {
      if (permissionMap[type]?.[field]) throw new Error(`Permission for ${type}.${field} is declared twice.`);
    }
    permissionMap[type] = { ...permissionMap[type], ...fields };
  }
}

/** The policy that governs a field, or undefined when the map does not cover it. */
export function policyFor(type: string, field: string): Policy | undefined {
  return permissionMap[type]?.[field] ?? permissionMap[type]?.['*'];
}

/** Fields of the schema the map does not cover, as "Type.field". Must be empty. */
export function uncoveredFields(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !isIntrospectionType(t))
    .flatMap((t) => Object.keys(t.getFields()).map((f) => [t.name, f] as const))
    .filter(([t, f]) => !policyFor(t, f))
    .map(([t, f]) => `${t}.${f}`);
}

/** Map entries that name a type or field the schema does not have (typos would silently do nothing). */
export function unknownEntries(schema: GraphQLSchema): string[] {
  return Object.entries(permissionMap).flatMap(([type, fields]) => {
    const t = schema.getType(type);
    if (!t || !isObjectType(t)) return [type];
    return Object.keys(fields).filter((f) => f !== '*' && !t.getFields()[f]).map((f) => `${type}.${f}`);
  });
}

/** A type's entry of a middleware type map that maps fields (not a middleware for the whole type). */
const isFieldMap = (entry: IMiddlewareTypeMap[string]): entry is IMiddlewareFieldMap =>
  typeof entry === 'object' && !('resolve' in entry) && !('fragment' in entry) && !('fragments' in entry);

/**
 * Applies the permission map. graphql-shield guards the operations (the root fields of Query and
 * Mutation), deny by default; the fields of object types get a synchronous guard (auth/field-guard.ts)
 * that decides once per caller what the caller alone decides and checks the record only where the
 * policy needs it. Fields whose policy is open (`reachable`, `everyone`) are not wrapped at all.
 * Refuses to start when a field has no policy, or the map names a field the schema does not have.
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const missing = [...uncoveredFields(schema), ...unknownEntries(schema)];
  if (missing.length) throw new Error(`Permission map does not match the schema: ${missing.join(', ')}`);
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  const tree: IRules = Object.fromEntries(
    Object.entries(permissionMap).filter(([type]) => roots.has(type))
      .map(([type, fields]) => [type, Object.fromEntries(Object.entries(fields).map(([f, p]) => [f, toShieldRule(p)]))]),
  );
  const middleware = shield(tree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    // The message names what the field needs (a role, an API-key scope), from the field's policy.
    fallbackError: (_thrown, _parent, _args, ctx: any, info) =>
      forbidden(forbiddenMessage(info.parentType.name, info.fieldName, policyFor(info.parentType.name, info.fieldName), ctx?.principal ?? null)),
  // graphql-shield generates a type map (type -> field -> middleware); its declared type is the wider IMiddleware.
  }).generate(schema) as IMiddlewareTypeMap;
  for (const [type, fields] of Object.entries(middleware)) {
    if (!roots.has(type) || !isFieldMap(fields)) {
      delete middleware[type]; // object types: the synchronous guards below
      continue;
    }
    for (const field of Object.keys(fields)) {
      if (policyFor(type, field)?.public) delete fields[field];
    }
    if (!Object.keys(fields).length) delete middleware[type];
  }
  const guarded = applyMiddleware(schema, middleware);
  // A subscription field is also checked when subscribing, before its stream opens (graphql-middleware
  // wraps only its `resolve`, which runs per event): a caller the map refuses never starts listening.
  const subscription = guarded.getSubscriptionType();
  for (const field of Object.values(subscription?.getFields() ?? {})) {
    const policy = policyFor(subscription!.name, field.name)!;
    if (field.subscribe && !policy.public) field.subscribe = guardField(subscription!.name, field.name, policy, field.subscribe);
  }
  for (const type of Object.values(guarded.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type) || roots.has(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      const policy = policyFor(type.name, field.name)!;
      if (!policy.public) field.resolve = guardField(type.name, field.name, policy, field.resolve);
    }
  }
  return guarded;
}

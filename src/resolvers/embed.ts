import { getArgumentValues, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type DataLoader from 'dataloader';
import { policyFor } from '../auth';
import { permits } from '../auth/field-guard';
import type { GraphQLContext } from '../context';
import type { Policy } from '../auth/rules';
import type { Embed, EmbeddedPage, EmbeddedRecord, EmbeddedReference, ReadModel } from '../services/read-model';
import { EDGE_NODE, fieldsAt, selectedIn } from './selection';

/**
 * Nested connections read in their parent's statement (read-model `Embed`): a page of customers with
 * their contacts, or one customer with its contacts, deals, orders and cases, is one SQL statement and
 * resolves without a DataLoader round, as PostGraphile answers it. The parent's resolver looks ahead
 * at what the client selected (`embedsOf`); each nested field's resolver takes the rows read with its
 * parent when they are there (`nestedPage`) and reads on its own otherwise (the batched loader).
 */

/** A nested connection that can be read with its parent: the child read model and the field's list arguments. */
export interface Nested {
  model: ReadModel<any, any, any, any, any>;
  /** The list arguments from the field's GraphQL arguments: the same function the field's resolver uses. */
  listArgs: (args: any, ctx: GraphQLContext) => EmbeddedPage['args'];
}

/** A referenced record that can be read with its parent (see read-model `EmbeddedReference`). */
export type NestedReference = Omit<EmbeddedReference, 'key'>;

/**
 * A referenced record read within its own read model's scope (see read-model `EmbeddedRecord`), with the
 * nested pages selected on it; `type` is its GraphQL type, `readers` the read policy its loader applies.
 */
export interface NestedRecord {
  record: EmbeddedRecord['record'];
  reference: string;
  type: string;
  readers?: Policy;
}

type NestedField = Nested | NestedReference | NestedRecord;

const nested = new Map<string, Map<string, NestedField>>();

/** Declares `Type.field` embeddable (next to the field's resolver). */
export function registerNested(type: string, field: string, how: NestedField): void {
  let fields = nested.get(type);
  if (!fields) nested.set(type, (fields = new Map()));
  fields.set(field, how);
}

/**
 * The nested connections of `type` selected below the current field at `path` that can be read with
 * the parent rows. A field the caller may not read is left out (its guard refuses it anyway), as are
 * arguments that do not make a valid page: the field then reads on its own and reports its error.
 */
export function embedsOf(ctx: GraphQLContext, info: GraphQLResolveInfo, path: readonly string[], type: string): Embed[] {
  return embedsAt(ctx, info, fieldsAt(info.fieldNodes, info.fragments, path), type);
}

function embedsAt(ctx: GraphQLContext, info: GraphQLResolveInfo, selected: FieldNode[], type: string): Embed[] {
  const fields = nested.get(type);
  const objectType = info.schema.getType(type) as GraphQLObjectType | undefined;
  if (!fields || !objectType || !ctx.principal) return [];
  const byKey = new Map<string, FieldNode[]>();
  for (const node of selected) {
    if (!fields.has(node.name.value)) continue;
    const key = node.alias?.value ?? node.name.value;
    byKey.set(key, [...(byKey.get(key) ?? []), node]);
  }
  const embeds: Embed[] = [];
  for (const [key, nodes] of byKey) {
    const name = nodes[0].name.value;
    const policy = policyFor(type, name);
    if (!policy || permits(ctx.principal, policy) === false) continue;
    const how = fields.get(name)!;
    if ('record' in how) {
      if (how.readers && !how.readers.check(ctx.principal, null)) continue; // its loader answers null for this caller
      embeds.push({
        key, record: how.record, reference: how.reference, select: selectedIn(nodes, info.fragments, []),
        embed: embedsAt(ctx, info, fieldsAt(nodes, info.fragments, []), how.type),
      });
      continue;
    }
    if (!('model' in how)) {
      embeds.push({ key, ...how, select: selectedIn(nodes, info.fragments, []) });
      continue;
    }
    try {
      const args = how.listArgs(getArgumentValues(objectType.getFields()[name], nodes[0], info.variableValues), ctx);
      embeds.push({ key, model: how.model, args: { ...args, select: selectedIn(nodes, info.fragments, EDGE_NODE) } });
    } catch {
      // Invalid or refused arguments: the field's own resolver reads (and reports) them.
    }
  }
  return embeds;
}

/**
 * A nested page: from the rows read with the parent when there are some for this field (same arguments,
 * same rows as the loader would read), else through the batched loader.
 */
export function nestedPage<A, C>(
  parent: { id: string }, info: GraphQLResolveInfo, args: A,
  page: (args: A) => DataLoader<string, C>, embedded: (args: A, parentId: string, rows: never[]) => C,
): C | Promise<C> {
  const rows = (parent as { __embedded?: Record<string, never[]> }).__embedded?.[info.fieldNodes[0].alias?.value ?? info.fieldName];
  return rows ? embedded(args, parent.id, rows) : page(args).load(parent.id);
}

/**
 * A referenced record read with the parent: null when the reference is null or the record is not visible,
 * undefined when it was not read with the parent (the resolver then loads it).
 */
export function embeddedReference<T>(parent: object, info: GraphQLResolveInfo): T | null | undefined {
  const found = (parent as { __embedded?: Record<string, T[]> }).__embedded?.[info.fieldNodes[0].alias?.value ?? info.fieldName];
  return found ? (found[0] ?? null) : undefined;
}

import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** The path from a connection to its rows. */
export const EDGE_NODE = ['edges', 'node'] as const;

type Fragments = Record<string, FragmentDefinitionNode>;

/**
 * The fields a client selected on the objects below the current field, following `path` (e.g.
 * `['edges', 'node']` for a connection), through fragments and inline fragments, by field name
 * (aliases resolved). A field under `@skip`/`@include` counts as selected (a superset is safe).
 * The read models use it to read only the columns a request needs (services see plain names only).
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): string[] {
  // A nested field resolves once per parent row with the same field nodes: work it out once per execution.
  let byPath = memo.get(info.fieldNodes);
  if (!byPath) memo.set(info.fieldNodes, (byPath = new Map()));
  const key = path.join('.');
  let found = byPath.get(key);
  if (!found) byPath.set(key, (found = selectedIn(info.fieldNodes, info.fragments, path)));
  return found;
}

const memo = new WeakMap<readonly FieldNode[], Map<string, string[]>>();

/** The names selected below `nodes` at `path` (see `selectedFields`), sorted. */
export function selectedIn(nodes: readonly FieldNode[], fragments: Fragments, path: readonly string[]): string[] {
  const names = new Set<string>();
  for (const field of fieldsAt(nodes, fragments, path)) if (!field.name.value.startsWith('__')) names.add(field.name.value);
  return [...names].sort();
}

/** The field nodes selected below `nodes` at `path`, fragments spread. */
export function fieldsAt(nodes: readonly FieldNode[], fragments: Fragments, path: readonly string[]): FieldNode[] {
  let sets: SelectionSetNode[] = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const step of path) sets = sets.flatMap((set) => fieldsOf(set, fragments).filter((f) => f.name.value === step && f.selectionSet).map((f) => f.selectionSet!));
  return sets.flatMap((set) => fieldsOf(set, fragments));
}

function fieldsOf(set: SelectionSetNode, fragments: Fragments, seen = new Set<string>()): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === 'Field') return [selection];
    if (selection.kind === 'InlineFragment') return fieldsOf(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    const fragment = fragments[name];
    if (!fragment || seen.has(name)) return [];
    seen.add(name);
    return fieldsOf(fragment.selectionSet, fragments, seen);
  });
}

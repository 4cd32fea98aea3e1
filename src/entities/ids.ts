import { randomUUID } from 'node:crypto';

/**
 * Opaque, typed identifiers: `cus_3f1c…`. The prefix lets `node(id)` find the type without a lookup;
 * the random part never reveals counts or creation order. Each entity declares its prefix with
 * `@IdPrefix('cus')` beside `@Entity`, so a new domain adds its types without touching a central list.
 */
const prefixByType = new Map<string, string>();
const typeByPrefix = new Map<string, string>();

/** The name of an entity type with an id prefix (checked when used: see `prefixOf`). */
export type NodeTypeName = string;

/** Declares the id prefix of an entity (three lower-case letters, unique across the API). */
export function IdPrefix(prefix: string): ClassDecorator {
  return (target) => {
    if (!/^[a-z]{3}$/.test(prefix)) throw new Error(`Id prefix of ${target.name} must be three lower-case letters: ${prefix}`);
    const taken = typeByPrefix.get(prefix);
    if (taken && taken !== target.name) throw new Error(`Id prefix ${prefix} of ${target.name} is taken by ${taken}.`);
    prefixByType.set(target.name, prefix);
    typeByPrefix.set(prefix, target.name);
  };
}

/** The id prefix of a type; throws for a type whose entity declares none (or is not loaded yet). */
export function prefixOf(type: NodeTypeName): string {
  const prefix = prefixByType.get(type);
  if (!prefix) throw new Error(`${type} has no id prefix: declare @IdPrefix on its entity (and import the entity before using its ids).`);
  return prefix;
}

/** Every type with an id prefix, as type -> prefix (for checks and tests). */
export function idPrefixes(): ReadonlyMap<string, string> {
  return prefixByType;
}

export function newId(type: NodeTypeName): string {
  return `${prefixOf(type)}_${randomUUID().replace(/-/g, '')}`;
}

/** The type an id belongs to, or null for anything that is not one of our ids. */
export function typeOfId(id: string): NodeTypeName | null {
  const match = /^([a-z]{3})_[0-9a-f]{32}$/.exec(id);
  return match ? (typeByPrefix.get(match[1]) ?? null) : null;
}

/** A many-to-one read as a plain row is the bare foreign key; a managed entity is an object. */
export function refId(ref: unknown): string | null {
  if (ref == null) return null;
  if (typeof ref === 'string') return ref;
  return (ref as { id: string }).id;
}

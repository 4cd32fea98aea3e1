/**
 * Copies input fields onto an entity, skipping the ones left out (undefined): an update changes only
 * what it names, and null clears a field. Typed on the entity, so an input field whose name or type
 * does not match the entity's property fails to compile; callers take input-only fields (relation ids,
 * `version`) out first. Null is accepted for every property because update inputs are nullable in
 * GraphQL; where a required field can arrive as null the service refuses or replaces it before this
 * (e.g. its `NON_NULLABLE` list), and the NOT NULL columns are the last guard.
 */
export function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | null }): void {
  Object.assign(target, Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)));
}

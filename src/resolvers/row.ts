/**
 * The type of a `@Root()` parameter: the plain row a service returned. Written as a mapped type on
 * purpose: TypeScript then emits `Object` as its design type, so type-graphql passes the row through
 * as it is instead of copying it into a new entity instance for every field of every row (which
 * costs a constructor with generated ids and dates per row and field).
 */
export type Row<T> = { [K in keyof T]: T[K] };

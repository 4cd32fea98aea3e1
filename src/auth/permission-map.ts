import type { Policy } from './rules';

/** Type name -> field name (or '*' for every other field of the type) -> policy. */
export type PermissionMap = Record<string, Record<string, Policy>>;

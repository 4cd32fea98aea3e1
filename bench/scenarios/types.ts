/**
 * A read scenario measured side by side (bench/compare.ts) and checked in the test suite
 * (test/read-scenarios.test.ts): the same request answered by this API, by PostGraphile 4 over the
 * same tables (bench/peers/) and by hand-written SQL through `pg`, each reduced to the same canonical
 * rows so that the three can be compared for equality before any timing counts.
 */

/** Runs SQL with `$1…$n` parameters and returns plain rows (a `pg` pool in the bench, the test database in tests). */
export type RawQuery = (text: string, params: unknown[]) => Promise<Record<string, any>[]>;

/** Canonical rows: plain JSON values only (strings, numbers, booleans, null, arrays, objects), in a defined order. */
export type Canonical = unknown;

export interface GraphQLSide<V> {
  /** The GraphQL document (one operation). */
  query: string;
  variables(input: V): Record<string, unknown>;
  /** The response's `data` reduced to canonical rows. */
  canonical(data: any): Canonical;
}

export interface ReadScenario<V> {
  /** Short name used on the command line: `customers-page`, `customer-360`, `timeline`, `case-lookup`. */
  name: string;
  /** One line for the report. */
  title: string;
  /**
   * Inputs of the requests, picked from the database once before the rounds (e.g. 20 customer ids);
   * the load cycles through them, every side gets the same ones. `size` is the page size where the
   * scenario has one (the CI test runs two sizes to prove the statement count does not grow).
   */
  inputs(query: RawQuery, opts: { size: number; count: number }): Promise<V[]>;
  /** The API's request, made as ADMIN (who sees every record, like PostGraphile without policies). */
  api: GraphQLSide<V>;
  /** The same request to PostGraphile 4 (default inflection, `public` schema). */
  postgraphile: GraphQLSide<V>;
  /** The same rows with hand-written SQL, the fewest statements a client of `pg` would send. */
  raw(query: RawQuery, input: V): Promise<Canonical>;
}

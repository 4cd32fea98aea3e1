/**
 * Counts SQL statements sent through the ORM. Tests use it to prove the N+1 rule: the number of
 * statements depends on the shape of a query, never on how many rows it returns.
 */
export const queryCounter = {
  count: 0,
  /** Of `count`, the statements sent to the read replica (DATABASE_READ_URL). */
  replica: 0,
  reset(): void {
    this.count = 0;
    this.replica = 0;
  },
};

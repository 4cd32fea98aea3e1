import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';

/** Unique constraints and the input field a clash on them is reported at (each domain registers its own). */
const UNIQUE_FIELDS: Record<string, string[]> = {};

export function registerUniqueFields(fields: Record<string, string[]>): void {
  for (const [constraint, path] of Object.entries(fields)) {
    if (UNIQUE_FIELDS[constraint]) throw new Error(`Unique constraint ${constraint} is registered twice.`);
    UNIQUE_FIELDS[constraint] = path;
  }
}

/** Runs a write in one transaction; expected failures roll it back and come back as payload errors. */
export async function inTransaction<T>(ctx: ServiceContext, work: (tx: ServiceContext) => Promise<T>): Promise<{ result: T | null; errors: UserError[] }> {
  try {
    const result = await ctx.em.transactional((em) => work({ ...ctx, em: em as ServiceContext['em'] }));
    return { result, errors: [] };
  } catch (e) {
    if (e instanceof RollbackWithErrors) return { result: null, errors: e.errors };
    if (e instanceof OptimisticLockError) {
      return { result: null, errors: [userError('CONFLICT', 'Someone changed this record meanwhile: reload it and apply your change again.', ['input', 'version'])] };
    }
    if (e instanceof UniqueConstraintViolationException) {
      // A concurrent write took the value between our check and our insert.
      const constraint = Object.keys(UNIQUE_FIELDS).find((name) => e.message.includes(name));
      return { result: null, errors: [userError('DUPLICATE', 'A record with the same unique value already exists.', constraint ? UNIQUE_FIELDS[constraint] : null)] };
    }
    throw e;
  }
}


/** Stops the transaction with these payload errors, if there are any. */
export function fail(errors: UserError[]): void {
  if (errors.length) throw new RollbackWithErrors(errors);
}

/**
 * Expected failures. Mutations return them as payload `errors`; queries raise the exceptions below,
 * which `schema/format-error.ts` maps to GraphQL error codes in one place.
 */
export type UserErrorCode = 'VALIDATION' | 'CONFLICT' | 'NOT_FOUND' | 'DUPLICATE' | 'FORBIDDEN' | 'BUSINESS_RULE';

export interface UserError {
  code: UserErrorCode;
  message: string;
  /** Path of the offending input field, e.g. ["input", "emails", "0", "address"]; null for the whole input. */
  field: string[] | null;
}

export const userError = (code: UserErrorCode, message: string, field: string[] | null = null): UserError => ({ code, message, field });

/** The record does not exist or is outside the caller's scope (the two are never told apart). */
export class NotFoundError extends Error {
  constructor(public readonly what = 'Record') {
    super(`${what} not found.`);
  }
}

/** A query argument is unusable (bad cursor, page too large, …). */
export class InputError extends Error {
  constructor(message: string, public readonly field: string) {
    super(message);
  }
}

/** The caller may not do this with this record (beyond what the field rules already decide). */
export class ForbiddenError extends Error {}

/** Thrown inside a transaction to roll it back and return payload errors instead. */
export class RollbackWithErrors extends Error {
  constructor(public readonly errors: UserError[]) {
    super('rolled back');
  }
}

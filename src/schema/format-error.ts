import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ForbiddenError, InputError, NotFoundError } from '../services/errors';
import { LIMITS, limitError } from './query-limits';

/** graphql-js stops coercing variables after 50 errors and adds this one, without a code. */
const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;
/** graphql-js's own token limit (parseOptions.maxTokens). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;
/** Suggestions name fields, types and enum values the caller did not know: hidden in production. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Only the frames of a stack: its first lines carry the message, which for a driver error is SQL with values. */
const framesOnly = (stack: unknown) => (Array.isArray(stack) ? stack.filter((line) => /^\s*at /.test(String(line))) : undefined);

/**
 * The one place where exceptions become GraphQL errors. Domain exceptions get their code; anything
 * unexpected is logged and reported without message or SQL in every mode (development adds the
 * stack frames, never the message).
 */
export function makeFormatError(log: Logger, development: boolean, production = false) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof NotFoundError) return { ...base, message: original.message, extensions: { code: 'NOT_FOUND' } };
    if (original instanceof InputError) return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT', field: original.field } };
    if (original instanceof ForbiddenError) return { ...base, message: original.message, extensions: { code: 'FORBIDDEN' } };
    if (TOO_MANY_VARIABLE_ERRORS.test(formatted.message)) {
      return { ...base, message: 'More than 50 variable values are invalid; the first 50 are listed.', extensions: { code: 'BAD_USER_INPUT' } };
    }
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(formatted.message)) {
      const limit = limitError('maxTokens', LIMITS.maxTokens, null, 'GRAPHQL_PARSE_FAILED');
      return { ...base, message: limit.message, extensions: limit.extensions };
    }
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: development ? formatted.extensions : extensions };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    const stacktrace = development ? framesOnly(formatted.extensions?.stacktrace) : undefined;
    return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', ...(stacktrace ? { stacktrace } : {}) } };
  };
  if (!production) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, message: result.message.replace(SUGGESTION, '') };
  };
}

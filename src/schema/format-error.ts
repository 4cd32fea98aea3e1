import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ForbiddenError, InputError, NotFoundError } from '../services/errors';

/**
 * The one place where exceptions become GraphQL errors. Domain exceptions get their code; anything
 * unexpected is logged and, outside development, reported without message, stack or SQL.
 */
export function makeFormatError(log: Logger, development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof NotFoundError) return { ...base, message: original.message, extensions: { code: 'NOT_FOUND' } };
    if (original instanceof InputError) return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT', field: original.field } };
    if (original instanceof ForbiddenError) return { ...base, message: original.message, extensions: { code: 'FORBIDDEN' } };
    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: development ? formatted.extensions : extensions };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    if (development) return formatted;
    return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

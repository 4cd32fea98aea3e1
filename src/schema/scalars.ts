import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { DATE_RANGE, yearInRange } from '../services/validation';

const inRange = yearInRange;
const outOfRange = (what: string) => new GraphQLError(`${what} must lie in the years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear}.`, {
  extensions: { code: 'BAD_USER_INPUT' },
});

const dateTimeISO = GraphQLDateTimeISO.toConfig();
/** The UTC year decides: "9999-12-31T23:00:00-05:00" is already in the year 10000. */
function dateTimeInRange(value: unknown): Date {
  if (!(value instanceof Date) || !inRange(value.getUTCFullYear())) throw outOfRange('A DateTime (in UTC)');
  return value;
}

/** UTC ISO-8601 timestamps, always serialised with `Z`, e.g. "2026-03-01T09:30:00.000Z". */
export const DateTimeScalar = new GraphQLScalarType({
  ...dateTimeISO,
  name: 'DateTime',
  description: `A UTC timestamp in ISO-8601, e.g. "2026-03-01T09:30:00.000Z". Inputs may carry any offset; outputs are UTC. Years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear} (in UTC); other years are refused.`,
  parseValue: (value) => dateTimeInRange(dateTimeISO.parseValue!(value)),
  parseLiteral: (ast, variables) => dateTimeInRange(dateTimeISO.parseLiteral!(ast, variables)),
});

export const JSONObjectScalar = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  name: 'JSONObject',
  description: 'A JSON object.',
});

const DECIMAL = /^-?\d{1,16}(\.\d{1,4})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new GraphQLError('Decimal must be a string like "1234.50" (up to 16 digits, 4 decimals); floats are refused to avoid rounding.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** Money and other exact quantities travel as strings so no client rounds them through a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "1234.50". Never a float. Integers are also accepted as input.',
  serialize: (value) => (value == null ? null : String(value)),
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseDecimal(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
    return parseDecimal(undefined);
  },
});

export const JSONScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  name: 'JSON',
  description: 'Any JSON value.',
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseLocalDate(value: unknown): string {
  if (typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) {
    if (!inRange(Number(value.slice(0, 4)))) throw outOfRange('A LocalDate');
    return value;
  }
  throw new GraphQLError('LocalDate must be a calendar date like "2026-04-30".', { extensions: { code: 'BAD_USER_INPUT' } });
}

/** A calendar date without time or zone (expected close dates, validity, campaign periods). */
export const LocalDateScalar = new GraphQLScalarType({
  name: 'LocalDate',
  description: `A calendar date without time, "YYYY-MM-DD", e.g. "2026-04-30". Years ${DATE_RANGE.minYear}–${DATE_RANGE.maxYear}; other years are refused.`,
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value == null ? null : String(value)),
  parseValue: parseLocalDate,
  parseLiteral: (ast) => parseLocalDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

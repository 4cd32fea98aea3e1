import { z } from 'zod';
import { InputError, userError, type UserError } from './errors';

/** Shared input rules. Services validate with these and return payload errors naming the field. */

/**
 * What a caller may pass to a service: the schema's input type where every optional field may also be
 * null, as a nullable GraphQL input field can be (GraphQL input classes implement these types, so the
 * compiler checks the bridge). The schema decides what null means: a `.nullish()` field accepts it
 * (clears the value), an `.optional()` one refuses it with a VALIDATION error naming the field.
 */
export type InputOf<S extends z.ZodTypeAny> = NullOrOmitted<z.input<S>>;

/** `T` with every optional property (at any depth) also accepting null. */
export type NullOrOmitted<T> = T extends Date
  ? T
  : T extends readonly (infer U)[]
    ? NullOrOmitted<U>[]
    : T extends object
      ? { [K in keyof T]: undefined extends T[K] ? NullOrOmitted<T[K]> | null : NullOrOmitted<T[K]> }
      : T;

export const PHONE = z
  .string()
  .trim()
  .min(5, 'Phone number is too short.')
  .max(30, 'Phone number is too long.')
  .regex(/^\+?[0-9 ()./-]+$/, 'Phone number may contain digits, spaces and + ( ) . / - only.')
  .refine((v) => v.replace(/\D/g, '').length >= 5, 'Phone number needs at least 5 digits.');

/** How e-mail addresses are compared everywhere (stored users, sign-in, the login throttle's keys). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const EMAIL = z.string().trim().max(254, 'E-mail address is too long.').email('Not a valid e-mail address.').transform(normalizeEmail);

const label = z.string().trim().min(1, 'Label is required.').max(40, 'Label is at most 40 characters.');

export const PHONES = z.array(z.object({ label, number: PHONE })).max(10, 'At most 10 phone numbers.');
export const EMAILS = z.array(z.object({ label, address: EMAIL })).max(10, 'At most 10 e-mail addresses.');
export const ADDRESSES = z
  .array(
    z.object({
      label,
      line1: z.string().trim().min(1, 'Street is required.').max(200),
      line2: z.string().trim().max(200).nullish(),
      city: z.string().trim().min(1, 'City is required.').max(100),
      region: z.string().trim().max(100).nullish(),
      postalCode: z.string().trim().max(20).nullish(),
      country: z.string().trim().regex(/^[A-Za-z]{2}$/, 'Country is a two-letter ISO code, e.g. "DE".').transform((v) => v.toUpperCase()),
    }),
  )
  .max(10, 'At most 10 addresses.');

export const text = (max: number) => z.string().trim().min(1, 'Must not be empty.').max(max, `At most ${max} characters.`);
export const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).nullish();

export const TAGS = z
  .array(z.string().trim().toLowerCase().min(1, 'Tags must not be empty.').max(40, 'A tag is at most 40 characters.'))
  .max(30, 'At most 30 tags.')
  .transform((tags) => [...new Set(tags)]);

export const URL_TEXT = z.string().trim().max(300).url('Not a valid URL (include http:// or https://).');

export const ID = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-f]{32}$`), `Not a valid id (expected \`${prefix}_…\`).`);

/** Parses `value`; on failure returns payload errors whose `field` starts with `root`. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, value: unknown, root: string[] = ['input']):
  { ok: true; data: z.infer<T> } | { ok: false; errors: UserError[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => userError('VALIDATION', issue.message, [...root, ...issue.path.map(String)])),
  };
}

/** Currency codes known to ISO 4217 (as far as the runtime's ICU data knows them). */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code, upper-cased: "eur" → "EUR". */
export const CURRENCY = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => /^[A-Z]{3}$/.test(v) && ISO_CURRENCIES.has(v), 'An ISO 4217 currency code, e.g. "EUR".');

/** A non-negative amount with at most 2 decimals, normalised without a float: "1250.5" → "1250.50". */
export const MONEY = z
  .string()
  .trim()
  .regex(/^\d{1,16}(\.\d{1,2})?$/, 'A non-negative amount with at most 2 decimals, e.g. "1250.00".')
  .transform((v) => {
    const [whole, fraction = ''] = v.split('.');
    return `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
  });

/**
 * Years a date, timestamp or month may have (the API's scalars refuse others). PostgreSQL has no year 0
 * and JavaScript and SQL date functions disagree far out; no CRM date lies outside this range.
 */
export const DATE_RANGE = { minYear: 1900, maxYear: 9999 };

export const yearInRange = (year: number) => Number.isInteger(year) && year >= DATE_RANGE.minYear && year <= DATE_RANGE.maxYear;

/** A calendar date "YYYY-MM-DD". */
export const LOCAL_DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A calendar date "YYYY-MM-DD".');

/** YYYY-MM-DD of a date (UTC), optionally shifted by whole days. */
export function isoDate(date: Date, plusDays = 0): string {
  return new Date(date.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);
}

// ------------------------------------------------------------------------------ query arguments
// A query has no payload to carry errors: a bad argument is BAD_USER_INPUT naming it (InputError).

/** A currency argument: ISO 4217, uppercase; null when absent. */
export function currencyArg(value: string, field?: string): string;
export function currencyArg(value: string | null | undefined, field?: string): string | null;
export function currencyArg(value: string | null | undefined, field = 'currency'): string | null {
  if (value == null) return null;
  const parsed = CURRENCY.safeParse(value);
  if (!parsed.success) throw new InputError(`\`${field}\` must be an ISO 4217 code, e.g. "EUR".`, field);
  return parsed.data;
}

/** An id argument of one type (`prefix_…`); null when absent. */
export function idArg(value: string | null | undefined, prefix: string, field: string): string | null {
  if (value == null) return null;
  if (!ID(prefix).safeParse(value).success) throw new InputError(`Not a valid id (expected \`${prefix}_…\`).`, field);
  return value;
}

/** A row-count argument (`limit`, `first`): `fallback` when absent, else a whole number from 1 to `max`. */
export function countArg(value: number | null | undefined, fallback: number, max: number, field = 'limit'): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InputError(`\`${field}\` must be between 1 and ${max}.`, field);
  return n;
}

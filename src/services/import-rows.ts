import { z } from 'zod';

/**
 * The pure part of a CSV import (no database): what each column of a kind holds, a cell turned into the
 * value the create mutation's input takes, and a row checked with the SAME zod schema the service checks
 * `createCustomer` / `createContact` / `createProduct` with (exported by each service): one set of rules.
 */

/** How a cell is read: as text, a whole number, a decimal number, true/false, a list, or JSON. */
export type CellKind = 'text' | 'int' | 'number' | 'bool' | 'list' | 'json';

/** One error of a row: the row as a spreadsheet numbers it (the header is row 1), the column, a message. */
export interface RowError { row: number; column: string | null; message: string; code: string }

/** Unwraps optional/nullable/default/effects layers down to the schema that says what the value is. */
function inner(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s._def.innerType;
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

/** The kind of each field of an input schema, read from the schema itself (so a new field is importable as is). */
export function columnKinds(schema: z.AnyZodObject): Record<string, CellKind> {
  const kinds: Record<string, CellKind> = {};
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const s = inner(field);
    if (s instanceof z.ZodNumber) kinds[name] = s.isInt ? 'int' : 'number';
    else if (s instanceof z.ZodBoolean) kinds[name] = 'bool';
    else if (s instanceof z.ZodArray) kinds[name] = inner(s.element) instanceof z.ZodObject ? 'json' : 'list';
    else if (s instanceof z.ZodObject || s instanceof z.ZodRecord) kinds[name] = 'json';
    else kinds[name] = 'text';
  }
  return kinds;
}

const TRUE_WORDS = new Set(['true', 'yes', '1', 'y']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'n']);

/**
 * A cell as an input value. An empty cell is `undefined` (the field is omitted: left as it is on an
 * update, the default on a create). Lists are `;`-separated (`vip;north`); JSON cells take the GraphQL
 * input's shape (`[{"label":"work","address":"a@b.c"}]`). Returns an error message for a malformed cell.
 */
export function cellValue(kind: CellKind, cell: string): { value: unknown } | { error: string } {
  const text = cell.trim();
  if (text === '') return { value: undefined };
  switch (kind) {
    case 'text': return { value: text };
    case 'int':
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return { error: `Not a number: "${text}".` };
      return { value: Number(text) };
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return { value: true };
      if (FALSE_WORDS.has(lower)) return { value: false };
      return { error: `Not true or false: "${text}".` };
    }
    case 'list':
      if (text.startsWith('[')) return parseJson(text);
      return { value: text.split(';').map((t) => t.trim()).filter(Boolean) };
    case 'json':
      return parseJson(text);
  }
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'Not valid JSON.' };
  }
}

/** Shorthands of columns that hold lists of objects: plain `a@b.c;d@e.f` for e-mails, `+49 30 1234;…` for phones. */
const PLAIN_LISTS: Partial<Record<string, (item: string) => Record<string, string>>> = {
  emails: (address) => ({ label: 'work', address }),
  phones: (number) => ({ label: 'work', number }),
};

/** The row of a kind's columns: header names, what each holds, and extra columns turned into input fields. */
export interface RowSpec {
  /** Input fields read from the schema (`columnKinds`), less the ones an import does not take. */
  kinds: Record<string, CellKind>;
  /** Columns besides the input fields (e.g. `externalSystem`/`externalRef`) and how they fold into the input. */
  extra?: { columns: string[]; fold: (values: Record<string, string>, input: Record<string, unknown>) => void; columnOf?: (path: (string | number)[]) => string | null };
}

/** The header's problems: unknown or repeated columns (the file is refused as a whole). */
export function headerErrors(spec: RowSpec, header: string[]): string[] {
  const known = new Set([...Object.keys(spec.kinds), ...(spec.extra?.columns ?? [])]);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const name of header) {
    if (!known.has(name)) problems.push(`Unknown column "${name}"; the columns are: ${[...known].join(', ')}.`);
    else if (seen.has(name)) problems.push(`Column "${name}" appears twice.`);
    seen.add(name);
  }
  return problems;
}

/** A row's cells as the create input (cells not parsed are reported, the rest of the row still read). */
export function rowInput(spec: RowSpec, header: string[], cells: string[], row: number): { input: Record<string, unknown>; errors: RowError[] } {
  const input: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const extra: Record<string, string> = {};
  header.forEach((column, i) => {
    const cell = cells[i] ?? '';
    const kind = spec.kinds[column];
    if (!kind) {
      extra[column] = cell.trim();
      return;
    }
    const plain = PLAIN_LISTS[column];
    const parsed = plain && cell.trim() && !cell.trim().startsWith('[')
      ? { value: cell.split(';').map((t) => t.trim()).filter(Boolean).map(plain) }
      : cellValue(kind, cell);
    if ('error' in parsed) errors.push({ row, column, message: parsed.error, code: 'VALIDATION' });
    else if (parsed.value !== undefined) input[column] = parsed.value;
  });
  spec.extra?.fold(extra, input);
  return { input, errors };
}

/**
 * Checks a row with the service's schema: `partial` for a row that may update (only its columns are
 * checked), the full schema for a row that creates (required fields must be there). The issues become
 * row errors naming the column (the first element of the issue's path).
 */
export function validateRow<S extends z.AnyZodObject>(schema: S, spec: RowSpec, input: Record<string, unknown>, row: number, creating: boolean):
  { data: z.infer<S> } | { errors: RowError[] } {
  const result = (creating ? schema : schema.partial()).safeParse(input);
  if (result.success) return { data: result.data };
  return {
    errors: result.error.issues.map((issue) => ({
      row,
      column: spec.extra?.columnOf?.(issue.path) ?? (issue.path.length ? String(issue.path[0]) : null),
      message: issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ${issue.message}` : issue.message,
      code: 'VALIDATION',
    })),
  };
}

/**
 * Rows in PostgreSQL's COPY text format (`COPY t (…) FROM STDIN`, the default format): one line per row,
 * fields separated by a tab, `\N` for NULL. Inside a field a backslash, a newline, a carriage return and a
 * tab must be written as `\\`, `\n`, `\r`, `\t`, or PostgreSQL reads them as the end of a field or a row
 * (or as the start of an escape). Arrays go as their literal (`{a,"b c"}`) and JSON as its text, each then
 * escaped like any other field. Only what the bench generator writes is supported: text, numbers, booleans,
 * dates, JSON values and one-dimensional text arrays.
 */

/** A value of one column: `null`/`undefined` is NULL; a string goes as it is (also a JSON or array literal made elsewhere). */
export type CopyValue = string | number | bigint | boolean | Date | null | undefined | readonly (string | null)[] | { readonly [key: string]: unknown };

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as the text of one field: the four characters COPY would misread are escaped; NUL cannot be stored in text. */
export function escapeCopyText(text: string): string {
  if (text.includes('\0')) throw new Error('A text value with a NUL character cannot be stored in PostgreSQL.');
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, (c) => ESCAPED[c]) : text;
}

/**
 * A one-dimensional array literal: elements quoted when they are empty, the word NULL, or contain a
 * character that the array parser treats specially (braces, comma, quotes, backslash, white space);
 * inside quotes `"` and `\` are backslash-escaped. A null element is the bare word NULL.
 */
export function arrayLiteral(items: readonly (string | null)[]): string {
  return `{${items.map((item) => {
    if (item === null) return 'NULL';
    if (item === '' || /^null$/i.test(item) || /[{},"\\\s]/.test(item)) return `"${item.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    return item;
  }).join(',')}}`;
}

/** One field: NULL, or the value's text escaped for COPY. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      // NaN and ±Infinity would be stored as such in a float column but fail in numeric/int ones: a bug either way here.
      if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
      return String(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new Error('Invalid date');
        return value.toISOString();
      }
      if (Array.isArray(value)) return escapeCopyText(arrayLiteral(value as readonly (string | null)[]));
      return escapeCopyText(JSON.stringify(value));
  }
}

/** One row: its fields joined by tabs, ended by a newline. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyField(values[i]);
  return `${line}\n`;
}

/** Many rows as one block of COPY data. */
export function copyLines(rows: readonly (readonly CopyValue[])[]): string {
  let text = '';
  for (const row of rows) text += copyLine(row);
  return text;
}

/** The COPY text-format encoder of bench:seed: what PostgreSQL would misread must be escaped, and nothing else changed. */
import { arrayLiteral, copyField, copyLine, copyLines, escapeCopyText } from '../../bench/copy-text';

describe('copyField', () => {
  test('NULL is \\N, for null and undefined', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
  });

  test('the text "\\N" itself is not NULL: its backslash is escaped', () => {
    expect(copyField('\\N')).toBe('\\\\N');
  });

  test.each([
    ['tab', 'a\tb', 'a\\tb'],
    ['newline', 'line 1\nline 2', 'line 1\\nline 2'],
    ['carriage return', 'a\r\nb', 'a\\r\\nb'],
    ['backslash', 'C:\\temp\\new', 'C:\\\\temp\\\\new'],
    ['backslash before n (not a newline)', '\\n', '\\\\n'],
    ['end-of-data marker', '\\.', '\\\\.'],
  ])('escapes a %s', (_name, input, expected) => {
    expect(copyField(input)).toBe(expected);
  });

  test('leaves other text alone: quotes, commas, accents, emoji, empty string', () => {
    for (const text of [`O'Brien, "Bob"`, 'Malmö Újvári Tomás', '🙂 ok', '', 'semi;colon | pipe']) expect(copyField(text)).toBe(text);
  });

  test('refuses a NUL character (PostgreSQL text cannot hold it)', () => {
    expect(() => copyField('a\0b')).toThrow(/NUL/);
  });

  test('booleans as t/f, numbers as written, bigint, dates as ISO-8601 UTC', () => {
    expect(copyField(true)).toBe('t');
    expect(copyField(false)).toBe('f');
    expect(copyField(0)).toBe('0');
    expect(copyField(-12.5)).toBe('-12.5');
    expect(copyField(12345678901234567890n)).toBe('12345678901234567890');
    expect(copyField(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
  });

  test('refuses NaN, Infinity and invalid dates instead of writing a value the column would reject or misstore', () => {
    expect(() => copyField(Number.NaN)).toThrow();
    expect(() => copyField(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => copyField(new Date('nope'))).toThrow();
  });

  test('a JSON object is its text, escaped: a newline inside a JSON string is already \\n in JSON, its backslash doubles', () => {
    const value = { note: 'two\nlines', path: 'C:\\x', tab: 'a\tb', quote: '"' };
    const field = copyField(value);
    // JSON.stringify writes \n, \\ and \t as two characters each; COPY must receive each of those backslashes doubled.
    expect(field).toBe('{"note":"two\\\\nlines","path":"C:\\\\\\\\x","tab":"a\\\\tb","quote":"\\\\""}');
    expect(field).not.toMatch(/[\n\t\r]/);
  });

  test('a JSON string made elsewhere (the generator passes JSON.stringify output) is escaped the same way', () => {
    expect(copyField(JSON.stringify([{ a: 'x\\y' }]))).toBe('[{"a":"x\\\\\\\\y"}]');
  });

  test('an array goes as its literal, escaped for COPY', () => {
    expect(copyField(['vip', 'north'])).toBe('{vip,north}');
    expect(copyField([])).toBe('{}');
    expect(copyField(['a b', 'x\\y'])).toBe('{"a b","x\\\\\\\\y"}');
    expect(copyField(['tab\there'])).toBe('{"tab\\there"}');
  });
});

describe('arrayLiteral', () => {
  test('quotes what the array parser would split, trim or read as NULL; a null element is NULL', () => {
    expect(arrayLiteral(['plain', 'with space', 'comma,here', '{brace}', 'quote"d', 'back\\slash', '', 'NULL', 'null', null]))
      .toBe('{plain,"with space","comma,here","{brace}","quote\\"d","back\\\\slash","","NULL","null",NULL}');
  });
});

describe('copyLine / copyLines', () => {
  test('fields joined by tabs, one newline at the end; a value with tabs and newlines stays one field on one line', () => {
    const line = copyLine(['cus_1', 'Name\twith tab', null, 3, true, ['a'], { k: 1 }, 'multi\nline']);
    expect(line).toBe('cus_1\tName\\twith tab\t\\N\t3\tt\t{a}\t{"k":1}\tmulti\\nline\n');
    expect(line.split('\t')).toHaveLength(8);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  test('many rows: one line each, in order', () => {
    expect(copyLines([['a', 1], ['b\nc', null]])).toBe('a\t1\nb\\nc\t\\N\n');
    expect(copyLines([])).toBe('');
  });

  test('escapeCopyText returns the same string when there is nothing to escape', () => {
    const text = 'nothing to see';
    expect(escapeCopyText(text)).toBe(text);
  });
});

/** The `sql` builder: values always travel as parameters, fragments splice in with theirs, in order. */
import { mapPlaceholders, TextList } from '../../src/services/direct-read';
import { and, codeNames, FALSE, join, likeEscape, limitSql, list, or, raw, spellArrays, sql, textArray, TRUE } from '../../src/services/sql';

describe('sql``', () => {
  test('a value becomes a `?` placeholder and a parameter, never text', () => {
    const evil = "x'; drop table customer; --";
    expect(sql`select * from customer where name = ${evil}`).toEqual({ text: 'select * from customer where name = ?', params: [evil] });
  });

  test('a fragment is spliced in with its own parameters, in reading order', () => {
    const inner = sql`b = ${2} and c = ${3}`;
    expect(sql`a = ${1} and ${inner} and d = ${4}`).toEqual({ text: 'a = ? and b = ? and c = ? and d = ?', params: [1, 2, 3, 4] });
  });

  test('null, arrays and objects without text/params are values, not fragments', () => {
    expect(sql`${null}, ${[1, 2]}, ${{ text: 'x' }}`).toEqual({ text: '?, ?, ?', params: [null, [1, 2], { text: 'x' }] });
  });

  test('no values: the text as written', () => {
    expect(sql`select 1`).toEqual({ text: 'select 1', params: [] });
  });
});

describe('and / or / join', () => {
  const a = sql`a = ${1}`;
  const b = sql`b = ${2}`;

  test('and drops `true` parts; nothing left is TRUE; one part is returned as is', () => {
    expect(and([])).toBe(TRUE);
    expect(and([TRUE, raw('true')])).toBe(TRUE);
    expect(and([TRUE, a])).toBe(a);
  });

  test('and parenthesises each part', () => {
    expect(and([a, b])).toEqual({ text: '(a = ?) and (b = ?)', params: [1, 2] });
  });

  test('or of nothing is FALSE, of one is the part, of several is parenthesised as a whole', () => {
    expect(or([])).toBe(FALSE);
    expect(or([a])).toBe(a);
    // The outer parentheses matter: spliced after an `and`, a bare `or` would escape the scope.
    expect(or([a, b])).toEqual({ text: '((a = ?) or (b = ?))', params: [1, 2] });
    expect(sql`scope and ${or([a, b])}`.text).toBe('scope and ((a = ?) or (b = ?))');
  });

  test('join keeps every parameter in order', () => {
    expect(join([a, raw('x'), b], ', ')).toEqual({ text: 'a = ?, x, b = ?', params: [1, 2] });
  });
});

describe('list / textArray / likeEscape', () => {
  test('list: one placeholder per value', () => {
    expect(list(['a', 'b', 'c'])).toEqual({ text: '(?, ?, ?)', params: ['a', 'b', 'c'] });
  });

  test('textArray is one parameter (one statement text for any number of values, for `pg`)', () => {
    expect(textArray(['x', 'y'])).toEqual({ text: '?', params: [new TextList(['x', 'y'])] });
    expect(sql`id = any(${textArray(['x'])}) and a = ${1}`.params).toEqual([new TextList(['x']), 1]);
  });

  test('for the ORM (which inlines values), spellArrays spells each textArray out; the empty one is a typed literal', () => {
    expect(spellArrays(sql`a = ${1} and id = any(${textArray(['x', 'y'])}) and b = ${2}`))
      .toEqual({ text: 'a = ? and id = any(ARRAY[?, ?]::text[]) and b = ?', params: [1, 'x', 'y', 2] });
    expect(spellArrays(sql`id = any(${textArray([])})`)).toEqual({ text: "id = any('{}'::text[])", params: [] });
  });

  test('placeholders are found outside string literals, quoted names and comments only', () => {
    let n = 0;
    const text = mapPlaceholders(`select '?' as "a?", x -- why?\n from t where a = ? and b = ?`, () => `$${++n}`);
    expect(text).toBe(`select '?' as "a?", x -- why?\n from t where a = $1 and b = $2`);
  });

  test('likeEscape escapes %, _ and the escape character itself, nothing else', () => {
    expect(likeEscape('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(likeEscape("O'Brien & co")).toBe("O'Brien & co");
  });

  test('limitSql writes a row limit into the text (a generic plan then knows it), and refuses anything but a whole number', () => {
    expect(sql`select 1 limit ${limitSql(51)}`).toEqual({ text: 'select 1 limit 51', params: [] });
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '1; drop table customer' as unknown as number]) expect(() => limitSql(bad)).toThrow(/not a row limit/);
  });

  test('codeNames writes names from the code into the text as a text array, and refuses anything else', () => {
    expect(sql`t = any(${codeNames(['Customer', 'Contact'])})`).toEqual({ text: "t = any(array['Customer', 'Contact']::text[])", params: [] });
    expect(() => codeNames(["x'; drop table customer; --"])).toThrow(/not a name from the code/);
  });
});

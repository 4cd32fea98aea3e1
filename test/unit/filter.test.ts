/** The filter compiler: a `filter` input to one SQL condition with parameters, and clear errors naming the field. */
import { TextList } from '../../src/services/direct-read';
import { filterSql, MAX_FILTER_DEPTH, type Filter, type FilterSpec } from '../../src/services/filter';
import { inputError } from './support/input-error';
import { raw, sql } from '../../src/services/sql';

const SPEC: FilterSpec = {
  name: { expr: 'c.name', kind: 'text' },
  revenue: { expr: 'c.revenue', kind: 'scalar' },
  createdAt: { expr: 'c.created_at', kind: 'scalar' },
  tags: { expr: 'c.tags', kind: 'tags' },
  // A masked expression with its own parameter (a value the caller may not read reads as null).
  secret: { expr: sql`case when c.owner_id = ${'usr_me'} then c.secret end`, kind: 'scalar' },
};

test('no filter (null, undefined, {}) is `true`', () => {
  expect(filterSql(null, SPEC)).toEqual({ text: 'true', params: [] });
  expect(filterSql(undefined, SPEC)).toEqual({ text: 'true', params: [] });
  expect(filterSql({}, SPEC)).toEqual({ text: 'true', params: [] });
});

test('each operator of a field, combined with and, values as parameters', () => {
  expect(filterSql({ revenue: { gt: 1, gte: 2, lt: 9, lte: 8 } }, SPEC)).toEqual({
    text: '(c.revenue > ?) and (c.revenue >= ?) and (c.revenue < ?) and (c.revenue <= ?)', params: [1, 2, 9, 8],
  });
  expect(filterSql({ revenue: { eq: '10.50' } }, SPEC)).toEqual({ text: 'c.revenue = ?', params: ['10.50'] });
  // `ne` keeps rows whose value is null ("is distinct from", not "<>").
  expect(filterSql({ revenue: { ne: 5 } }, SPEC)).toEqual({ text: 'c.revenue is distinct from ?', params: [5] });
  expect(filterSql({ revenue: { isNull: true } }, SPEC).text).toBe('c.revenue is null');
  expect(filterSql({ revenue: { isNull: false } }, SPEC).text).toBe('c.revenue is not null');
});

test('operators given as null are ignored, like absent ones', () => {
  expect(filterSql({ revenue: { eq: null, in: null, isNull: null, contains: null } }, SPEC)).toEqual({ text: 'true', params: [] });
  expect(filterSql({ revenue: null }, SPEC)).toEqual({ text: 'true', params: [] });
});

test('in / notIn: an empty `in` matches nothing; `notIn` keeps nulls; an empty `notIn` is no condition', () => {
  expect(filterSql({ name: { in: ['a', 'b'] } }, SPEC)).toEqual({ text: 'c.name in (?, ?)', params: ['a', 'b'] });
  expect(filterSql({ name: { in: [] } }, SPEC)).toEqual({ text: 'false', params: [] });
  expect(filterSql({ name: { notIn: ['a'] } }, SPEC)).toEqual({ text: '(c.name not in (?) or c.name is null)', params: ['a'] });
  expect(filterSql({ name: { notIn: [] } }, SPEC)).toEqual({ text: 'true', params: [] });
});

test('more than 500 values in `in` is refused, naming the operator', () => {
  const error = inputError(() => filterSql({ name: { in: Array.from({ length: 501 }, (_, i) => `n${i}`) } }, SPEC));
  expect(error.field).toBe('filter.name.in');
  expect(error.message).toMatch(/at most 500/);
  expect(filterSql({ name: { in: Array.from({ length: 500 }, (_, i) => `n${i}`) } }, SPEC).params).toHaveLength(500);
});

test('contains / startsWith are case-insensitive and match wildcards literally', () => {
  expect(filterSql({ name: { contains: '50%_off' } }, SPEC)).toEqual({ text: 'c.name ilike ?', params: ['%50\\%\\_off%'] });
  expect(filterSql({ name: { startsWith: 'Ac' } }, SPEC)).toEqual({ text: 'c.name ilike ?', params: ['Ac%'] });
});

test('dates are compared as ISO text', () => {
  expect(filterSql({ createdAt: { gte: new Date('2026-03-01T10:00:00Z') } }, SPEC).params).toEqual(['2026-03-01T10:00:00.000Z']);
  expect(filterSql({ createdAt: { in: [new Date(0)] } }, SPEC).params).toEqual(['1970-01-01T00:00:00.000Z']);
});

test('tags: hasAny is overlap, hasAll is containment, both trimmed and lower-cased', () => {
  expect(filterSql({ tags: { hasAny: [' VIP ', 'b'] } }, SPEC)).toEqual({ text: 'c.tags && ?', params: [new TextList(['vip', 'b'])] });
  expect(filterSql({ tags: { hasAll: ['A'] } }, SPEC)).toEqual({ text: 'c.tags @> ?', params: [new TextList(['a'])] });
  // Only a tags field offers them: on a scalar they are ignored.
  expect(filterSql({ name: { hasAny: ['x'] } }, SPEC)).toEqual({ text: 'true', params: [] });
});

test('an expression with its own parameters comes before the value', () => {
  expect(filterSql({ secret: { eq: 'x' } }, SPEC)).toEqual({ text: 'case when c.owner_id = ? then c.secret end = ?', params: ['usr_me', 'x'] });
});

test('and / or / not nest, keeping parameter order', () => {
  const filter: Filter = { name: { eq: 'a' }, or: [{ revenue: { gt: 1 } }, { revenue: { isNull: true } }], not: { name: { eq: 'b' } } };
  expect(filterSql(filter, SPEC)).toEqual({
    text: '(c.name = ?) and (((c.revenue > ?) or (c.revenue is null))) and (not coalesce((c.name = ?), false))',
    params: ['a', 1, 'b'],
  });
});

test('`not` counts an unknown (null) condition as not holding, so rows with nulls are kept', () => {
  expect(filterSql({ not: { revenue: { gt: 5 } } }, SPEC).text).toBe('not coalesce((c.revenue > ?), false)');
});

test('an empty `or` matches nothing, an empty `and` everything', () => {
  expect(filterSql({ or: [] }, SPEC).text).toBe('false');
  expect(filterSql({ and: [] }, SPEC).text).toBe('true');
});

test('an unknown field is refused with its path, also inside and/or', () => {
  expect(inputError(() => filterSql({ password: { eq: 'x' } }, SPEC)).field).toBe('filter.password');
  const nested = inputError(() => filterSql({ or: [{ name: { eq: 'a' } }, { and: [{ salary: { gt: 1 } }] }] }, SPEC, 'where'));
  expect(nested.field).toBe('where.or.1.and.0.salary');
  expect(nested.message).toBe('Unknown filter field `salary`.');
});

test(`nesting deeper than ${MAX_FILTER_DEPTH} levels is refused; exactly ${MAX_FILTER_DEPTH} is fine`, () => {
  const nest = (levels: number): Filter => (levels === 0 ? { name: { eq: 'x' } } : { not: nest(levels - 1) });
  expect(filterSql(nest(MAX_FILTER_DEPTH), SPEC).params).toEqual(['x']);
  const error = inputError(() => filterSql(nest(MAX_FILTER_DEPTH + 1), SPEC));
  expect(error.field).toBe(`filter${'.not'.repeat(MAX_FILTER_DEPTH + 1)}`);
  expect(error.message).toMatch(/at most 5 levels/);
});

test('trusted raw expressions pass through unchanged', () => {
  expect(filterSql({ x: { eq: 1 } }, { x: { expr: raw('lower(c.x)').text, kind: 'scalar' } })).toEqual({ text: 'lower(c.x) = ?', params: [1] });
});

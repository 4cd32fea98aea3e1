/** Keyset pagination: sort keys (orderKeys), the keyset condition (keysetSql), page arguments and the cursor codec. */
import { inputError } from './support/input-error';
import {
  keysetSql, lazyCount, orderKeys, orderSql, pageRequest, setCursorSecret, toConnection, type PageRequest,
} from '../../src/services/pagination';

interface Row { id: string; name: string; revenue: string | null }

const ORDER = {
  NAME: { expr: 'c.name', get: (r: Row) => r.name },
  REVENUE: { expr: 'c.revenue', nullable: true, get: (r: Row) => r.revenue },
  // A field sorted by two columns.
  BOTH: [{ expr: 'c.name', get: (r: Row) => r.name }, { expr: 'c.created_at', get: () => '2026-01-01' }],
};
type Field = keyof typeof ORDER;
const keysFor = (orderBy: { field: Field; direction: 'ASC' | 'DESC' }[] | null) =>
  orderKeys<Row, Field>('customers', ORDER, orderBy, { field: 'NAME', direction: 'ASC' }, 'c.id');

beforeAll(() => setCursorSecret(Buffer.from('a unit-test secret of enough length')));

describe('orderKeys', () => {
  test('no orderBy: the fallback, then the id in the same direction; the signature names list and order', () => {
    const { keys, signature } = keysFor(null);
    expect(keys.map((k) => [k.expr, k.dir])).toEqual([['c.name', 'ASC'], ['c.id', 'ASC']]);
    expect(signature).toBe('customers:NAME.ASC');
    expect(keysFor([]).signature).toBe('customers:NAME.ASC');
  });

  test('the id follows the direction of the last field; a field given twice counts once', () => {
    const { keys, signature } = keysFor([{ field: 'BOTH', direction: 'DESC' }, { field: 'BOTH', direction: 'ASC' }]);
    expect(keys.map((k) => [k.expr, k.dir])).toEqual([['c.name', 'DESC'], ['c.created_at', 'DESC'], ['c.id', 'DESC']]);
    // The signature keeps what was asked (so the cursor of exactly this request is accepted).
    expect(signature).toBe('customers:BOTH.DESC,BOTH.ASC');
  });

  test('a nullable field is preceded by its `is null` flag, ascending, so nulls come last either way', () => {
    const { keys } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
    expect(keys.map((k) => [k.expr, k.dir])).toEqual([['(c.revenue is null)', 'ASC'], ['c.revenue', 'DESC'], ['c.id', 'DESC']]);
    const row: Row = { id: 'cus_1', name: 'A', revenue: null };
    expect(keys.map((k) => k.get(row))).toEqual([true, null, 'cus_1']);
  });
});

describe('orderSql', () => {
  test('forward as given; backward every direction reversed (the page is reversed afterwards)', () => {
    const { keys } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
    expect(orderSql(keys, false).text).toBe('(c.revenue is null) ASC, c.revenue DESC, c.id DESC');
    expect(orderSql(keys, true).text).toBe('(c.revenue is null) DESC, c.revenue ASC, c.id ASC');
  });
});

describe('keysetSql', () => {
  test('no cursor: no condition', () => {
    expect(keysetSql(keysFor(null).keys, null, false)).toEqual({ text: 'true', params: [] });
  });

  test('one direction, no nulls: a row comparison (index-friendly), flipped when paging backward', () => {
    const { keys } = keysFor([{ field: 'NAME', direction: 'ASC' }]);
    expect(keysetSql(keys, ['Acme', 'cus_1'], false)).toEqual({ text: '(c.name, c.id) > (?, ?)', params: ['Acme', 'cus_1'] });
    expect(keysetSql(keys, ['Acme', 'cus_1'], true)).toEqual({ text: '(c.name, c.id) < (?, ?)', params: ['Acme', 'cus_1'] });
    const desc = keysFor([{ field: 'NAME', direction: 'DESC' }]).keys;
    expect(keysetSql(desc, ['Acme', 'cus_1'], false).text).toBe('(c.name, c.id) < (?, ?)');
  });

  test('a nullable key: lexicographic disjunction, parenthesised as a whole', () => {
    const { keys } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
    const A = '(c.revenue is null) > ?';
    const B = '((c.revenue is null) = ?) and (c.revenue < ?)';
    const C = '((c.revenue is null) = ?) and (c.revenue = ?) and (c.id < ?)';
    expect(keysetSql(keys, [false, '100.00', 'cus_9'], false)).toEqual({
      text: `(((${A}) or (${B}) or (${C})))`,
      params: [false, false, '100.00', false, '100.00', 'cus_9'],
    });
  });

  test('after a row whose nullable value is null: only later nulls (by id), nothing "after null" on the value itself', () => {
    const { keys } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
    const A = '(c.revenue is null) > ?';
    const C = '((c.revenue is null) = ?) and (c.revenue is null) and (c.id < ?)';
    expect(keysetSql(keys, [true, null, 'cus_9'], false)).toEqual({ text: `(((${A}) or (${C})))`, params: [true, true, 'cus_9'] });
  });

  test('backward over a nullable key: directions reversed, so non-null rows come before the nulls', () => {
    const { keys } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
    const A = '(c.revenue is null) < ?';
    const C = '((c.revenue is null) = ?) and (c.revenue is null) and (c.id > ?)';
    expect(keysetSql(keys, [true, null, 'cus_9'], true)).toEqual({ text: `(((${A}) or (${C})))`, params: [true, true, 'cus_9'] });
  });

  test('every value null: nothing comes after', () => {
    expect(keysetSql([{ expr: 'x', dir: 'ASC', nullable: true, get: () => null }], [null], false)).toEqual({ text: 'false', params: [] });
  });

  test('a cursor with the wrong number of values is refused, naming the argument', () => {
    const { keys } = keysFor(null);
    expect(inputError(() => keysetSql(keys, ['only one'], false)).field).toBe('after');
    expect(inputError(() => keysetSql(keys, ['a', 'b', 'c'], true)).field).toBe('before');
  });
});

describe('pageRequest', () => {
  test('defaults to the first 20; first and last set the size and the direction', () => {
    expect(pageRequest({}, 's')).toEqual({ limit: 20, backward: false, cursor: null });
    expect(pageRequest({ first: 0 }, 's')).toEqual({ limit: 0, backward: false, cursor: null });
    expect(pageRequest({ last: 100 }, 's')).toEqual({ limit: 100, backward: true, cursor: null });
  });

  test('sizes outside 0..100 or not whole are refused, naming the argument', () => {
    for (const [args, field] of [[{ first: 101 }, 'first'], [{ first: -1 }, 'first'], [{ first: 1.5 }, 'first'], [{ last: 101 }, 'last']] as const) {
      const error = inputError(() => pageRequest(args, 's'));
      expect(error.field).toBe(field);
      expect(error.message).toBe(`\`${field}\` must be between 0 and 100.`);
    }
  });

  test('mixed directions are refused', () => {
    expect(inputError(() => pageRequest({ first: 1, last: 1 }, 's')).field).toBe('first');
    expect(inputError(() => pageRequest({ last: 1, after: 'x' }, 's')).field).toBe('after');
    expect(inputError(() => pageRequest({ first: 1, before: 'x' }, 's')).field).toBe('before');
  });
});

describe('cursors and connections', () => {
  const rows: Row[] = [
    { id: 'cus_a', name: 'Alpha', revenue: '10.00' },
    { id: 'cus_b', name: 'Beta', revenue: null },
    { id: 'cus_c', name: 'Gamma', revenue: '5.00' },
  ];
  const { keys, signature } = keysFor([{ field: 'REVENUE', direction: 'DESC' }]);
  const forward: PageRequest = { limit: 2, backward: false, cursor: null };

  test('limit + 1 rows fetched forward: a next page, no previous page; cursors decode to the row\'s key values', () => {
    const page = toConnection(rows, forward, keys, signature, async () => 3);
    expect(page.edges.map((e) => e.node.id)).toEqual(['cus_a', 'cus_b']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page.pageInfo.endCursor).toBe(page.edges[1].cursor);
    const next = pageRequest({ first: 2, after: page.pageInfo.endCursor }, signature);
    expect(next).toEqual({ limit: 2, backward: false, cursor: [true, null, 'cus_b'] });
    // The same position always gives the same cursor (the nonce is derived from the content).
    expect(toConnection(rows, forward, keys, signature, async () => 3).edges[1].cursor).toBe(page.edges[1].cursor);
  });

  test('a page of exactly `limit` rows has no next page; an empty page has no cursors', () => {
    const page = toConnection(rows.slice(0, 2), forward, keys, signature, async () => 2);
    expect(page.pageInfo.hasNextPage).toBe(false);
    const empty = toConnection([], forward, keys, signature, async () => 0);
    expect(empty.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  test('backward: rows come in reversed order and are put back; more rows means a previous page', () => {
    const cursor = toConnection(rows, forward, keys, signature, async () => 3).edges[0].cursor;
    const req = pageRequest({ last: 2, before: cursor }, signature);
    expect(req).toEqual({ limit: 2, backward: true, cursor: [false, '10.00', 'cus_a'] });
    const fetched = [rows[2], rows[1], rows[0]]; // as the reversed ORDER BY returns them
    const page = toConnection(fetched, req, keys, signature, async () => 3);
    expect(page.edges.map((e) => e.node.id)).toEqual(['cus_b', 'cus_c']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  test('a tampered, truncated or foreign cursor is refused with one message, naming the argument', () => {
    const cursor = toConnection(rows, forward, keys, signature, async () => 3).edges[0].cursor;
    const i = 30;
    const tampered = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
    for (const bad of [tampered, cursor.slice(0, 20), 'not-a-cursor', Buffer.from('{"o":"customers:REVENUE.DESC","v":[]}').toString('base64url')]) {
      const error = inputError(() => pageRequest({ first: 2, after: bad }, signature));
      expect(error).toMatchObject({ field: 'after', message: 'Invalid cursor for this list and order: use a cursor returned by the same query.' });
    }
    expect(inputError(() => pageRequest({ last: 2, before: tampered }, signature)).field).toBe('before');
  });

  test('a cursor of another order or list is refused', () => {
    const cursor = toConnection(rows, forward, keys, signature, async () => 3).edges[0].cursor;
    expect(inputError(() => pageRequest({ after: cursor }, 'customers:REVENUE.ASC')).field).toBe('after');
    expect(inputError(() => pageRequest({ after: cursor }, 'contacts:REVENUE.DESC')).field).toBe('after');
  });

  test('a cursor made under another secret is refused', () => {
    const cursor = toConnection(rows, forward, keys, signature, async () => 3).edges[0].cursor;
    setCursorSecret(Buffer.from('another secret'));
    try {
      expect(inputError(() => pageRequest({ after: cursor }, signature)).field).toBe('after');
    } finally {
      setCursorSecret(Buffer.from('a unit-test secret of enough length'));
    }
    expect(pageRequest({ after: cursor }, signature).cursor).toEqual([false, '10.00', 'cus_a']);
  });

  test('totalCount runs its query only when read; lazyCount runs it once', async () => {
    let runs = 0;
    const count = lazyCount(async () => { runs += 1; return 42; });
    const page = toConnection(rows, forward, keys, signature, count);
    expect(runs).toBe(0);
    expect(await page.totalCount).toBe(42);
    expect(await page.totalCount).toBe(42);
    expect(runs).toBe(1);
  });
});

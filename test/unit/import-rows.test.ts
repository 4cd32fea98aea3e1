import { CreateCustomer } from '../../src/services/customer.service';
import { cellValue, columnKinds, headerErrors, rowInput, validateRow, type RowSpec } from '../../src/services/import-rows';

/** The pure part of the CSV import: cells to input values, rows checked by the service's own schema. */

const spec: RowSpec = {
  kinds: columnKinds(CreateCustomer),
  extra: {
    columns: ['externalSystem', 'externalRef'],
    fold: (v, input) => { if (v.externalRef) input.externalRefs = [{ system: v.externalSystem, ref: v.externalRef }]; },
    columnOf: (path) => (path[0] === 'externalRefs' && path.length > 2 ? (path[2] === 'system' ? 'externalSystem' : 'externalRef') : null),
  },
};

describe('import rows', () => {
  test('column kinds are read from the service schema', () => {
    expect(spec.kinds).toMatchObject({ name: 'text', kind: 'text', employeeCount: 'int', vip: 'bool', tags: 'list', emails: 'json', customAttributes: 'json' });
  });

  test('cells: empty is omitted; numbers, booleans, lists and JSON are parsed; malformed cells are errors', () => {
    expect(cellValue('text', '  ')).toEqual({ value: undefined });
    expect(cellValue('int', '42')).toEqual({ value: 42 });
    expect(cellValue('int', 'forty')).toEqual({ error: 'Not a number: "forty".' });
    expect(cellValue('bool', 'Yes')).toEqual({ value: true });
    expect(cellValue('bool', 'maybe')).toEqual({ error: 'Not true or false: "maybe".' });
    expect(cellValue('list', 'a; b;;c')).toEqual({ value: ['a', 'b', 'c'] });
    expect(cellValue('json', '{"a":1}')).toEqual({ value: { a: 1 } });
    expect(cellValue('json', '{a')).toEqual({ error: 'Not valid JSON.' });
  });

  test('a row becomes the create input: plain e-mails and the external ref columns fold into the input shape', () => {
    const header = ['name', 'kind', 'emails', 'externalSystem', 'externalRef'];
    const { input, errors } = rowInput(spec, header, ['Acme', 'BUSINESS', 'a@acme.test; b@acme.test', 'erp', 'E-1'], 2);
    expect(errors).toEqual([]);
    expect(input).toEqual({
      name: 'Acme', kind: 'BUSINESS', emails: [{ label: 'work', address: 'a@acme.test' }, { label: 'work', address: 'b@acme.test' }],
      externalRefs: [{ system: 'erp', ref: 'E-1' }],
    });
  });

  test('validation is the service\'s: issues name the column (the folded ref columns too) and the row', () => {
    const creating = validateRow(CreateCustomer, spec, { kind: 'BUSINESS', emails: [{ label: 'work', address: 'nope' }] }, 7, true);
    expect('errors' in creating && creating.errors.map((e) => [e.row, e.column])).toEqual([[7, 'name'], [7, 'emails']]);
    const partial = validateRow(CreateCustomer, spec, { industry: 'Steel' }, 3, false);
    expect(partial).toEqual({ data: { industry: 'Steel' } });
    const ref = validateRow(CreateCustomer, spec, { name: 'X', kind: 'BUSINESS', externalRefs: [{ system: 'erp', ref: '' }] }, 4, true);
    expect('errors' in ref && ref.errors[0].column).toBe('externalRef');
  });

  test('the header: unknown and repeated columns are named', () => {
    expect(headerErrors(spec, ['name', 'name', 'shoe'])).toEqual([
      'Column "name" appears twice.',
      expect.stringContaining('Unknown column "shoe"'),
    ]);
  });
});

import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema as buildSdlSchema, isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { applyPermissions } from '../src/auth';
import { buildBareSchema } from '../src/schema';

/**
 * "The schema is the documentation": every type, field, argument, input field and enum value carries a
 * description. This walks the schema the app serves (with its permission layer) and the committed
 * `schema.graphql`, and fails listing everything undescribed, with counts per kind so the next engineer
 * sees at a glance what is missing. Introspection types and the built-in scalars are graphql-js's own.
 */

const KINDS = ['type', 'field', 'argument', 'input field', 'enum value'] as const;
type Kind = typeof KINDS[number];

interface Element { kind: Kind; path: string; name: string; description: string | null | undefined }

/** Every documentable element of the schema, each with the path a reader would look it up by. */
function documentableElements(schema: GraphQLSchema): Element[] {
  const out: Element[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    out.push({ kind: 'type', path: type.name, name: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        out.push({ kind: 'field', path: `${type.name}.${field.name}`, name: field.name, description: field.description });
        for (const arg of field.args) {
          out.push({ kind: 'argument', path: `${type.name}.${field.name}(${arg.name})`, name: arg.name, description: arg.description });
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        out.push({ kind: 'input field', path: `${type.name}.${field.name}`, name: field.name, description: field.description });
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        out.push({ kind: 'enum value', path: `${type.name}.${value.name}`, name: value.name, description: value.description });
      }
    }
  }
  return out;
}

const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Empty, or only the element's own name again ("id", "Id.") — a description in form only. */
const undescribed = (e: Element) => !e.description?.trim() || words(e.description) === words(e.name);

/** The failure message: counts per kind, then every undescribed element by kind. */
function report(elements: Element[]): string {
  const missing = elements.filter(undescribed);
  if (!missing.length) return '';
  const counts = KINDS.map((kind) => {
    const all = elements.filter((e) => e.kind === kind).length;
    const bad = missing.filter((e) => e.kind === kind).length;
    return `  ${kind}s: ${bad} of ${all} undescribed (${all ? Math.round((100 * (all - bad)) / all) : 100} % described)`;
  });
  const lists = KINDS.filter((kind) => missing.some((e) => e.kind === kind))
    .map((kind) => `${kind}s without a description:\n${missing.filter((e) => e.kind === kind).map((e) => `    ${e.path}`).join('\n')}`);
  return [`${missing.length} schema elements have no description:`, ...counts, '', ...lists].join('\n');
}

describe('every element of the schema is described', () => {
  let served: GraphQLSchema;
  beforeAll(async () => { served = applyPermissions(await buildBareSchema()); });

  test('the schema the app serves', () => {
    const elements = documentableElements(served);
    // the walk reaches every kind (a walk that finds nothing would pass vacuously)
    for (const kind of KINDS) expect(elements.filter((e) => e.kind === kind).length).toBeGreaterThan(kind === 'type' ? 100 : 200);
    expect(report(elements)).toBe('');
  });

  test('the committed schema.graphql', () => {
    const sdl = buildSdlSchema(readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8'));
    expect(report(documentableElements(sdl))).toBe('');
  });

  test('the check itself: it names what is undescribed and counts per kind', () => {
    const sdl = buildSdlSchema(`
      "Root." type Query { "Described." a(x: Int, "The y." y: Int): E, b: In }
      enum E { "The first." ONE TWO }
      input In { c: Int, "The d." d: Int }
      type Lonely { id: ID }
    `);
    const text = report(documentableElements(sdl));
    const listed = text.split('\n').filter((line) => line.startsWith('    ')).map((line) => line.trim());
    expect(listed.sort()).toEqual(['E', 'E.TWO', 'In', 'In.c', 'Lonely', 'Lonely.id', 'Query.a(x)', 'Query.b']);
    expect(text).toContain('enum values: 1 of 2 undescribed (50 % described)');
    expect(text).toContain('types: 3 of 4 undescribed');
    expect(text).toContain('fields: 2 of 3 undescribed');
    // a description that only repeats the name does not count
    expect(report(documentableElements(buildSdlSchema('"Root." type Query { "Id." id: ID }')))).toContain('Query.id');
  });
});

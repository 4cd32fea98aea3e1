import { Arg, ArgsType, Field, ID, Int } from 'type-graphql';
import { prefixOf, type NodeTypeName } from '../entities/ids';

/**
 * Arguments that recur across the schema, described once here so that every occurrence reads the same
 * (and a new query or mutation gets its description by using them).
 */

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page forward: at most this many rows (0–100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Page forward: rows after this cursor.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backward: at most this many rows before `before` (0–100).' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Page backward: rows before this cursor.' })
  before?: string | null;
}

/** The `filter` argument of a list: `things` in the plural, plus an optional example. */
export const filterDescription = (things: string, example = '') =>
  `Which ${things}: only those matching every condition given${example}; all those visible to you when omitted.`;

/** The `orderBy` argument of a list, with what happens without one. */
export const orderByDescription = (whenOmitted: string) =>
  `Sort keys, most significant first (the id breaks the last tie); ${whenOmitted} when omitted.`;

/**
 * What a single-record lookup (`customer(id)`, `node(id)`, …) answers for a record the caller cannot
 * have: null without an error, as Relay expects of `node`, so one missing record never wipes out the
 * other fields of the same query. Mutations still report NOT_FOUND.
 */
export const NULL_WHEN_ABSENT = 'null (and no error) when it does not exist, was deleted or is not visible to you';

/** The `id` of a single-record lookup. */
export const IdArg = (type: NodeTypeName, noun: string) =>
  Arg('id', () => ID, { description: `The ${noun}'s opaque id (\`${prefixOf(type)}_…\`), as returned in its \`id\` field.` });

/** The one `input` argument of a mutation (its type is the parameter's TypeScript type). */
export const InputArg = () => Arg('input', {
  description: 'Everything this mutation needs, in one object (each field is described on the input type). '
    + 'Invalid values come back in the payload\'s `errors`, with a `field` path that starts at "input"; nothing is changed then.',
});

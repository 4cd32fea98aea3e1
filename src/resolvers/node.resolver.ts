import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { typeOfId, type NodeTypeName } from '../entities/ids';
import { Node } from '../entities/node';
import { InputError } from '../services/errors';
import { NULL_WHEN_ABSENT } from './args';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: `Any object by its id (Relay's object identification); ${NULL_WHEN_ABSENT}, or when the id is malformed.` })
  async node(@Arg('id', () => ID, { description: 'The opaque id of any object (its prefix, e.g. `cus_`, tells the type).' }) id: string, @Ctx() ctx: GraphQLContext) {
    const [found] = await load(ctx, [id]);
    return found;
  }

  @Query(() => [Node], { nullable: 'items', description: 'Several objects by id (at most 100), in the same order; null for each one not visible to you.' })
  async nodes(@Arg('ids', () => [ID], { description: 'Opaque ids of objects of any types, at most 100 (BAD_USER_INPUT beyond); the answer has one entry per id.' }) ids: string[], @Ctx() ctx: GraphQLContext) {
    if (ids.length > MAX_NODES) throw new InputError(`At most ${MAX_NODES} ids.`, 'ids');
    return load(ctx, ids);
  }
}

/** Loads ids of every type in one batch per type; unknown, invisible and malformed ids give null. */
async function load(ctx: GraphQLContext, ids: string[]): Promise<({ id: string } | null)[]> {
  // Each domain says how its types are fetched (`Domain.nodes`); a type without a loader is never returned.
  const byType = new Map<NodeTypeName, string[]>();
  for (const id of ids) {
    const type = typeOfId(id);
    if (type && ctx.nodeLoaders.has(type)) byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  const found = new Map<string, { id: string }>();
  await Promise.all([...byType].map(async ([type, typeIds]) => {
    const rows = await ctx.nodeLoaders.get(type)!(ctx, typeIds);
    for (const row of rows) if (row && !(row instanceof Error)) found.set(row.id, row);
  }));
  return ids.map((id) => found.get(id) ?? null);
}

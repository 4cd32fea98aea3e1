import { isObjectType, type GraphQLSchema } from 'graphql';
import { idPrefixes } from '../entities/ids';
import type { Domain } from './domain';

/**
 * What a domain forgot to declare, as messages (empty when complete): each of its entities that is a
 * GraphQL `Node` needs an id prefix and a `node(id)` loader of its own domain, and each of its object
 * types needs rows in its own domain's permission map. The app refuses to start otherwise.
 */
export function domainProblems(domains: readonly Domain[], schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const domain of domains) {
    if (names.has(domain.name)) problems.push(`Two domains are named ${domain.name}.`);
    names.add(domain.name);
    for (const entity of domain.entities) {
      const type = schema.getType(entity.name);
      if (!isObjectType(type)) continue; // an entity with no GraphQL type of its own
      if (!domain.permissions.some((map) => map[entity.name])) problems.push(`${domain.name}: ${entity.name} has no permission rows.`);
      if (!type.getInterfaces().some((i) => i.name === 'Node')) continue;
      if (!idPrefixes().has(entity.name)) problems.push(`${domain.name}: ${entity.name} has no id prefix (@IdPrefix).`);
      if (!domain.nodes?.[entity.name]) problems.push(`${domain.name}: ${entity.name} has no node(id) loader.`);
    }
  }
  return problems;
}

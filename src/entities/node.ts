import { Field, ID, InterfaceType } from 'type-graphql';
import { typeOfId } from './ids';

@InterfaceType({
  description: 'An object with a globally unique, opaque id; fetch any visible one with `node(id:)`.',
  // Rows are plain objects, not class instances: the id prefix names the GraphQL type.
  resolveType: (value: { id: string }) => typeOfId(value.id) ?? undefined,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id; its prefix names the type (`cus_`, `con_`, `usr_`, …).' })
  id!: string;
}

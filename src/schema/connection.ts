import { LazyField } from './compiled-execution';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in the whole list (Relay).' })
export class PageInfo {
  @Field({ description: 'More rows follow this page (ask with `first` + `after: endCursor`).' })
  hasNextPage!: boolean;

  @Field({ description: 'Rows come before this page (ask with `last` + `before: startCursor`).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first row; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last row; null on an empty page.' })
  endCursor!: string | null;
}

/**
 * Makes `XEdge` and `XConnection` for a node type. Cursors are opaque keyset positions: stable while
 * rows are inserted or deleted, never an offset.
 */
export function connectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this row; pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name} at this position of the page.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} records.` })
  class Connection {
    @Field(() => [Edge], { description: 'The rows of this page, in order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more rows follow or precede this page, and the cursors to ask for them.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many rows match in all (not just this page); counted only when asked for.' })
    @LazyField()
    totalCount!: number;
  }
  return Connection;
}

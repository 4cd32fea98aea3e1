import { ArgsType, Field, Int } from 'type-graphql';

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

import { Resolver } from 'type-graphql';

/** The activity domain's queries, mutations and field resolvers. */
@Resolver()
export class ActivityResolver {}

import { Resolver } from 'type-graphql';

/** The opportunity domain's queries, mutations and field resolvers. */
@Resolver()
export class OpportunityResolver {}

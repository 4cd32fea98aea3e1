import { Resolver } from 'type-graphql';

/** The lead domain's queries, mutations and field resolvers. */
@Resolver()
export class LeadResolver {}

import { Resolver } from 'type-graphql';

/** The analytics domain's queries, mutations and field resolvers. */
@Resolver()
export class AnalyticsResolver {}

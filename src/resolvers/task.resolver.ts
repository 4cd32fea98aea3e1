import { Resolver } from 'type-graphql';

/** The task domain's queries, mutations and field resolvers. */
@Resolver()
export class TaskResolver {}

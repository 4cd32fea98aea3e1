import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Activity } from '../entities/activity.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Opportunity } from '../entities/opportunity.entity';
import { User } from '../entities/user.entity';
import * as activities from '../services/activity.service';
import { NotFoundError } from '../services/errors';
import { TIMELINE_KINDS, type TimelineKind } from '../services/timeline.service';
import {
  ActivityConnection, ActivityFilter, ActivityIdInput, ActivityOrderBy, ActivityPayload, LogActivityInput, UpdateActivityInput,
} from '../schema/activity.inputs';
import { DateTimeScalar } from '../schema/scalars';
import { TimelineConnection } from '../schema/timeline.types';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class ActivitiesArgs extends ConnectionArgs {
  @Field(() => ActivityFilter, { nullable: true, description: filterDescription('activities') }) filter?: ActivityFilter | null;
  @Field(() => [ActivityOrderBy], { nullable: true, description: orderByDescription('newest (by occurredAt) first') }) orderBy?: ActivityOrderBy[] | null;
}

@ArgsType()
class TimelineArgs {
  @Field(() => Int, { nullable: true, description: 'At most this many entries (0–100, default 20).' }) first?: number | null;
  @Field(() => String, { nullable: true, description: 'Entries after (older than) this cursor.' }) after?: string | null;
  @Field(() => [TIMELINE_KINDS], { nullable: true, description: 'Only these kinds of entries; all kinds when omitted.' }) types?: TimelineKind[] | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only entries at or after this time (inclusive).' }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only entries before this time (exclusive).' }) to?: Date | null;
}

/** The activity domain's queries, mutations and field resolvers. */
@Resolver(() => Activity)
export class ActivityResolver {
  @Query(() => ActivityConnection, { description: 'Activities of the customers visible to you (staff only; not PARTNER, ANALYST or API keys).' })
  activities(@Args() args: ActivitiesArgs, @Ctx() ctx: GraphQLContext) {
    return activities.listActivities(serviceContext(ctx), args);
  }

  @Query(() => Activity, { nullable: true, description: `One activity; ${NULL_WHEN_ABSENT} (also when its customer is not visible to you).` })
  activity(@IdArg('Activity', 'activity') id: string, @Ctx() ctx: GraphQLContext) {
    return activities.getActivity(serviceContext(ctx), id);
  }

  @FieldResolver(() => Customer, { description: 'The customer the activity was with.' })
  async customer(@Root() activity: Row<Activity>, @Ctx() ctx: GraphQLContext) {
    const customer = await ctx.loaders.customer.load(refId(activity.customer)!);
    if (!customer) throw new NotFoundError('Customer');
    return customer;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact it was with; null when none (or the contact was deleted).' })
  contact(@Root() activity: Row<Activity>, @Ctx() ctx: GraphQLContext) {
    const id = refId(activity.contact);
    return id ? ctx.loaders.contact.load(id) : null;
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The deal it was about; null when none or when the deal is not visible to you (e.g. another rep\'s).' })
  opportunity(@Root() activity: Row<Activity>, @Ctx() ctx: GraphQLContext) {
    const id = refId(activity.opportunity);
    return id ? ctx.loaders.opportunityById.load(id) : null;
  }

  @FieldResolver(() => User, { description: 'The user who performed (logged) it.' })
  async performedBy(@Root() activity: Row<Activity>, @Ctx() ctx: GraphQLContext) {
    const user = await ctx.loaders.user.load(refId(activity.performedBy)!);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  @Mutation(() => ActivityPayload, {
    description: 'Log an activity on a customer you can see; you are its performer. Moves the customer\'s `lastContactedAt` forward. '
      + 'ADMIN, SALES_MANAGER, SALES_REP and SERVICE_AGENT.',
  })
  logActivity(@InputArg() input: LogActivityInput, @Ctx() ctx: GraphQLContext) {
    return activities.logActivity(serviceContext(ctx), input);
  }

  @Mutation(() => ActivityPayload, { description: 'Change an activity (its author, ADMIN, or a manager the author reports to). Stale `version`: CONFLICT.' })
  updateActivity(@InputArg() input: UpdateActivityInput, @Ctx() ctx: GraphQLContext) {
    return activities.updateActivity(serviceContext(ctx), input);
  }

  @Mutation(() => ActivityPayload, { description: 'Soft-delete an activity (same people as `updateActivity`): it leaves every list and the timeline.' })
  deleteActivity(@InputArg() input: ActivityIdInput, @Ctx() ctx: GraphQLContext) {
    return activities.deleteActivity(serviceContext(ctx), input.id);
  }
}

/** Activities and the timeline under a customer. */
@Resolver(() => Customer)
export class CustomerTimelineResolver {
  @FieldResolver(() => ActivityConnection, {
    nullable: true,
    description: 'Activities with this customer, newest first (batched across customers: one query per page shape). Not for PARTNER, ANALYST or API keys.',
  })
  activities(@Root() customer: Row<Customer>, @Args() args: ActivitiesArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.activityPage({ first: args.first, after: args.after, last: args.last, before: args.before, filter: args.filter, orderBy: args.orderBy }).load(customer.id);
  }

  @FieldResolver(() => TimelineConnection, {
    nullable: true,
    description: 'Everything that happened with this customer, newest first: activities, opportunity stage changes and audit events '
      + '(later orders, cases, contracts, payments). Entries of deals you cannot see are left out. Not for PARTNER, ANALYST or API keys.',
  })
  timeline(@Root() customer: Row<Customer>, @Args() args: TimelineArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.timelinePage({
      first: args.first ?? null, after: args.after ?? null, types: args.types ? [...new Set(args.types)].sort() : null,
      from: args.from ?? null, to: args.to ?? null,
    }).load(customer.id);
  }
}

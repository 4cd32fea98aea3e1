import { Args, ArgsType, Ctx, Field, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { mergeCustomers } from '../services/customer-merge.service';
import { DEFAULT_MIN_SIMILARITY, MIN_SIMILARITY_FLOOR, duplicateCandidates } from '../services/duplicate-candidates.service';
import { DuplicateCandidate, DuplicateCandidateConnection, MergeCustomersInput, MergeCustomersPayload } from '../schema/customer-merge.types';
import { InputArg } from './args';
import type { Row } from './row';

@ArgsType()
class DuplicateCandidatesArgs {
  @Field(() => Int, { nullable: true, description: 'Page forward: at most this many pairs (0–100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Page forward: pairs after this cursor (from the same query with the same `minSimilarity`).' })
  after?: string | null;

  @Field(() => Float, {
    nullable: true,
    description: `Names count as similar from this pg_trgm similarity on (${MIN_SIMILARITY_FLOOR}–1, default ${DEFAULT_MIN_SIMILARITY}); `
      + 'e-mail and phone matches are listed whatever it is.',
  })
  minSimilarity?: number | null;
}

@Resolver(() => Customer)
export class CustomerMergeResolver {
  @Mutation(() => MergeCustomersPayload, {
    description: 'Merge a duplicate customer into a survivor, in one transaction: contacts, orders, contracts, receivables and payments, cases, activities, '
      + 'tasks, deals, converted leads, assets, surveys, credit history, loyalty membership and points, and external references move to the survivor; '
      + 'the duplicate is soft-deleted with `mergedInto` set. ADMIN, or a sales manager for two customers of their team; partners are not merged. '
      + 'Audited (MERGE on both) and announced as the `customer.merged` event. See the README, "Merging duplicates".',
  })
  mergeCustomers(@InputArg() input: MergeCustomersInput, @Ctx() ctx: GraphQLContext) {
    return mergeCustomers(serviceContext(ctx), input);
  }

  @Query(() => DuplicateCandidateConnection, {
    description: 'Pairs of live customers that are probably the same one (same e-mail or phone, or a similar name), both visible to you, '
      + 'highest score first. ADMIN and sales managers (their team\'s customers).',
  })
  duplicateCandidates(@Args() args: DuplicateCandidatesArgs, @Ctx() ctx: GraphQLContext) {
    return duplicateCandidates(serviceContext(ctx), args);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'For a customer merged into another (`mergeCustomers`): the survivor; null for every other customer, or when the survivor is not visible to you.',
  })
  mergedInto(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    const id = refId(customer.mergedInto);
    return id ? ctx.loaders.customer.load(id) : null;
  }
}

@Resolver(() => DuplicateCandidate)
export class DuplicateCandidateResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'One of the two customers (the one with the smaller id).' })
  customerA(@Root() pair: DuplicateCandidate, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(pair.customerAId);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The other customer.' })
  customerB(@Root() pair: DuplicateCandidate, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(pair.customerBId);
  }
}

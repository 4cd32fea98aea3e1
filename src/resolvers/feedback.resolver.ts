import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Product } from '../entities/product.entity';
import { ProductFeedback } from '../entities/product-feedback.entity';
import { ServiceCase } from '../entities/service-case.entity';
import { User } from '../entities/user.entity';
import * as feedbacks from '../services/feedback.service';
import {
  CaseFeedbackLinkPayload, CreateProductFeedbackInput, LinkCaseToFeedbackInput, ProductFeedbackConnection, ProductFeedbackFilter, ProductFeedbackOrderBy,
  ProductFeedbackPayload, SuggestionValue, UnlinkCaseFromFeedbackInput, UpdateProductFeedbackInput,
} from '../schema/feedback.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class ProductFeedbackArgs extends ConnectionArgs {
  @Field(() => ProductFeedbackFilter, { nullable: true, description: filterDescription('feedback') }) filter?: ProductFeedbackFilter | null;
  @Field(() => [ProductFeedbackOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: ProductFeedbackOrderBy[] | null;
}

const listArgs = (args: ProductFeedbackArgs): feedbacks.FeedbackListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

/** Product feedback: reads, writes, and its links to products, cases and users. */
@Resolver(() => ProductFeedback)
export class ProductFeedbackResolver {
  @Query(() => ProductFeedbackConnection, {
    description: 'Product feedback for the product team, newest first unless ordered. ADMIN, SERVICE_AGENT, SALES_MANAGER, SALES_REP, ANALYST and MARKETING '
      + 'read all of it (it is not tied to one customer); PARTNER and API keys: FORBIDDEN.',
  })
  productFeedback(@Args() args: ProductFeedbackArgs, @Ctx() ctx: GraphQLContext) {
    return feedbacks.listFeedback(serviceContext(ctx), listArgs(args));
  }

  @Query(() => ProductFeedback, { nullable: true, description: `One product feedback record; ${NULL_WHEN_ABSENT}. Same readers as \`productFeedback\`.` })
  feedback(@IdArg('ProductFeedback', 'feedback record') id: string, @Ctx() ctx: GraphQLContext) {
    return feedbacks.getFeedback(serviceContext(ctx), id);
  }

  @FieldResolver(() => ID, { description: 'Id of the product the feedback is about.' })
  productId(@Root() row: Row<ProductFeedback>) {
    return refId(row.product);
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product the feedback is about.' })
  product(@Root() row: Row<ProductFeedback>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.productById.load(refId(row.product)!);
  }

  @FieldResolver(() => [ServiceCase], {
    nullable: true,
    description: 'The COMPLAINT and SUGGESTION cases this feedback came from, oldest first — only those you may open (a rep: cases of its own customers; '
      + 'so the list can be shorter than `caseCount`). ADMIN, SERVICE_AGENT, SALES_MANAGER and SALES_REP; null with FORBIDDEN for ANALYST and MARKETING. '
      + 'Batched across feedback records.',
  })
  sourceCases(@Root() row: Row<ProductFeedback>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.feedbackSourceCases.load(row.id);
  }

  @FieldResolver(() => Int, { description: 'How many cases are linked to this feedback, of all customers (its weight; also counts cases you may not open).' })
  caseCount(@Root() row: Row<ProductFeedback>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.feedbackCaseCount.load(row.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who recorded the feedback; null when unknown.' })
  createdBy(@Root() row: Row<ProductFeedback>, @Ctx() ctx: GraphQLContext) {
    return row.createdBy ? ctx.loaders.user.load(row.createdBy) : null;
  }

  @Mutation(() => ProductFeedbackPayload, {
    description: 'Record product feedback (status NEW), optionally with its source cases (`caseIds`). ADMIN and SERVICE_AGENT. '
      + 'Unknown product: NOT_FOUND at ["input","productId"]; a case that cannot be linked: the error of `linkCaseToFeedback` at ["input","caseIds","<i>"].',
  })
  createProductFeedback(@InputArg() input: CreateProductFeedbackInput, @Ctx() ctx: GraphQLContext) {
    return feedbacks.createFeedback(serviceContext(ctx), input);
  }

  @Mutation(() => ProductFeedbackPayload, {
    description: 'Change product feedback: summary, description, status (NEW → ACCEPTED | REJECTED; ACCEPTED → SHIPPED | REJECTED; REJECTED → NEW; SHIPPED final; '
      + 'illegal: BUSINESS_RULE). ADMIN and SERVICE_AGENT. Stale `version`: CONFLICT.',
  })
  updateProductFeedback(@InputArg() input: UpdateProductFeedbackInput, @Ctx() ctx: GraphQLContext) {
    return feedbacks.updateFeedback(serviceContext(ctx), input);
  }

  @Mutation(() => CaseFeedbackLinkPayload, {
    description: 'Link a COMPLAINT or SUGGESTION case to product feedback (other types: BUSINESS_RULE). A case links to at most one feedback: linked elsewhere → '
      + 'BUSINESS_RULE (unlink first). ADMIN and SERVICE_AGENT. Audited on the case\'s customer (field `feedbackId`); the case\'s `version` moves on.',
  })
  linkCaseToFeedback(@InputArg() input: LinkCaseToFeedbackInput, @Ctx() ctx: GraphQLContext) {
    return feedbacks.linkCaseToFeedback(serviceContext(ctx), input);
  }

  @Mutation(() => CaseFeedbackLinkPayload, {
    description: 'Remove a case\'s link to product feedback (no change when it has none). ADMIN and SERVICE_AGENT. Audited on the case\'s customer; '
      + 'the case\'s `version` moves on.',
  })
  unlinkCaseFromFeedback(@InputArg() input: UnlinkCaseFromFeedbackInput, @Ctx() ctx: GraphQLContext) {
    return feedbacks.unlinkCaseFromFeedback(serviceContext(ctx), input);
  }
}

/** Feedback under a product. */
@Resolver(() => Product)
export class ProductFeedbackListResolver {
  @FieldResolver(() => ProductFeedbackConnection, {
    nullable: true,
    description: 'Product feedback about this product, newest first unless ordered. Same readers as `productFeedback`; null with FORBIDDEN for others '
      + '(batched across products: one query per page shape).',
  })
  feedback(@Root() product: Row<Product>, @Args() args: ProductFeedbackArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.productFeedbackPage(listArgs(args)).load(product.id);
  }
}

/** The feedback a case was turned into. */
@Resolver(() => ServiceCase)
export class CaseFeedbackResolver {
  @FieldResolver(() => ID, {
    nullable: true,
    description: 'Id of the product feedback this case is linked to; null when none. Readers of product feedback only (null with FORBIDDEN for PARTNER).',
  })
  feedbackId(@Root() row: Row<ServiceCase>) {
    return refId(row.feedback);
  }

  @FieldResolver(() => ProductFeedback, {
    nullable: true,
    description: 'The product feedback this case is linked to; null when none. Readers of product feedback only (null with FORBIDDEN for PARTNER).',
  })
  feedback(@Root() row: Row<ServiceCase>, @Ctx() ctx: GraphQLContext) {
    const id = refId(row.feedback);
    return id ? ctx.loaders.feedbackById.load(id) : null;
  }
}

/** A customer's suggestion value (loyalty metrics). */
@Resolver(() => Customer)
export class CustomerSuggestionValueResolver {
  @FieldResolver(() => SuggestionValue, {
    nullable: true,
    description: 'What this customer\'s complaints and suggestions contributed to the product (see `SuggestionValue`). Staff roles; null with FORBIDDEN '
      + 'for PARTNER and API keys. Batched: one query per page of customers.',
  })
  suggestionValue(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.suggestionValue.load(customer.id);
  }
}

export const feedbackResolvers: ClassType[] = [ProductFeedbackResolver, ProductFeedbackListResolver, CaseFeedbackResolver, CustomerSuggestionValueResolver];

import type { Row } from './row';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Offer, OfferRedemption, ProductInterest } from '../entities/offer.entity';
import { Order } from '../entities/order.entity';
import { Product } from '../entities/product.entity';
import * as offers from '../services/offer.service';
import {
  CreateOfferInput, OfferConnection, OfferFilter, OfferOrderBy, OfferPayload, OfferRedemptionConnection, OfferResults, ProductInterestPayload,
  RegisterInterestInput, UpdateOfferInput,
} from '../schema/offer.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class OffersArgs extends ConnectionArgs {
  @Field(() => OfferFilter, { nullable: true, description: filterDescription('offers') }) filter?: OfferFilter | null;
  @Field(() => [OfferOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: OfferOrderBy[] | null;
}

/** Offers: the staff lists, what a shopper is offered, publishing and changing offers, "notify me first". */
@Resolver(() => Offer)
export class OfferResolver {
  @Query(() => OfferConnection, { description: 'Every offer, newest first (staff: ADMIN, SALES_MANAGER, SALES_REP, SERVICE_AGENT, MARKETING, FINANCE, ANALYST).' })
  offers(@Args() args: OffersArgs, @Ctx() ctx: GraphQLContext) {
    return offers.listOffers(serviceContext(ctx), {
      first: args.first, after: args.after, last: args.last, before: args.before, filter: args.filter ?? null, orderBy: args.orderBy ?? null,
    });
  }

  @Query(() => Offer, { nullable: true, description: `One offer; ${NULL_WHEN_ABSENT}.` })
  offer(@IdArg('Offer', 'offer') id: string, @Ctx() ctx: GraphQLContext) {
    return offers.getOffer(serviceContext(ctx), id);
  }

  @Query(() => [Offer], {
    nullable: true,
    description: 'The offers that apply to the customer now — what a shop shows a signed-in shopper: within the validity window; for the customer, their membership tier '
      + '(or a lower one) or everyone; not sold out; not yet redeemed by them when once per customer; during early access only when they registered interest in the product. '
      + 'Best first: the most specific target (CUSTOMER, then TIER — higher tiers first —, then EVERYONE); then the larger value, like with like (PERCENT offers by `percent`, '
      + 'then AMOUNT offers by `amount`, then BUNDLE offers by the saving against the list prices); then the one ending soonest; the id breaks ties. '
      + `Staff ask about customers they can see, shops (keys with \`offers:read\`) about any live customer; ${NULL_WHEN_ABSENT} (the customer).`,
  })
  offersFor(@Arg('customerId', () => ID, { description: 'The customer (`cus_…`).' }) customerId: string, @Ctx() ctx: GraphQLContext) {
    return offers.offersFor(serviceContext(ctx), customerId);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'For PRODUCT offers: the product\'s id; null otherwise.' })
  productId(@Root() offer: Row<Offer>) {
    return refId(offer.product);
  }

  @FieldResolver(() => Product, { nullable: true, description: 'For PRODUCT offers: the product; null otherwise, or when you may not read the catalogue.' })
  product(@Root() offer: Row<Offer>, @Ctx() ctx: GraphQLContext) {
    const id = refId(offer.product);
    return id ? ctx.loaders.productById.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'For CUSTOMER offers: the customer\'s id; null otherwise. Only for callers who read customers.' })
  targetCustomerId(@Root() offer: Row<Offer>) {
    return refId(offer.targetCustomer);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'For CUSTOMER offers: the customer, with the customer\'s own field rules (e.g. no name of a person for ANALYST); null otherwise or when not visible to you.',
  })
  targetCustomer(@Root() offer: Row<Offer>, @Ctx() ctx: GraphQLContext) {
    const id = refId(offer.targetCustomer);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @FieldResolver(() => OfferRedemptionConnection, {
    description: 'The orders that redeemed it, newest first, of the customers you can see (batched across offers: one query per page shape). '
      + 'Never changed or deleted: a cancelled order keeps its redemption.',
  })
  redemptions(@Root() offer: Row<Offer>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.offerRedemptionPage({ first: args.first, after: args.after, last: args.last, before: args.before }).load(offer.id);
  }

  @FieldResolver(() => [OfferResults], {
    description: 'What it brought, one entry per order currency (empty when never redeemed), over all customers; computed in SQL for every offer of the response in one statement.',
  })
  results(@Root() offer: Row<Offer>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.offerResults.load(offer.id);
  }

  @Mutation(() => OfferPayload, {
    description: 'Publish an offer (ADMIN, MARKETING): live from `validFrom`. Errors name the field: the fields each discount type, `appliesTo` and `target` need (VALIDATION), '
      + 'a taken code (DUPLICATE at `code`), an unknown product, customer or bundle SKU (NOT_FOUND). With `earlyAccessUntil`, the owner of every customer interested in the product '
      + 'gets a FOLLOW_UP task in the same transaction. An offer for one customer is recorded in that customer\'s history.',
  })
  createOffer(@InputArg() input: CreateOfferInput, @Ctx() ctx: GraphQLContext) {
    return offers.createOffer(serviceContext(ctx), input);
  }

  @Mutation(() => OfferPayload, {
    description: 'Change an offer (ADMIN, MARKETING); checked as a whole, like a new one. Once redeemed, its terms are fixed (BUSINESS_RULE naming the field); '
      + 'the limit never goes below `redeemedCount`. Stale `version`: CONFLICT.',
  })
  updateOffer(@InputArg() input: UpdateOfferInput, @Ctx() ctx: GraphQLContext) {
    return offers.updateOffer(serviceContext(ctx), input);
  }

  @Mutation(() => ProductInterestPayload, {
    description: '"Notify me first": the customer wants to hear first of limited offers on the product; during an offer\'s early access only such customers may redeem it. '
      + 'Idempotent: the same customer and product again return the interest registered first. Staff for customers they can see, shops (keys with `offers:read`) for any live customer.',
  })
  registerInterest(@InputArg() input: RegisterInterestInput, @Ctx() ctx: GraphQLContext) {
    return offers.registerInterest(serviceContext(ctx), input);
  }
}

@Resolver(() => OfferRedemption)
export class OfferRedemptionResolver {
  @FieldResolver(() => ID, { description: 'The order\'s id.' })
  orderId(@Root() r: Row<OfferRedemption>) {
    return refId(r.order);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The order; null when not visible to you.' })
  order(@Root() r: Row<OfferRedemption>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.orderById.load(refId(r.order)!);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The customer\'s id. Only for callers who read customers.' })
  customerId(@Root() r: Row<OfferRedemption>) {
    return refId(r.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer, with the customer\'s own field rules; null when not visible to you.' })
  customer(@Root() r: Row<OfferRedemption>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(r.customer)!);
  }
}

@Resolver(() => ProductInterest)
export class ProductInterestResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'The customer\'s id. Only for callers who read customers.' })
  customerId(@Root() i: Row<ProductInterest>) {
    return refId(i.customer);
  }

  @FieldResolver(() => ID, { description: 'The product\'s id.' })
  productId(@Root() i: Row<ProductInterest>) {
    return refId(i.product);
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product; null when you may not read the catalogue.' })
  product(@Root() i: Row<ProductInterest>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.productById.load(refId(i.product)!);
  }
}

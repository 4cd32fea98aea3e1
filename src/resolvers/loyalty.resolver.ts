import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { AuditEvent } from '../entities/audit-event.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { LoyaltyProgramme, Membership, PointsEntry, TierChange } from '../entities/loyalty.entity';
import { MEMBERSHIP_TIERS } from '../entities/loyalty.enums';
import * as loyalty from '../services/loyalty.service';
import { loyaltyLiability } from '../services/loyalty-reads';
import {
  AdjustPointsInput, EnrolMemberInput, LoyaltyLiability, LoyaltyProgrammePayload, MembershipPayload, NextTier, PointsEntryConnection, PointsExpiry,
  TierRule, UpdateLoyaltyProgrammeInput,
} from '../schema/loyalty.inputs';
import { DateTimeScalar, DecimalScalar } from '../schema/scalars';
import { ConnectionArgs, InputArg } from './args';
import type { Row } from './row';

/** The programme's settings and its liability report. */
@Resolver(() => LoyaltyProgramme)
export class LoyaltyProgrammeResolver {
  @Query(() => LoyaltyProgramme, { description: 'The loyalty programme\'s settings: currency, tiers (thresholds and earn rates), point value, redemption cap, expiry, sign-up bonus.' })
  loyaltyProgramme(@Ctx() ctx: GraphQLContext) {
    return loyalty.getProgramme(serviceContext(ctx));
  }

  @FieldResolver(() => [TierRule], { description: 'The four tiers, lowest first, with the 12-month spend that reaches each and its earn rate.' })
  tiers(@Root() p: Row<LoyaltyProgramme>): TierRule[] {
    return MEMBERSHIP_TIERS.map((tier) => ({ tier, minSpend12m: loyalty.tierThreshold(p, tier), earnRate: loyalty.earnRate(p, tier) }));
  }

  @FieldResolver(() => [AuditEvent], { description: 'Changes of the settings, newest first: who changed which setting from what to what, and when.' })
  history(@Arg('first', () => Int, { defaultValue: 20, description: 'How many entries (1–100).' }) first: number, @Ctx() ctx: GraphQLContext) {
    return loyalty.programmeHistory(serviceContext(ctx), first);
  }

  @Mutation(() => LoyaltyProgrammePayload, {
    description: 'Change the programme\'s settings (ADMIN). Audited; applies from now on: points already credited keep their amount and expiry date, tiers change at the next completed order (up) or the nightly job. Stale `version`: CONFLICT.',
  })
  updateLoyaltyProgramme(@InputArg() input: UpdateLoyaltyProgrammeInput, @Ctx() ctx: GraphQLContext) {
    return loyalty.updateProgramme(serviceContext(ctx), input);
  }

  @Query(() => LoyaltyLiability, {
    description: 'The programme\'s debt on the balance sheet (FINANCE): points members hold that have not expired on `asOf`, valued at the current point value, split by expiry month.',
  })
  loyaltyLiability(@Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'The moment (UTC); now when omitted.' }) asOf: Date | null, @Ctx() ctx: GraphQLContext) {
    return loyaltyLiability(serviceContext(ctx), asOf ?? new Date());
  }
}

/** Memberships: enrolment, manual adjustments, and the figures of a membership. */
@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID, { description: 'The member customer.' })
  customerId(@Root() m: Row<Membership>) {
    return refId(m.customer);
  }

  @FieldResolver(() => Int, { description: 'Points the member holds: the sum of the ledger (never negative).' })
  async pointsBalance(@Root() m: Row<Membership>, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.membershipFigures.load(m)).pointsBalance;
  }

  @FieldResolver(() => PointsExpiry, { nullable: true, description: 'The points that expire first and when; null when the member holds none.' })
  async pointsExpiringNext(@Root() m: Row<Membership>, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.membershipFigures.load(m)).expiringNext;
  }

  @FieldResolver(() => DecimalScalar, {
    description: 'Rolling 12-month net spend: Σ `total` (money paid, after discounts, offers and points) of the member\'s orders COMPLETED in the last 12 months (365 days, by `completedAt`) in the programme\'s currency; returned orders leave it.',
  })
  async spend12m(@Root() m: Row<Membership>, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.membershipFigures.load(m)).spend12m;
  }

  @FieldResolver(() => NextTier, { nullable: true, description: 'The next tier and the spend missing to reach it; null at PLATINUM.' })
  async nextTier(@Root() m: Row<Membership>, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.membershipFigures.load(m)).nextTier;
  }

  @FieldResolver(() => [TierChange], { description: 'Every change of tier, oldest first (the first is the enrolment).' })
  tierHistory(@Root() m: Row<Membership>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.tierChanges.load(m.id);
  }

  @Mutation(() => MembershipPayload, {
    description: 'Enrol a customer in the loyalty programme: a membership number, the tier its current 12-month spend earns, and the sign-up bonus. For those who write the customer (ADMIN; SALES_MANAGER and SALES_REP within their scope). Audited.',
  })
  enrolMember(@InputArg() input: EnrolMemberInput, @Ctx() ctx: GraphQLContext) {
    return loyalty.enrolMember(serviceContext(ctx), input);
  }

  @Mutation(() => MembershipPayload, {
    description: 'Credit or debit a member\'s points by hand with a reason (ADMIN, SERVICE_AGENT), e.g. goodwill after a complaint. Never below 0 (BUSINESS_RULE at `points`). Audited on the customer.',
  })
  adjustPoints(@InputArg() input: AdjustPointsInput, @Ctx() ctx: GraphQLContext) {
    return loyalty.adjustPoints(serviceContext(ctx), input);
  }
}

@Resolver(() => TierChange)
export class TierChangeResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'The order that raised the tier (reason ORDER); null otherwise.' })
  orderId(@Root() h: Row<TierChange>) {
    return refId(h.order);
  }
}

@Resolver(() => PointsEntry)
export class PointsEntryResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'The order that earned, redeemed or reversed the points; null for BONUS, EXPIRE and ADJUST.' })
  orderId(@Root() e: Row<PointsEntry>) {
    return refId(e.order);
  }
}

/** The loyalty fields of a customer. */
@Resolver(() => Customer)
export class CustomerLoyaltyResolver {
  @FieldResolver(() => Membership, { nullable: true, description: 'The customer\'s membership of the loyalty programme; null when it is not a member (or, for a PARTNER, when it is not its own record).' })
  membership(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.membershipOfCustomer.load(customer.id);
  }

  @FieldResolver(() => PointsEntryConnection, {
    nullable: true,
    description: 'The member\'s points ledger, newest first, each entry with the running balance after it; empty for non-members. Append-only: entries never change.',
  })
  pointsLedger(@Root() customer: Row<Customer>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.ledgerPage({ first: args.first, after: args.after, last: args.last, before: args.before }).load(customer.id);
  }
}

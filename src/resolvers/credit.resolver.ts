import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contract } from '../entities/contract.entity';
import { CreditAssessment, CreditHold } from '../entities/credit.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Order } from '../entities/order.entity';
import { User } from '../entities/user.entity';
import * as credit from '../services/credit.service';
import {
  ApproveCreditInput, AssessCreditInput, CreditAssessmentConnection, CreditAssessmentPayload, CreditHoldConnection, CreditHoldFilter,
  CreditHoldOrderBy, CreditHoldPayload, RejectCreditInput,
} from '../schema/credit.inputs';
import { DecimalScalar } from '../schema/scalars';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class CreditHoldsArgs extends ConnectionArgs {
  @Field(() => CreditHoldFilter, { nullable: true, description: filterDescription('holds', ', e.g. `{ status: { eq: PENDING } }` for the work queue') }) filter?: CreditHoldFilter | null;
  @Field(() => [CreditHoldOrderBy], { nullable: true, description: orderByDescription('PENDING first, then oldest first') }) orderBy?: CreditHoldOrderBy[] | null;
}

/** Credit holds: the FINANCE work queue and its decisions. */
@Resolver(() => CreditHold)
export class CreditHoldResolver {
  @Query(() => CreditHoldConnection, {
    description: 'Orders and contracts held for a credit decision, PENDING first and oldest first by default. ADMIN and FINANCE see all; '
      + 'SALES_MANAGER and SALES_REP those of the customers in their scope. Other roles: FORBIDDEN.',
  })
  creditHolds(@Args() args: CreditHoldsArgs, @Ctx() ctx: GraphQLContext) {
    return credit.listCreditHolds(serviceContext(ctx), {
      first: args.first, after: args.after, last: args.last, before: args.before,
      filter: args.filter ?? null, orderBy: args.orderBy ?? null,
    });
  }

  @Query(() => CreditHold, { nullable: true, description: `One credit hold; ${NULL_WHEN_ABSENT}.` })
  creditHold(@IdArg('CreditHold', 'credit hold') id: string, @Ctx() ctx: GraphQLContext) {
    return credit.getCreditHold(serviceContext(ctx), id);
  }

  @FieldResolver(() => ID, { description: 'Id of the customer whose credit is concerned (for a partner\'s resale order: the partner, who is billed).' })
  customerId(@Root() hold: Row<CreditHold>) {
    return refId(hold.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer whose credit is concerned; null when the record is not visible to you.' })
  customer(@Root() hold: Row<CreditHold>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(hold.customer)!);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The held order (its status shows the outcome: PENDING_CREDIT_APPROVAL, then PENDING or CANCELLED); null for a contract\'s hold or when not visible to you.' })
  order(@Root() hold: Row<CreditHold>, @Ctx() ctx: GraphQLContext) {
    const id = refId(hold.order);
    return id ? ctx.loaders.orderById.load(id) : null;
  }

  @FieldResolver(() => Contract, { nullable: true, description: 'The held contract (PENDING_CREDIT_APPROVAL, then SIGNED or back to DRAFT); null for an order\'s hold or when not visible to you.' })
  contract(@Root() hold: Row<CreditHold>, @Ctx() ctx: GraphQLContext) {
    const id = refId(hold.contract);
    return id ? ctx.loaders.contractById.load(id) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The FINANCE user who approved or rejected it; null while PENDING and when WITHDRAWN (the audit log names who cancelled the order).' })
  decidedBy(@Root() hold: Row<CreditHold>, @Ctx() ctx: GraphQLContext) {
    const id = refId(hold.decidedBy);
    return id ? ctx.loaders.user.load(id) : null;
  }

  @Mutation(() => CreditHoldPayload, {
    description: 'Approve a PENDING credit hold (FINANCE only): the order goes PENDING_CREDIT_APPROVAL → PENDING, or the contract is signed (SIGNED, receivables issued). '
      + 'A hold already decided: BUSINESS_RULE; a stale `version`: CONFLICT. Audited on the customer.',
  })
  approveCredit(@InputArg() input: ApproveCreditInput, @Ctx() ctx: GraphQLContext) {
    return credit.approveCredit(serviceContext(ctx), input);
  }

  @Mutation(() => CreditHoldPayload, {
    description: 'Reject a PENDING credit hold with a note (FINANCE only): the order is CANCELLED, or the contract goes back to DRAFT. '
      + 'A hold already decided: BUSINESS_RULE; a stale `version`: CONFLICT. Audited on the customer.',
  })
  rejectCredit(@InputArg() input: RejectCreditInput, @Ctx() ctx: GraphQLContext) {
    return credit.rejectCredit(serviceContext(ctx), input);
  }
}

/** Credit assessments: the history of a customer's ratings and limits. */
@Resolver(() => CreditAssessment)
export class CreditAssessmentResolver {
  @FieldResolver(() => ID, { description: 'Id of the assessed customer.' })
  customerId(@Root() assessment: Row<CreditAssessment>) {
    return refId(assessment.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The assessed customer; null when the record is not visible to you.' })
  customer(@Root() assessment: Row<CreditAssessment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(assessment.customer)!);
  }

  @FieldResolver(() => User, { description: 'The FINANCE user who made the assessment.' })
  assessedBy(@Root() assessment: Row<CreditAssessment>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(assessment.assessedBy)!);
  }

  @Mutation(() => CreditAssessmentPayload, {
    description: 'Assess a customer\'s credit (FINANCE only): records the assessment (the history is kept) and sets the customer\'s `creditRating`, '
      + '`creditLimit` and `creditCurrency` (its `version` moves on when one of them changes). Audited on the customer; the values are redacted in the history '
      + 'for roles that may not see credit.',
  })
  assessCredit(@InputArg() input: AssessCreditInput, @Ctx() ctx: GraphQLContext) {
    return credit.assessCredit(serviceContext(ctx), input);
  }
}

/** Credit on the customer: exposure, what is left of the limit, the assessments. */
@Resolver(() => Customer)
export class CustomerCreditResolver {
  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    description: 'What the customer owes or has ordered on account, in `creditCurrency` (decimal string): outstanding amount of its open (OPEN or OVERDUE) receivables '
      + '(SETTLED and WRITTEN_OFF ones count nothing) '
      + 'plus the totals of its ON_ACCOUNT orders that are PENDING or CONFIRMED (not yet billed) plus the contract instalments still SCHEDULED for billing '
      + '(signed, not invoiced yet), in any currency: amounts in another currency are converted '
      + 'into `creditCurrency` at today\'s (UTC) rate (see `AppliedRate`: the latest rate on or before today, else 1 / the inverse pair\'s; each amount rounded to the cent). '
      + 'Null when one of them has no rate (the exposure is unknown, never counted as 0; a new ON_ACCOUNT order or contract is then held, CURRENCY_MISMATCH). '
      + 'Orders a partner pushes for its resold customers count on the partner. Null when the customer has no credit limit or no `creditCurrency` '
      + '(never assessed: no credit granted, every ON_ACCOUNT order is held). '
      + 'Same visibility as `creditLimit` (FINANCE, SALES_MANAGER, ADMIN, a PARTNER on its own record).',
  })
  creditExposure(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    if (customer.creditLimit == null || !customer.creditCurrency) return null;
    return ctx.loaders.creditExposure.load({ customerId: customer.id, currency: customer.creditCurrency });
  }

  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    description: 'What is left of the credit limit: `creditLimit` − `creditExposure`, in `creditCurrency`; negative when the customer is over its limit '
      + '(e.g. after FINANCE approved a held order). Null when `creditExposure` is null. Same visibility as `creditLimit`.',
  })
  async availableCredit(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    if (customer.creditLimit == null || !customer.creditCurrency) return null;
    const exposure = await ctx.loaders.creditExposure.load({ customerId: customer.id, currency: customer.creditCurrency });
    return exposure == null ? null : credit.availableCredit(customer.creditLimit, exposure);
  }

  @FieldResolver(() => CreditAssessmentConnection, {
    nullable: true,
    description: 'Credit assessments of this customer, newest first (the first one is the current rating and limit). FINANCE, SALES_MANAGER and ADMIN; '
      + 'null with FORBIDDEN for other roles (batched across customers: one query per page shape).',
  })
  creditAssessments(@Root() customer: Row<Customer>, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.creditAssessmentPage({ first: args.first, after: args.after, last: args.last, before: args.before }).load(customer.id);
  }
}

export const creditResolvers: ClassType[] = [CreditHoldResolver, CreditAssessmentResolver, CustomerCreditResolver];

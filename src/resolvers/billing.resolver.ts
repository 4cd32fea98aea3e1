import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contract } from '../entities/contract.entity';
import { Receivable } from '../entities/receivable.entity';
import { ContractBillingLine, ScheduledBillingRow } from '../schema/billing.types';
import { ReceivablesSummaryRow } from '../schema/finance-report.types';
import { DecimalScalar } from '../schema/scalars';
import * as billing from '../services/billing-reports.service';
import type { Row } from './row';

@ArgsType()
class ScheduledBillingArgs {
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency: only this currency. Null: one row (or one per month) per currency.' })
  currency?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only the customers this user owns now (`usr_…`); customers outside your scope count nothing. Null: every owner in your scope.' })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this customer (`cus_…`); a customer outside your scope counts nothing. Null: every customer in your scope.' })
  customerId?: string | null;

  @Field({ defaultValue: false, description: 'True: one row per currency and month of invoice date (UTC), by month. False: one row per currency.' })
  byMonth!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): every scheduled instalment is converted into it at today\'s (UTC) rate (see `AppliedRate`; each instalment '
      + 'rounded to the cent, then summed), one row (or one per month) in that currency, with `rates` listing the rates applied (`currency`, when given, still narrows to the instalments in that currency). '
      + 'A currency without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and date). Null: amounts per currency, never added.',
  })
  in?: string | null;
}

/** Scheduled billing: the report, and a contract's schedule (services/billing-*.service.ts). */
@Resolver()
export class BillingReportResolver {
  @Query(() => [ScheduledBillingRow], {
    description: 'Contract instalments scheduled for billing (signed, invoice date not reached, not cancelled): money to be invoiced, not yet AR — '
      + 'in no receivables summary, aging or statement (it counts in credit exposure, as committed money). One row per currency (and month of invoice date with `byMonth`), by currency then month. '
      + 'FINANCE and ADMIN see every customer (also customers deleted earlier); a SALES_MANAGER the customers of their team; a SALES_REP their own customers. '
      + 'Other roles: FORBIDDEN.',
  })
  scheduledBilling(@Args() args: ScheduledBillingArgs, @Ctx() ctx: GraphQLContext) {
    return billing.scheduledBilling(serviceContext(ctx), args);
  }
}

@Resolver(() => Contract)
export class ContractBillingResolver {
  @FieldResolver(() => [ContractBillingLine], {
    nullable: true,
    description: 'The billing schedule of a signed contract, one line per instalment by instalment (empty before signing): each instalment becomes a receivable '
      + 'on its invoice date (ISSUED), is SCHEDULED until then, or CANCELLED by a termination before it. Same readers as `receivables`.',
  })
  billingSchedule(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.contractBillingSchedule.load(contract.id);
  }

  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    description: 'The sum of the instalments still SCHEDULED (not yet invoiced, not cancelled), in the contract\'s currency; "0.00" when none. '
      + 'Not accounts receivable yet. Same readers as `receivables`.',
  })
  scheduledBilling(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.contractScheduledBilling.load(contract.id);
  }
}

@Resolver(() => ContractBillingLine)
export class ContractBillingLineResolver {
  @FieldResolver(() => Receivable, { nullable: true, description: 'The receivable once ISSUED; null while SCHEDULED, when CANCELLED, or when not visible to you.' })
  receivable(@Root() line: Row<ContractBillingLine>, @Ctx() ctx: GraphQLContext) {
    return line.receivableId ? ctx.loaders.receivableById.load(line.receivableId) : null;
  }
}

/** Definition 1 of issue 14 on the receivables summary: a row of a deleted customer says so. */
@Resolver(() => ReceivablesSummaryRow)
export class SummaryRowDeletedResolver {
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'When grouped by CUSTOMER: true when the customer was deleted (soft delete before issue 14 refused deleting a customer with open money; '
      + 'its receivables are still AR and counted here, while `customer` is null), false when live. Null when grouped by OWNER.',
  })
  customerDeleted(@Root() row: Row<ReceivablesSummaryRow>, @Ctx() ctx: GraphQLContext) {
    return row.customerId ? ctx.loaders.customerDeleted.load(row.customerId) : null;
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const billingResolvers = [BillingReportResolver, ContractBillingResolver, ContractBillingLineResolver, SummaryRowDeletedResolver];

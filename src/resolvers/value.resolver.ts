import { Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { CustomerMetrics } from '../entities/metrics.entity';
import type { ChurnLevel, ChurnRiskReason } from '../entities/metrics.enums';
import { refreshCustomerMetrics } from '../services/metrics.service';
import { jsonValue } from '../services/sql';
import { ChurnRisk, CustomerRfm, ReferralValue, RefreshMetricsResult } from '../schema/value.types';
import type { Row } from './row';

/** `Customer.metrics` and the refresh. */
@Resolver(() => Customer)
export class CustomerMetricsResolver {
  @FieldResolver(() => CustomerMetrics, {
    nullable: true,
    description: 'Value and loyalty metrics (RFM, revenue trend, share of wallet, NPS/CSAT, CLV, Pareto class, C3 segment, churn risk, referrals), as of the last refresh; null until the first refresh after the customer was created.',
  })
  metrics(@Root() customer: Row<Customer>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customerMetrics.load(customer.id);
  }

  @Mutation(() => RefreshMetricsResult, { description: 'Recompute every customer\'s metrics now, set-based (ADMIN); the metrics job does the same on its schedule (`npm run jobs:metrics`). Reads go on meanwhile and see the new figures when it commits.' })
  refreshCustomerMetrics(@Ctx() ctx: GraphQLContext) {
    return refreshCustomerMetrics(serviceContext(ctx));
  }
}

@Resolver(() => CustomerMetrics)
export class CustomerMetricsFieldsResolver {
  @FieldResolver(() => CustomerRfm, { description: 'Recency, frequency, monetary value and their scores.' })
  rfm(@Root() m: Row<CustomerMetrics>): CustomerRfm {
    const scored = m.r != null && m.f != null && m.m != null;
    return {
      recencyDays: m.recencyDays ?? null, frequency: m.frequency, monetary: m.monetary, r: m.r ?? null, f: m.f ?? null, m: m.m ?? null,
      score: scored ? `${m.r}${m.f}${m.m}` : null, scoreTotal: m.rfmTotal ?? null,
    };
  }

  @FieldResolver(() => ChurnRisk, { description: 'Churn risk: level, score and the reasons with their figures.' })
  churnRisk(@Root() m: Row<CustomerMetrics>): ChurnRisk {
    const reasons = jsonValue<{ reason: ChurnRiskReason; figure: string; points: number }[]>(m.churnReasons);
    return { level: m.churnLevel as ChurnLevel, score: m.churnScore, reasons };
  }

  @FieldResolver(() => ReferralValue, { description: 'Customers it referred and their 12-month revenue.' })
  referralValue(@Root() m: Row<CustomerMetrics>): ReferralValue {
    return { customers: m.referralCustomers, revenue12m: m.referralRevenue12m };
  }
}

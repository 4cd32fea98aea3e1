import 'reflect-metadata';
import './schema/enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ActivityResolver, CustomerTimelineResolver } from './resolvers/activity.resolver';
import { AnalyticsResolver, RepPerformanceResolver, WinRateGroupResolver } from './resolvers/analytics.resolver';
import { AuditEventResolver } from './resolvers/audit.resolver';
import { ContactResolver } from './resolvers/contact.resolver';
import { CustomerResolver } from './resolvers/customer.resolver';
import { CampaignResolver, LeadResolver } from './resolvers/lead.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { CustomerOpportunitiesResolver, OpportunityResolver, OpportunityStageChangeResolver, QuoteResolver } from './resolvers/opportunity.resolver';
import { CustomerOrdersResolver, OrderLineResolver, OrderResolver } from './resolvers/order.resolver';
import { ProductResolver } from './resolvers/product.resolver';
import { contractResolvers } from './resolvers/contract.resolver';
import { creditResolvers } from './resolvers/credit.resolver';
import { financeReportResolvers } from './resolvers/finance-report.resolver';
import { partnerResolvers } from './resolvers/partner.resolver';
import { receivableResolvers } from './resolvers/receivable.resolver';
import { assetResolvers } from './resolvers/asset.resolver';
import { caseResolvers } from './resolvers/case.resolver';
import { feedbackResolvers } from './resolvers/feedback.resolver';
import { serviceDeskResolvers } from './resolvers/service-desk.resolver';
import { CustomerTaskResolver, TaskResolver } from './resolvers/task.resolver';
import { UserResolver } from './resolvers/user.resolver';
import { ViewerResolver } from './resolvers/viewer.resolver';
// After the resolvers: the permission map imports services and entities, and the order in which
// entities register decides the order of types in the emitted schema.
import { policyFor } from './auth';
import { describeAccess } from './auth/access';

/** The root types are made by type-graphql, which has no option for their descriptions. */
const ROOT_DESCRIPTIONS = {
  Query: 'Reads. Lists are Relay connections (`first`/`after`, `last`/`before`, `filter`, `orderBy`) scoped to the records you may see; '
    + 'single-record lookups answer null, without an error, for a record that does not exist or is not visible to you.',
  Mutation: 'Writes. Each takes one `input` and returns a payload with the changed object and `errors` (code, message, field path) '
    + 'for validation and business errors, in which case nothing was changed. Missing permission is a FORBIDDEN error instead.',
};

/** The schema without permissions (what `npm run schema` prints); root fields say who may call them (from the permission map). */
export async function buildBareSchema(): Promise<GraphQLSchema> {
  const schema = describeAccess(await buildSchema({
    resolvers: [
      CustomerResolver, ContactResolver, UserResolver, ViewerResolver, NodeResolver, AuditEventResolver,
      ActivityResolver, CustomerTimelineResolver, TaskResolver, CustomerTaskResolver, CampaignResolver, LeadResolver, OpportunityResolver, AnalyticsResolver,
      OpportunityStageChangeResolver, QuoteResolver, CustomerOpportunitiesResolver,
      WinRateGroupResolver, RepPerformanceResolver,
      ProductResolver,
      OrderResolver, OrderLineResolver, CustomerOrdersResolver,
      ...contractResolvers, ...receivableResolvers, ...creditResolvers, ...financeReportResolvers, ...partnerResolvers,
      ...assetResolvers, ...caseResolvers, ...serviceDeskResolvers, ...feedbackResolvers,
    ],
    validate: false, // input rules live in the services, which return payload errors naming the field
  }), policyFor);
  schema.getQueryType()!.description = ROOT_DESCRIPTIONS.Query;
  schema.getMutationType()!.description = ROOT_DESCRIPTIONS.Mutation;
  return schema;
}

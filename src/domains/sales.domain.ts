import { activityPermissions } from '../auth/activity.permissions';
import { analyticsPermissions } from '../auth/analytics.permissions';
import { leadPermissions } from '../auth/lead.permissions';
import { opportunityPermissions } from '../auth/opportunity.permissions';
import { quotaPermissions } from '../auth/quota.permissions';
import { revenueReportPermissions } from '../auth/revenue-reports.permissions';
import { salesReportPermissions } from '../auth/sales-reports.permissions';
import { taskPermissions } from '../auth/task.permissions';
import { Activity } from '../entities/activity.entity';
import { Campaign } from '../entities/campaign.entity';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { Quote } from '../entities/quote.entity';
import { SalesQuota } from '../entities/sales-quota.entity';
import { QuoteLine } from '../entities/quote-line.entity';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { Task } from '../entities/task.entity';
import { createActivityLoaders } from '../loaders/activity.loaders';
import { createLeadLoaders } from '../loaders/lead.loaders';
import { createOpportunityLoaders } from '../loaders/opportunity.loaders';
import { createTaskLoaders } from '../loaders/task.loaders';
import { Migration20261130000000Sales } from '../../migrations/Migration20261130000000Sales';
import { Migration20261223000000SalesAtClose } from '../../migrations/Migration20261223000000SalesAtClose';
import { Migration20261224000000SalesQuota } from '../../migrations/Migration20261224000000SalesQuota';
import { ActivityResolver } from '../resolvers/activity.resolver';
import { AnalyticsResolver, RepPerformanceResolver, WinRateGroupResolver } from '../resolvers/analytics.resolver';
import { CampaignResolver, LeadResolver } from '../resolvers/lead.resolver';
import { CustomerOpportunitiesResolver, OpportunityResolver, OpportunityStageChangeResolver, QuoteResolver } from '../resolvers/opportunity.resolver';
import { SalesReportsResolver } from '../resolvers/sales-reports.resolver';
import { CustomerTaskResolver, TaskResolver } from '../resolvers/task.resolver';
import { quotaResolvers } from '../resolvers/quota.resolver';
import { revenueReportResolvers } from '../resolvers/revenue-reports.resolver';
import { readsActivities } from '../services/activity.service';
import type { ServiceContext } from '../services/context';
import { analyticsScope } from '../services/analytics.service';
import { leadScope, opportunityScope } from '../services/scope';
import { FALSE, raw, sql } from '../services/sql';
import { timelineRowsById } from '../services/timeline.service';
import type { Domain } from './domain';

/** A deal the caller may see (record scope of opportunities), for entries that hang off one. */
const visibleDeal = (ctx: ServiceContext, idExpr: string) =>
  sql`exists (select 1 from opportunity o where o.id = ${raw(idExpr)} and o.deleted_at is null and ${opportunityScope(ctx.principal, 'o')})`;

/** The sales pipeline: activities, tasks, campaigns and leads, opportunities with their stages and quotes, sales analytics. */
export const salesDomain: Domain = {
  name: 'sales',
  entities: [Activity, Task, Campaign, Lead, Opportunity, OpportunityStageChange, Quote, QuoteLine, SalesQuota],
  migrations: [
    { name: 'Migration20261130000000Sales', class: Migration20261130000000Sales },
    { name: 'Migration20261223000000SalesAtClose', class: Migration20261223000000SalesAtClose },
    { name: 'Migration20261224000000SalesQuota', class: Migration20261224000000SalesQuota },
  ],
  resolvers: [
    ActivityResolver, TaskResolver, CustomerTaskResolver, CampaignResolver, LeadResolver,
    OpportunityResolver, OpportunityStageChangeResolver, QuoteResolver, CustomerOpportunitiesResolver,
    AnalyticsResolver, WinRateGroupResolver, RepPerformanceResolver, SalesReportsResolver,
    ...quotaResolvers, ...revenueReportResolvers,
  ],
  permissions: [
    activityPermissions, taskPermissions, leadPermissions, opportunityPermissions, analyticsPermissions, salesReportPermissions,
    quotaPermissions, revenueReportPermissions,
  ],
  loaders: [createActivityLoaders, createTaskLoaders, createLeadLoaders, createOpportunityLoaders],
  nodes: {
    Activity: (ctx, ids) => ctx.loaders.activityById.loadMany(ids),
    Task: (ctx, ids) => ctx.loaders.taskById.loadMany(ids),
    Campaign: (ctx, ids) => ctx.loaders.campaignById.loadMany(ids),
    Lead: (ctx, ids) => ctx.loaders.leadById.loadMany(ids),
    Opportunity: (ctx, ids) => ctx.loaders.opportunityById.loadMany(ids),
    OpportunityStageChange: (ctx, ids) => ctx.loaders.stageChangeById.loadMany(ids),
    Quote: (ctx, ids) => ctx.loaders.quoteById.loadMany(ids),
  },
  // A deal's entries, and those of its quotes, follow the deal's scope (another rep's deal on my customer is
  // not mine to read); a deleted deal keeps its entries (the log says who deleted it).
  audit: [
    { types: ['Opportunity'], visible: (p, a) => sql`exists (select 1 from opportunity o where o.id = ${raw(a)}.entity_id and ${opportunityScope(p, 'o')})` },
    {
      types: ['Quote'],
      visible: (p, a) => sql`exists (select 1 from quote q join opportunity o on o.id = q.opportunity_id
        where q.id = ${raw(a)}.entity_id and ${opportunityScope(p, 'o')})`,
    },
    { types: ['Lead'], visible: (p, a) => sql`exists (select 1 from lead l where l.id = ${raw(a)}.entity_id and ${leadScope(p, 'l')})` },
    // Quotas are filed under a pseudo customer id, entity id "user/month": whoever reads the user's quotas reads their history.
    { types: ['SalesQuota'], visible: (p, a) => analyticsScope(p, `split_part(${a}.entity_id, '/', 1)`) },
  ],
  timeline: [
    {
      kind: 'ACTIVITY', rank: 3, entity: Activity,
      description: 'An interaction (call, visit, e-mail, note, …): the node is an `Activity`, `at` is its `occurredAt`.',
      from: 'activity a', id: 'a.id', at: 'a.occurred_at', customer: 'a.customer_id',
      visible: (ctx) => (readsActivities(ctx.principal) ? raw('a.deleted_at is null') : FALSE),
      load: timelineRowsById('Activity', 'activity', 'a'),
    },
    {
      kind: 'STAGE_CHANGE', rank: 2, entity: OpportunityStageChange,
      description: 'An opportunity moved stage: the node is an `OpportunityStageChange`, `at` is when.',
      from: 'opportunity_stage_change s', id: 's.id', at: 's.at', customer: 's.customer_id',
      visible: (ctx) => visibleDeal(ctx, 's.opportunity_id'),
      load: timelineRowsById('OpportunityStageChange', 'opportunity_stage_change', 's'),
    },
  ],
};

import { assetPermissions } from '../auth/asset.permissions';
import { casePermissions } from '../auth/case.permissions';
import { feedbackPermissions } from '../auth/feedback.permissions';
import { serviceDeskPermissions } from '../auth/service-desk.permissions';
import { serviceReportsPermissions } from '../auth/service-reports.permissions';
import { Asset } from '../entities/asset.entity';
import { ProductFeedback } from '../entities/product-feedback.entity';
import { CaseComment, ServiceCase } from '../entities/service-case.entity';
import { ServiceQueue, SlaPolicy } from '../entities/service-queue.entity';
import { Survey } from '../entities/survey.entity';
import { createAssetLoaders } from '../loaders/asset.loaders';
import { createCaseLoaders } from '../loaders/case.loaders';
import { createFeedbackLoaders } from '../loaders/feedback.loaders';
import { createServiceDeskLoaders } from '../loaders/service-desk.loaders';
import { Migration20261204000000Service } from '../../migrations/Migration20261204000000Service';
import { assetResolvers } from '../resolvers/asset.resolver';
import { caseResolvers } from '../resolvers/case.resolver';
import { feedbackResolvers } from '../resolvers/feedback.resolver';
import { serviceDeskResolvers } from '../resolvers/service-desk.resolver';
import { serviceReportsResolvers } from '../resolvers/service-reports.resolver';
import { caseScope } from '../services/scope';
import { runSlaJob } from '../services/sla.service';
import { timelineRowsById } from '../services/timeline.service';
import type { Domain } from './domain';

/** After-sales service: assets and warranties, cases with SLAs and queues, comments, surveys and product feedback. */
export const serviceDomain: Domain = {
  name: 'service',
  entities: [Asset, ServiceCase, CaseComment, ServiceQueue, SlaPolicy, Survey, ProductFeedback],
  migrations: [{ name: 'Migration20261204000000Service', class: Migration20261204000000Service }],
  resolvers: [...assetResolvers, ...caseResolvers, ...serviceDeskResolvers, ...serviceReportsResolvers, ...feedbackResolvers],
  permissions: [assetPermissions, casePermissions, serviceDeskPermissions, serviceReportsPermissions, feedbackPermissions],
  loaders: [createAssetLoaders, createCaseLoaders, createServiceDeskLoaders, createFeedbackLoaders],
  nodes: {
    Asset: (ctx, ids) => ctx.loaders.assetById.loadMany(ids),
    ServiceCase: (ctx, ids) => ctx.loaders.caseById.loadMany(ids),
    CaseComment: (ctx, ids) => ctx.loaders.caseCommentById.loadMany(ids),
    ServiceQueue: (ctx, ids) => ctx.loaders.serviceQueueById.loadMany(ids),
    Survey: (ctx, ids) => ctx.loaders.surveyById.loadMany(ids),
    ProductFeedback: (ctx, ids) => ctx.loaders.feedbackById.loadMany(ids),
  },
  // Service entries (assets, cases) only for those who read the customer's cases.
  audit: [{ types: ['Asset', 'ServiceCase'], visible: (p, a) => caseScope(p, `${a}.customer_id`) }],
  uniqueFields: {
    asset_service_tag_key: ['input', 'serviceTag'],
    service_queue_name_key: ['input', 'name'],
    service_queue_escalation_key: ['input', 'escalation'],
  },
  timeline: [{
    kind: 'CASE', rank: 7, entity: ServiceCase,
    description: 'A service case was opened: the node is a `ServiceCase`, `at` is its `createdAt`. Shown to those who read the customer\'s cases '
      + '(never its internal notes: comments are not timeline entries).',
    from: 'service_case k2', id: 'k2.id', at: 'k2.created_at', customer: 'k2.customer_id',
    visible: (ctx) => caseScope(ctx.principal, 'k2.customer_id'),
    load: timelineRowsById('ServiceCase', 'service_case', 'k2'),
  }],
  jobs: [{ name: 'sla', run: (em, now) => runSlaJob(em, now) }],
};

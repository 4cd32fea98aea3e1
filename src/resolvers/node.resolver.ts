import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Role } from '../entities/enums';
import { typeOfId, type NodeTypeName } from '../entities/ids';
import { Node } from '../entities/node';
import { apiKeysByIds } from '../services/api-key.service';
import { auditEventsByIds } from '../services/audit.service';
import { InputError } from '../services/errors';
import { scopedUsersByIds } from '../services/user.service';
import { NULL_WHEN_ABSENT } from './args';

const MAX_NODES = 100;

type Found = { id: string } | null | Error;

/**
 * How each type is fetched by id, always within the caller's scope. A type missing here is never
 * returned by `node` (null), so a new domain is invisible until it adds its scoped loader.
 */
export const NODE_LOADERS: Partial<Record<NodeTypeName, (ctx: GraphQLContext, ids: string[]) => Promise<Found[]>>> = {
  Customer: (ctx, ids) => ctx.loaders.customer.loadMany(ids),
  Contact: (ctx, ids) => ctx.loaders.contact.loadMany(ids),
  User: (ctx, ids) => scopedUsersByIds(serviceContext(ctx), ids),
  ApiKey: async (ctx, ids) => (ctx.principal?.role === Role.ADMIN ? apiKeysByIds(serviceContext(ctx), ids) : []),
  AuditEvent: async (ctx, ids) => (ctx.principal?.role !== Role.PARTNER ? (auditEventsByIds(serviceContext(ctx), ids) as Promise<Found[]>) : []),
  Activity: (ctx, ids) => ctx.loaders.activityById.loadMany(ids),
  Task: (ctx, ids) => ctx.loaders.taskById.loadMany(ids),
  Campaign: (ctx, ids) => ctx.loaders.campaignById.loadMany(ids),
  Lead: (ctx, ids) => ctx.loaders.leadById.loadMany(ids),
  Opportunity: (ctx, ids) => ctx.loaders.opportunityById.loadMany(ids),
  Product: (ctx, ids) => ctx.loaders.productById.loadMany(ids),
  OpportunityStageChange: (ctx, ids) => ctx.loaders.stageChangeById.loadMany(ids),
  Quote: (ctx, ids) => ctx.loaders.quoteById.loadMany(ids),
  Order: (ctx, ids) => ctx.loaders.orderById.loadMany(ids),
  Contract: (ctx, ids) => ctx.loaders.contractById.loadMany(ids),
  Receivable: (ctx, ids) => ctx.loaders.receivableById.loadMany(ids),
  Payment: (ctx, ids) => ctx.loaders.paymentById.loadMany(ids),
  CreditAssessment: (ctx, ids) => ctx.loaders.creditAssessmentById.loadMany(ids),
  CreditHold: (ctx, ids) => ctx.loaders.creditHoldById.loadMany(ids),
  Asset: (ctx, ids) => ctx.loaders.assetById.loadMany(ids),
  ServiceCase: (ctx, ids) => ctx.loaders.caseById.loadMany(ids),
  CaseComment: (ctx, ids) => ctx.loaders.caseCommentById.loadMany(ids),
  ServiceQueue: (ctx, ids) => ctx.loaders.serviceQueueById.loadMany(ids),
  Survey: (ctx, ids) => ctx.loaders.surveyById.loadMany(ids),
  ProductFeedback: (ctx, ids) => ctx.loaders.feedbackById.loadMany(ids),
};

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: `Any object by its id (Relay's object identification); ${NULL_WHEN_ABSENT}, or when the id is malformed.` })
  async node(@Arg('id', () => ID, { description: 'The opaque id of any object (its prefix, e.g. `cus_`, tells the type).' }) id: string, @Ctx() ctx: GraphQLContext) {
    const [found] = await load(ctx, [id]);
    return found;
  }

  @Query(() => [Node], { nullable: 'items', description: 'Several objects by id (at most 100), in the same order; null for each one not visible to you.' })
  async nodes(@Arg('ids', () => [ID], { description: 'Opaque ids of objects of any types, at most 100 (BAD_USER_INPUT beyond); the answer has one entry per id.' }) ids: string[], @Ctx() ctx: GraphQLContext) {
    if (ids.length > MAX_NODES) throw new InputError(`At most ${MAX_NODES} ids.`, 'ids');
    return load(ctx, ids);
  }
}

/** Loads ids of every type in one batch per type; unknown, invisible and malformed ids give null. */
async function load(ctx: GraphQLContext, ids: string[]): Promise<({ id: string } | null)[]> {
  const byType = new Map<NodeTypeName, string[]>();
  for (const id of ids) {
    const type = typeOfId(id);
    if (type && NODE_LOADERS[type]) byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  const found = new Map<string, { id: string }>();
  await Promise.all([...byType].map(async ([type, typeIds]) => {
    const rows = await NODE_LOADERS[type]!(ctx, typeIds);
    for (const row of rows) if (row && !(row instanceof Error)) found.set(row.id, row);
  }));
  return ids.map((id) => found.get(id) ?? null);
}

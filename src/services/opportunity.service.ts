import { Campaign } from '../entities/campaign.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction, OpportunityStage, STAGE_PROBABILITY } from '../entities/enums';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { User } from '../entities/user.entity';
import { actorOf, recordAudit } from './audit.service';
import type { ServiceContext } from './context';

/** A validated new opportunity (validation, scope and ownership checks are the caller's). */
export interface NewOpportunity {
  customerId: string;
  name: string;
  amount: string;
  currency?: string;
  stage?: OpportunityStage;
  probability?: number | null;
  expectedCloseDate: string;
  ownerId: string;
  competitors?: string[];
  campaignId?: string | null;
  leadId?: string | null;
}

/**
 * Inserts an opportunity inside the caller's transaction, with its first stage-history entry and a
 * CREATE audit entry on the customer. Used by `createOpportunity` and by `convertLead`.
 */
export function insertOpportunity(tx: ServiceContext, data: NewOpportunity): Opportunity {
  const stage = data.stage ?? OpportunityStage.PROSPECTING;
  const opportunity = tx.em.create(Opportunity, {
    customer: tx.em.getReference(Customer, data.customerId),
    name: data.name,
    amount: data.amount,
    currency: data.currency ?? 'EUR',
    stage,
    probability: data.probability ?? STAGE_PROBABILITY[stage],
    expectedCloseDate: data.expectedCloseDate,
    owner: tx.em.getReference(User, data.ownerId),
    competitors: data.competitors ?? [],
    campaign: data.campaignId ? tx.em.getReference(Campaign, data.campaignId) : null,
    lead: data.leadId ? tx.em.getReference(Lead, data.leadId) : null,
    closedAt: stage === OpportunityStage.WON || stage === OpportunityStage.LOST ? new Date() : null,
  } as any);
  tx.em.persist(opportunity);
  tx.em.persist(tx.em.create(OpportunityStageChange, {
    opportunity, customerId: data.customerId, fromStage: null, toStage: stage, probability: opportunity.probability,
    ...actorOf(tx.principal), at: opportunity.createdAt,
  } as any));
  recordAudit(tx.em, tx.principal, {
    entityType: 'Opportunity', entityId: opportunity.id, customerId: data.customerId, action: AuditAction.CREATE,
    changes: [
      { field: 'name', old: null, new: data.name },
      { field: 'amount', old: null, new: data.amount },
      { field: 'stage', old: null, new: stage },
      { field: 'ownerId', old: null, new: data.ownerId },
    ],
  });
  return opportunity;
}

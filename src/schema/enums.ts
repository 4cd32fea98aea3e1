import { registerEnumType } from 'type-graphql';
import {
  ActivityDirection, ActivityType, CampaignChannel, CampaignStatus, LeadSource, LeadStatus, LostReason, OpportunityStage, QuoteStatus,
  TaskStatus, TaskType,
  ActorType, AuditAction, BuyingRole, ChannelType, ChurnReason, ContactChannel, CreditRating, CustomerKind, CustomerSource,
  CustomerStatus, Role, Sector, Tier,
} from '../entities/enums';

/** Registers the domain enums with GraphQL, each with a description a frontend developer can use. */
registerEnumType(Role, { name: 'Role', description: 'What a user or API key may do and see; see the README for the full matrix.' });
registerEnumType(CustomerKind, { name: 'CustomerKind', description: 'A consumer (INDIVIDUAL) or an organisation (BUSINESS).' });
registerEnumType(Sector, { name: 'Sector', description: 'Market sector of a customer.' });
registerEnumType(Tier, { name: 'Tier', description: 'Value ranking of a customer: POTENTIAL < TARGET < KEY.' });
registerEnumType(CustomerStatus, { name: 'CustomerStatus', description: 'Relationship status.' });
registerEnumType(ChurnReason, { name: 'ChurnReason', description: 'Why a customer was lost.' });
registerEnumType(CustomerSource, { name: 'CustomerSource', description: 'Where a customer came from.' });
registerEnumType(ChannelType, { name: 'ChannelType', description: 'The kind of sales channel a partner runs.' });
registerEnumType(CreditRating, { name: 'CreditRating', description: 'Credit rating from A (best) to D (worst).' });
registerEnumType(BuyingRole, { name: 'BuyingRole', description: 'A contact\'s role in buying decisions.' });
registerEnumType(ContactChannel, { name: 'ContactChannel', description: 'How a contact prefers to be reached.' });
registerEnumType(AuditAction, { name: 'AuditAction', description: 'The kind of change an audit entry records.' });
registerEnumType(ActorType, { name: 'ActorType', description: 'Who made a change.' });

registerEnumType(ActivityType, { name: 'ActivityType', description: 'Kind of interaction.' });
registerEnumType(ActivityDirection, { name: 'ActivityDirection', description: 'INBOUND: the customer reached out; OUTBOUND: we did.' });
registerEnumType(TaskType, { name: 'TaskType', description: 'Kind of task.' });
registerEnumType(TaskStatus, { name: 'TaskStatus', description: 'OPEN, DONE or CANCELLED.' });
registerEnumType(CampaignChannel, { name: 'CampaignChannel', description: 'The channel a campaign runs on.' });
registerEnumType(CampaignStatus, { name: 'CampaignStatus', description: 'Lifecycle of a campaign.' });
registerEnumType(LeadSource, { name: 'LeadSource', description: 'Where a lead came from.' });
registerEnumType(LeadStatus, { name: 'LeadStatus', description: 'Lifecycle of a lead; CONVERTED is final.' });
registerEnumType(OpportunityStage, {
  name: 'OpportunityStage',
  description: 'Sales stage, with its default probability: PROSPECTING 10, QUALIFICATION 20, NEEDS_ANALYSIS 40, PROPOSAL 60, NEGOTIATION 80, WON 100, LOST 0.',
});
registerEnumType(LostReason, { name: 'LostReason', description: 'Why a deal was lost.' });
registerEnumType(QuoteStatus, { name: 'QuoteStatus', description: 'Lifecycle of a quote.' });

export enum SortDirection { ASC = 'ASC', DESC = 'DESC' }
registerEnumType(SortDirection, { name: 'SortDirection', description: 'ASC: smallest first (A→Z, oldest first); DESC: largest first. Nulls always sort last.' });

/** Domain enumerations shared by entities, services and the schema (registered in schema/enums.ts). */

export enum Role {
  ADMIN = 'ADMIN',
  SALES_MANAGER = 'SALES_MANAGER',
  SALES_REP = 'SALES_REP',
  SERVICE_AGENT = 'SERVICE_AGENT',
  MARKETING = 'MARKETING',
  FINANCE = 'FINANCE',
  ANALYST = 'ANALYST',
  PARTNER = 'PARTNER',
  INTEGRATION = 'INTEGRATION',
}

export enum CustomerKind { INDIVIDUAL = 'INDIVIDUAL', BUSINESS = 'BUSINESS' }

export enum Sector {
  CONSUMER = 'CONSUMER',
  SMALL_BUSINESS = 'SMALL_BUSINESS',
  ENTERPRISE = 'ENTERPRISE',
  EDUCATION = 'EDUCATION',
  GOVERNMENT = 'GOVERNMENT',
  OTHER = 'OTHER',
}

export enum Tier { POTENTIAL = 'POTENTIAL', TARGET = 'TARGET', KEY = 'KEY' }

export enum CustomerStatus { ACTIVE = 'ACTIVE', AT_RISK = 'AT_RISK', CHURNED = 'CHURNED' }

export enum ChurnReason {
  MOVED = 'MOVED',
  CLOSED_DOWN = 'CLOSED_DOWN',
  BETTER_PRODUCT = 'BETTER_PRODUCT',
  POOR_SERVICE = 'POOR_SERVICE',
  PRICE = 'PRICE',
  OTHER = 'OTHER',
}

export enum CustomerSource {
  WEB = 'WEB',
  REFERRAL = 'REFERRAL',
  CAMPAIGN = 'CAMPAIGN',
  PARTNER = 'PARTNER',
  E_COMMERCE = 'E_COMMERCE',
  CALL_CENTRE = 'CALL_CENTRE',
  TRADE_SHOW = 'TRADE_SHOW',
  DIRECT_SALES = 'DIRECT_SALES',
  OTHER = 'OTHER',
}

export enum ChannelType {
  MULTINATIONAL_CHAIN = 'MULTINATIONAL_CHAIN',
  DOMESTIC_CHAIN = 'DOMESTIC_CHAIN',
  DEPARTMENT_STORE = 'DEPARTMENT_STORE',
  FRANCHISE_STORE = 'FRANCHISE_STORE',
  SPECIALTY_STORE = 'SPECIALTY_STORE',
  ONLINE = 'ONLINE',
  OTHER = 'OTHER',
}

export enum CreditRating { A = 'A', B = 'B', C = 'C', D = 'D' }

export enum BuyingRole {
  DECISION_MAKER = 'DECISION_MAKER',
  INFLUENCER = 'INFLUENCER',
  PURCHASER = 'PURCHASER',
  USER = 'USER',
  GATEKEEPER = 'GATEKEEPER',
  TECHNICAL_EVALUATOR = 'TECHNICAL_EVALUATOR',
}

export enum ContactChannel { EMAIL = 'EMAIL', PHONE = 'PHONE', SMS = 'SMS', MAIL = 'MAIL', CHAT = 'CHAT', IN_PERSON = 'IN_PERSON' }

export enum AuditAction { CREATE = 'CREATE', UPDATE = 'UPDATE', DELETE = 'DELETE', RESTORE = 'RESTORE', REASSIGN = 'REASSIGN', MERGE = 'MERGE', IMPORT = 'IMPORT' }

export enum ActorType { USER = 'USER', API_KEY = 'API_KEY', SYSTEM = 'SYSTEM' }

// ------------------------------------------------------------------------------------------ sales

export enum ActivityType { CALL = 'CALL', EMAIL = 'EMAIL', VISIT = 'VISIT', MEETING = 'MEETING', FAX = 'FAX', LETTER = 'LETTER', WEB = 'WEB', CHAT = 'CHAT', SMS = 'SMS', NOTE = 'NOTE' }

export enum ActivityDirection { INBOUND = 'INBOUND', OUTBOUND = 'OUTBOUND' }

export enum TaskType { CALL = 'CALL', VISIT = 'VISIT', MEETING = 'MEETING', EMAIL = 'EMAIL', FOLLOW_UP = 'FOLLOW_UP', COLLECTION = 'COLLECTION', ESCALATION = 'ESCALATION', OTHER = 'OTHER' }

export enum TaskStatus { OPEN = 'OPEN', DONE = 'DONE', CANCELLED = 'CANCELLED' }

export enum CampaignChannel { EMAIL = 'EMAIL', SMS = 'SMS', SOCIAL = 'SOCIAL', WEB = 'WEB', EVENT = 'EVENT', PRINT = 'PRINT', TELEMARKETING = 'TELEMARKETING', PARTNER = 'PARTNER', OTHER = 'OTHER' }

export enum CampaignStatus { PLANNED = 'PLANNED', ACTIVE = 'ACTIVE', COMPLETED = 'COMPLETED', CANCELLED = 'CANCELLED' }

export enum LeadSource { WEB = 'WEB', CAMPAIGN = 'CAMPAIGN', REFERRAL = 'REFERRAL', TRADE_SHOW = 'TRADE_SHOW', CALL = 'CALL', PARTNER = 'PARTNER', OTHER = 'OTHER' }

export enum LeadStatus { NEW = 'NEW', WORKING = 'WORKING', QUALIFIED = 'QUALIFIED', DISQUALIFIED = 'DISQUALIFIED', CONVERTED = 'CONVERTED' }

export enum OpportunityStage {
  PROSPECTING = 'PROSPECTING',
  QUALIFICATION = 'QUALIFICATION',
  NEEDS_ANALYSIS = 'NEEDS_ANALYSIS',
  PROPOSAL = 'PROPOSAL',
  NEGOTIATION = 'NEGOTIATION',
  WON = 'WON',
  LOST = 'LOST',
}

/** Default probability (%) of each stage; an opportunity may override it while open. */
export const STAGE_PROBABILITY: Record<OpportunityStage, number> = {
  PROSPECTING: 10, QUALIFICATION: 20, NEEDS_ANALYSIS: 40, PROPOSAL: 60, NEGOTIATION: 80, WON: 100, LOST: 0,
};

/** The open stages in funnel order. */
export const OPEN_STAGES: readonly OpportunityStage[] = [
  OpportunityStage.PROSPECTING, OpportunityStage.QUALIFICATION, OpportunityStage.NEEDS_ANALYSIS, OpportunityStage.PROPOSAL, OpportunityStage.NEGOTIATION,
];

export enum LostReason { PRICE = 'PRICE', COMPETITOR = 'COMPETITOR', NO_BUDGET = 'NO_BUDGET', NO_DECISION = 'NO_DECISION', TIMING = 'TIMING', PRODUCT_FIT = 'PRODUCT_FIT', OTHER = 'OTHER' }

export enum QuoteStatus { DRAFT = 'DRAFT', SENT = 'SENT', ACCEPTED = 'ACCEPTED', REJECTED = 'REJECTED', EXPIRED = 'EXPIRED' }

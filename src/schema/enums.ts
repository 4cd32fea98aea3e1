import { registerEnumType } from 'type-graphql';
import {
  ActivityDirection, ActivityType, CampaignChannel, CampaignStatus, LeadSource, LeadStatus, LostReason, OpportunityStage, QuoteStatus,
  TaskStatus, TaskType,
  ActorType, AuditAction, BuyingRole, ChannelType, ChurnReason, ContactChannel, CreditRating, CustomerKind, CustomerSource,
  CustomerStatus, Role, Sector, Tier,
} from '../entities/enums';

/**
 * Registers the domain enums with GraphQL. Each value carries its own description (`valuesConfig`):
 * a frontend developer reads them in the explorer when building a select box or a status badge.
 */

registerEnumType(Role, {
  name: 'Role',
  description: 'What a user or API key may do and see; see the README for the full matrix.',
  valuesConfig: {
    ADMIN: { description: 'Everything: all records and fields; manages users, API keys, queues and SLA policies.' },
    SALES_MANAGER: { description: 'Leads a sales team: the records of everyone below them in the hierarchy, with margins, credit and team metrics.' },
    SALES_REP: { description: 'Sells: the customers they own and their contacts, opportunities, orders and contracts; no product cost, margin or credit rating.' },
    SERVICE_AGENT: { description: 'After-sales service: reads all customers and contact details, works cases and assets; no deal amounts, margins or credit.' },
    MARKETING: { description: 'Campaigns and leads; reads all customers, contact details only with marketing consent; no credit or contract values.' },
    FINANCE: { description: 'Money: reads all customers; contracts, receivables, payments; the only role that assesses credit and decides credit holds.' },
    ANALYST: { description: 'Aggregates and metrics only: no personal data (names of people, phones, e-mails, addresses).' },
    PARTNER: { description: 'A dealer or reseller (users and API keys): its own account and the customers and orders it resells, never internal notes, costs or other accounts.' },
    INTEGRATION: { description: 'An API key of a system (e.g. a web shop): only what its scopes allow, such as `orders:write` or `products:read`.' },
  },
});

registerEnumType(CustomerKind, {
  name: 'CustomerKind',
  description: 'A consumer (INDIVIDUAL) or an organisation (BUSINESS).',
  valuesConfig: {
    INDIVIDUAL: { description: 'A private person; its sector is CONSUMER (or OTHER), and its name is personal data (hidden from ANALYST).' },
    BUSINESS: { description: 'A company or other organisation.' },
  },
});

registerEnumType(Sector, {
  name: 'Sector',
  description: 'Market sector of a customer.',
  valuesConfig: {
    CONSUMER: { description: 'Private persons (the sector of INDIVIDUAL customers).' },
    SMALL_BUSINESS: { description: 'Small and medium businesses (typically under 400 employees).' },
    ENTERPRISE: { description: 'Large organisations: 400 or more employees when the headcount is known (enforced).' },
    EDUCATION: { description: 'Schools, universities and other educational institutions.' },
    GOVERNMENT: { description: 'Public administration and government bodies.' },
    OTHER: { description: 'None of the above.' },
  },
});

registerEnumType(Tier, {
  name: 'Tier',
  description: 'Value ranking of a customer: POTENTIAL < TARGET < KEY.',
  valuesConfig: {
    POTENTIAL: { description: 'Lowest rank: a customer with potential that is not yet actively targeted.' },
    TARGET: { description: 'A customer sales actively develops.' },
    KEY: { description: 'Highest rank: a key account (only KEY accounts may be flagged `vip`).' },
  },
});

registerEnumType(CustomerStatus, {
  name: 'CustomerStatus',
  description: 'Relationship status.',
  valuesConfig: {
    ACTIVE: { description: 'A normal, live relationship.' },
    AT_RISK: { description: 'Drifting away (e.g. no recent orders, open complaints): worth a retention effort.' },
    CHURNED: { description: 'Lost; `churnReason` says why (required with this status, refused with the others).' },
  },
});

registerEnumType(ChurnReason, {
  name: 'ChurnReason',
  description: 'Why a customer was lost (only with status CHURNED).',
  valuesConfig: {
    MOVED: { description: 'Moved away, out of reach of our sales or service.' },
    CLOSED_DOWN: { description: 'The business closed down (or the person no longer buys at all).' },
    BETTER_PRODUCT: { description: 'Went to a competitor with a better product.' },
    POOR_SERVICE: { description: 'Left because of poor service.' },
    PRICE: { description: 'Left because of price.' },
    OTHER: { description: 'Any other reason (explain it in `churnNote`).' },
  },
});

registerEnumType(CustomerSource, {
  name: 'CustomerSource',
  description: 'Where a customer came from.',
  valuesConfig: {
    WEB: { description: 'Our website (e.g. a contact form).' },
    REFERRAL: { description: 'Referred by another customer (see `referredBy`).' },
    CAMPAIGN: { description: 'A marketing campaign (also set when a lead from a campaign is converted).' },
    PARTNER: { description: 'Brought in by a partner (set when a partner\'s order creates the customer).' },
    E_COMMERCE: { description: 'A web-shop order (set when a pushed order creates the customer).' },
    CALL_CENTRE: { description: 'A call to or from our call centre.' },
    TRADE_SHOW: { description: 'A trade show or other event.' },
    DIRECT_SALES: { description: 'Our own sales force.' },
    OTHER: { description: 'Anything else, or unknown.' },
  },
});

registerEnumType(ChannelType, {
  name: 'ChannelType',
  description: 'The kind of sales channel a partner runs (only partners, `isPartner: true`, have one).',
  valuesConfig: {
    MULTINATIONAL_CHAIN: { description: 'A retail chain operating in several countries.' },
    DOMESTIC_CHAIN: { description: 'A retail chain in one country.' },
    DEPARTMENT_STORE: { description: 'A department store.' },
    FRANCHISE_STORE: { description: 'A store run by a franchisee under a chain\'s brand.' },
    SPECIALTY_STORE: { description: 'An independent specialist shop.' },
    ONLINE: { description: 'An online shop or marketplace seller.' },
    OTHER: { description: 'Any other kind of reseller.' },
  },
});

registerEnumType(CreditRating, {
  name: 'CreditRating',
  description: 'Credit rating from A (best) to D (worst), set by FINANCE with an assessment.',
  valuesConfig: {
    A: { description: 'Best: very low risk of non-payment.' },
    B: { description: 'Good: low risk.' },
    C: { description: 'Weak: elevated risk; grant credit with care.' },
    D: { description: 'Worst: high risk; prepaid business only is advisable.' },
  },
});

registerEnumType(BuyingRole, {
  name: 'BuyingRole',
  description: 'A contact\'s role in buying decisions.',
  valuesConfig: {
    DECISION_MAKER: { description: 'Makes the final buying decision.' },
    INFLUENCER: { description: 'Shapes the decision without making it.' },
    PURCHASER: { description: 'Places and administers the order (procurement).' },
    USER: { description: 'Uses the product day to day.' },
    GATEKEEPER: { description: 'Controls access to the decision makers (e.g. an assistant).' },
    TECHNICAL_EVALUATOR: { description: 'Assesses whether the product fits technically.' },
  },
});

registerEnumType(ContactChannel, {
  name: 'ContactChannel',
  description: 'How a contact prefers to be reached.',
  valuesConfig: {
    EMAIL: { description: 'By e-mail.' },
    PHONE: { description: 'By phone call.' },
    SMS: { description: 'By text message.' },
    MAIL: { description: 'By post (letter).' },
    CHAT: { description: 'By chat or messenger.' },
    IN_PERSON: { description: 'Face to face (visits, meetings).' },
  },
});

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'The kind of change an audit entry records.',
  valuesConfig: {
    CREATE: { description: 'The record was created; `changes` lists its initial values.' },
    UPDATE: { description: 'Fields were changed; `changes` lists each old → new value.' },
    DELETE: { description: 'The record was (soft-)deleted.' },
    RESTORE: { description: 'A soft-deleted record was brought back.' },
    REASSIGN: { description: 'The customer moved to another owner (`reassignCustomers`).' },
    MERGE: { description: 'A duplicate customer was merged into a survivor (`mergeCustomers`): on the survivor `mergedFrom`, on the duplicate `mergedInto` and `deletedAt`.' },
    IMPORT: { description: 'The record was created or updated by a CSV import (`importCsv`); `changes` lists each old → new value.' },
  },
});

registerEnumType(ActorType, {
  name: 'ActorType',
  description: 'Who made a change.',
  valuesConfig: {
    USER: { description: 'A signed-in user (see `actor`).' },
    API_KEY: { description: 'A system calling with an API key (e.g. a web shop pushing an order).' },
    SYSTEM: { description: 'The server itself: a background job such as the overdue or SLA escalation job.' },
  },
});

registerEnumType(ActivityType, {
  name: 'ActivityType',
  description: 'Kind of interaction. CALL, EMAIL, SMS, CHAT, LETTER and FAX always have a direction, a NOTE never, the others may.',
  valuesConfig: {
    CALL: { description: 'A phone call.' },
    EMAIL: { description: 'An e-mail.' },
    VISIT: { description: 'A visit to the customer (or theirs to us).' },
    MEETING: { description: 'A meeting, in person or online.' },
    FAX: { description: 'A fax.' },
    LETTER: { description: 'A letter by post.' },
    WEB: { description: 'An interaction on our website (e.g. a form sent).' },
    CHAT: { description: 'A chat or messenger conversation.' },
    SMS: { description: 'A text message.' },
    NOTE: { description: 'An internal note about the customer, not an interaction; it has no direction.' },
  },
});

registerEnumType(ActivityDirection, {
  name: 'ActivityDirection',
  description: 'Who started the interaction.',
  valuesConfig: {
    INBOUND: { description: 'The customer reached out to us.' },
    OUTBOUND: { description: 'We reached out to the customer.' },
  },
});

registerEnumType(TaskType, {
  name: 'TaskType',
  description: 'Kind of task.',
  valuesConfig: {
    CALL: { description: 'Make a phone call.' },
    VISIT: { description: 'Visit the customer.' },
    MEETING: { description: 'Hold a meeting.' },
    EMAIL: { description: 'Write an e-mail.' },
    FOLLOW_UP: { description: 'Follow up on something, e.g. a resolved case (`scheduleFollowUp`) or a sent quote.' },
    COLLECTION: { description: 'Collect an overdue receivable (created by the overdue job for the customer\'s owner, closed when it is settled).' },
    ESCALATION: { description: 'Deal with a case that breached its SLA (created by the SLA escalation job for the queue\'s manager).' },
    OTHER: { description: 'Anything else.' },
  },
});

registerEnumType(TaskStatus, {
  name: 'TaskStatus',
  description: 'OPEN, DONE or CANCELLED; only an OPEN task can be changed, completed or cancelled.',
  valuesConfig: {
    OPEN: { description: 'To do (overdue once its due time has passed).' },
    DONE: { description: 'Completed (`completeTask`); final.' },
    CANCELLED: { description: 'Will not be done (`cancelTask`); final.' },
  },
});

registerEnumType(CampaignChannel, {
  name: 'CampaignChannel',
  description: 'The channel a campaign runs on.',
  valuesConfig: {
    EMAIL: { description: 'E-mail mailings.' },
    SMS: { description: 'Text messages.' },
    SOCIAL: { description: 'Social media.' },
    WEB: { description: 'Our website or online advertising.' },
    EVENT: { description: 'An event or trade show.' },
    PRINT: { description: 'Printed media: flyers, catalogues, press adverts.' },
    TELEMARKETING: { description: 'Outbound phone calls.' },
    PARTNER: { description: 'Run through partners (dealers, resellers).' },
    OTHER: { description: 'Any other channel.' },
  },
});

registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  description: 'Lifecycle of a campaign.',
  valuesConfig: {
    PLANNED: { description: 'Being prepared (the status of a new campaign).' },
    ACTIVE: { description: 'Running.' },
    COMPLETED: { description: 'Ran its course; its results stay available.' },
    CANCELLED: { description: 'Stopped before it ran its course.' },
  },
});

registerEnumType(LeadSource, {
  name: 'LeadSource',
  description: 'Where a lead came from.',
  valuesConfig: {
    WEB: { description: 'Our website (the default for leads pushed by API keys).' },
    CAMPAIGN: { description: 'A marketing campaign (the default when `campaignId` is given).' },
    REFERRAL: { description: 'Referred by a customer or acquaintance.' },
    TRADE_SHOW: { description: 'A trade show or other event.' },
    CALL: { description: 'A phone call (becomes CALL_CENTRE as the customer\'s source on conversion).' },
    PARTNER: { description: 'Passed on by a partner.' },
    OTHER: { description: 'Anything else (the default for leads entered by staff without a campaign).' },
  },
});

registerEnumType(LeadStatus, {
  name: 'LeadStatus',
  description: 'Lifecycle of a lead; CONVERTED is final.',
  valuesConfig: {
    NEW: { description: 'Not yet worked on (the status of a new lead).' },
    WORKING: { description: 'Being contacted and qualified.' },
    QUALIFIED: { description: 'A real prospect, ready to convert.' },
    DISQUALIFIED: { description: 'Not a prospect (with a reason); cannot be converted.' },
    CONVERTED: { description: 'Turned into a customer, contact and opportunity by `convertLead` (only that way); final.' },
  },
});

registerEnumType(OpportunityStage, {
  name: 'OpportunityStage',
  description: 'Sales stage, with its default probability: PROSPECTING 10, QUALIFICATION 20, NEEDS_ANALYSIS 40, PROPOSAL 60, NEGOTIATION 80, WON 100, LOST 0.',
  valuesConfig: {
    PROSPECTING: { description: 'First contact: is there a deal at all? Default probability 10 %.' },
    QUALIFICATION: { description: 'Checking budget, authority, need and timing. Default probability 20 %.' },
    NEEDS_ANALYSIS: { description: 'Working out what the customer needs. Default probability 40 %.' },
    PROPOSAL: { description: 'An offer or quote is with the customer. Default probability 60 %.' },
    NEGOTIATION: { description: 'Negotiating terms and price. Default probability 80 %.' },
    WON: { description: 'Closed and won (probability 100 %); counts in win rate and rep performance.' },
    LOST: { description: 'Closed and lost (probability 0 %); needs a `lostReason`.' },
  },
});

registerEnumType(LostReason, {
  name: 'LostReason',
  description: 'Why a deal was lost (required when the stage is LOST).',
  valuesConfig: {
    PRICE: { description: 'Our price was too high.' },
    COMPETITOR: { description: 'A competitor won (name it in `competitors`).' },
    NO_BUDGET: { description: 'The customer had no budget.' },
    NO_DECISION: { description: 'The customer never decided.' },
    TIMING: { description: 'Wrong time: postponed or too late.' },
    PRODUCT_FIT: { description: 'Our product did not fit the need.' },
    OTHER: { description: 'Any other reason.' },
  },
});

registerEnumType(QuoteStatus, {
  name: 'QuoteStatus',
  description: 'Lifecycle of a quote: DRAFT → SENT → ACCEPTED | REJECTED | EXPIRED.',
  valuesConfig: {
    DRAFT: { description: 'Being written; the only status in which lines can be changed.' },
    SENT: { description: 'With the customer (`sendQuote`, only while still valid); waiting for an answer.' },
    ACCEPTED: { description: 'Accepted (`acceptQuote`); the other open quotes of the opportunity become REJECTED.' },
    REJECTED: { description: 'Turned down (`rejectQuote`), or superseded by another accepted quote of the same opportunity.' },
    EXPIRED: { description: 'Past `validUntil` when someone tried to accept it; final.' },
  },
});

export enum SortDirection { ASC = 'ASC', DESC = 'DESC' }
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'ASC: smallest first (A→Z, oldest first); DESC: largest first. Nulls always sort last.',
  valuesConfig: {
    ASC: { description: 'Ascending: smallest, earliest or A first.' },
    DESC: { description: 'Descending: largest, latest or Z first.' },
  },
});

/** The `direction` of every `XOrderBy` input whose default is ascending. */
export const ASCENDING_BY_DEFAULT = 'ASC (the default) or DESC; rows without a value come last either way.';

import { randomUUID } from 'node:crypto';
import { prng } from '../src/db/prng';
import {
  ActivityDirection, ActivityType, BuyingRole, ChannelType, ChurnReason, ContactChannel, CreditRating, CustomerSource, LostReason, OPEN_STAGES,
  OpportunityStage, STAGE_PROBABILITY, Sector, TaskType, Tier,
} from '../src/entities/enums';
import { arrayLiteral } from './copy-text';

/**
 * The values of bench:seed, independent of how they are written (COPY on PostgreSQL, multi-row INSERT on
 * the embedded database) and of where they are made (the main thread or the seed worker): no database
 * access, no ORM (ids use the prefixes the caller passes). One `SeedGenerator` walks the customers in
 * order; every value comes from one PRNG, so the same `--seed` gives the same values whatever the batch size.
 */

// ------------------------------------------------------------------------------------ value pools

const FIRST = ['Anna', 'Ben', 'Chen', 'Daria', 'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Lena', 'Marco', 'Nadia',
  'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wei', 'Yusuf', 'Zoe', 'Aisha', 'Bruno', 'Camille', 'Diego',
  'Elif', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kaito', 'Laura', 'Mateo', 'Noor', 'Oskar', 'Paula', 'Ravi', 'Sofia', 'Tomás',
  'Ulla', 'Viktor', 'Wanda', 'Xavier', 'Yara', 'Zeynep', 'Amélie', 'Björn', 'Chiara', 'Dmitri', 'Eva', 'Farid', 'Giulia', 'Henrik'];
const LAST = ['Adler', 'Brandt', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Huang', 'Ivanova', 'Jensen', 'Kowalski', 'Lindqvist',
  'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Újvári', 'Vogel', 'Weber', 'Young', 'Zhang', 'Andersson',
  'Becker', 'Carvalho', 'De Vries', 'Esposito', 'Ferreira', 'Gonzalez', 'Hoffmann', 'Ishikawa', 'Janssen', 'Keller', 'Lehmann',
  'Martin', 'Nielsen', "O'Brien", 'Papadopoulos', 'Quinn', 'Richter', 'Santos', 'Takahashi', 'Unger', 'Virtanen', 'Wagner', 'Yilmaz'];
const COMPANY_A = ['Northwind', 'Bluebird', 'Granite', 'Silverline', 'Harbor', 'Summit', 'Redwood', 'Evergreen', 'Ironbridge', 'Lakeside',
  'Maple', 'Orion', 'Pioneer', 'Quartz', 'Riverside', 'Sterling', 'Horizon', 'Atlas', 'Beacon', 'Cobalt', 'Alpine', 'Baltic', 'Cedar',
  'Delta', 'Eastgate', 'Falcon', 'Golden', 'Highland', 'Island', 'Juniper', 'Kestrel', 'Lighthouse', 'Meridian', 'Nordic', 'Oakwood'];
const COMPANY_B = ['Logistics', 'Foods', 'Electronics', 'Retail', 'Health', 'Motors', 'Systems', 'Textiles', 'Energy', 'Media',
  'Furniture', 'Appliances', 'Pharma', 'Builders', 'Telecom', 'Outdoor', 'Optics', 'Robotics', 'Dental', 'Bakeries', 'Software'];
const SUFFIX = ['GmbH', 'Ltd', 'Inc', 'SA', 'AB', 'BV', 'Co', 'AG', 'SRL', 'Oy', 'KK', 'LLC'];
const INDUSTRIES = ['Retail', 'Logistics', 'Manufacturing', 'Healthcare', 'Education', 'Public sector', 'Finance', 'Hospitality', 'Telecom',
  'Energy', 'Construction', 'Automotive', 'Agriculture', 'Media'];
const SCHOOLS = ['School', 'Academy', 'College', 'University', 'Institute'];
const AGENCIES = ['City of', 'Ministry of Transport of', 'County Council of', 'Port Authority of', 'Public Library of'];
const TITLES = ['CEO', 'Head of Purchasing', 'IT Manager', 'Office Manager', 'CFO', 'Store Manager', 'Procurement Officer',
  'Operations Director', 'Facility Manager', 'Buyer', 'CTO', 'Head of Marketing'];
const DEPARTMENTS = ['Management', 'Purchasing', 'IT', 'Finance', 'Operations', 'Marketing', 'Facilities'];
const STREETS = ['Market Street', 'Station Road', 'Hauptstraße', 'Rue de la Paix', 'Via Roma', 'Calle Mayor', 'Kerkstraat',
  'Storgatan', 'Main Street', 'Harbour Lane', 'Industrieweg', 'Mill Road'];
const CITIES: [string, string, string][] = [['Berlin', 'DE', '+49 30'], ['Lyon', 'FR', '+33 4'], ['Milan', 'IT', '+39 02'],
  ['Madrid', 'ES', '+34 91'], ['Leeds', 'GB', '+44 113'], ['Utrecht', 'NL', '+31 30'], ['Malmö', 'SE', '+46 40'],
  ['Austin', 'US', '+1 512'], ['Osaka', 'JP', '+81 6'], ['Shanghai', 'CN', '+86 21'], ['Hamburg', 'DE', '+49 40'],
  ['Vienna', 'AT', '+43 1'], ['Zürich', 'CH', '+41 44'], ['Warsaw', 'PL', '+48 22'], ['Dublin', 'IE', '+353 1'],
  ['Lisbon', 'PT', '+351 21'], ['Toronto', 'CA', '+1 416'], ['Sydney', 'AU', '+61 2']];
const TAGS = ['priority', 'north', 'south', 'east', 'west', 'newsletter', 'trade-show', 'renewal', 'upsell', 'pilot', 'reference',
  'webinar', 'enterprise-deal', 'churn-risk', 'beta'];
const SECTORS = Object.values(Sector);
const CHANNELS = Object.values(ChannelType);
const SOURCES = Object.values(CustomerSource);
const CHURN = Object.values(ChurnReason);
const RATINGS = Object.values(CreditRating);
const BUYING = Object.values(BuyingRole);
const PREFERRED = Object.values(ContactChannel);
const ERP = ['erp', 'shop', 'billing', 'legacy-crm'];
const DEALS = ['Laptop refresh', 'Store roll-out', 'Support contract', 'Fleet renewal', 'Office refit', 'Server upgrade', 'POS terminals',
  'Training package', 'Cloud migration', 'Printer fleet', 'Warranty extension', 'Network upgrade', 'Tablet pilot', 'Managed services'];
const COMPETITORS = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Stark Supplies', 'Wayne Systems'];
const SUBJECTS = ['Discovery call', 'Follow-up call', 'Sent the proposal', 'Answered questions on the quote', 'On-site demo', 'Site visit',
  'Negotiation meeting', 'Quarterly review', 'Chat about delivery times', 'Internal note: budget approved', 'Filled in the contact form'];
const OUTCOMES = ['Interested', 'Needs a quote', 'Call back next week', 'No answer', 'Decision pending', 'Positive'];
const TASK_TITLES = ['Call back about the quote', 'Send the revised proposal', 'Follow up on the trial', 'Prepare the quarterly review',
  'Visit the head office', 'Chase the overdue invoice'];
const ACTIVITY_TYPES = Object.values(ActivityType);
const TASK_TYPES = Object.values(TaskType).filter((t) => t !== TaskType.ESCALATION); // escalation notices come from the SLA job
const LOST_REASONS = Object.values(LostReason);
const ORDER_CHANNELS = ['WEB', 'WEB', 'WEB', 'STORE', 'STORE', 'PHONE'];
const CASE_TYPES = ['TECH_SUPPORT', 'PRE_SALES', 'COMPLAINT', 'REPAIR', 'INSTALLATION', 'DELIVERY', 'RETURN', 'SUGGESTION'];
const ASSET_CASE_TYPES = new Set(['TECH_SUPPORT', 'REPAIR', 'INSTALLATION', 'RETURN']);
const CASE_CHANNELS = ['PHONE', 'PHONE', 'EMAIL', 'EMAIL', 'WEB', 'CHAT', 'FAX', 'IN_PERSON'];
const CASE_SUBJECTS: Record<string, string[]> = {
  TECH_SUPPORT: ['Device does not start', 'Screen flickers after the update', 'Cannot connect to the network', 'Battery drains fast'],
  PRE_SALES: ['Which model fits our office?', 'Volume pricing for 50 units', 'Is the dock compatible?'],
  COMPLAINT: ['Complaint about a delivery', 'Invoice does not match the order', 'Rude call-centre agent'],
  REPAIR: ['Broken hinge', 'Keyboard keys stuck', 'Paper jam every few pages', 'Fan is very loud'],
  INSTALLATION: ['Installation appointment', 'Set-up of the new printers', 'Mounting the displays'],
  DELIVERY: ['Where is my order?', 'Parcel arrived damaged', 'Partial delivery'],
  RETURN: ['Return within 30 days', 'Wrong item delivered', 'Return label needed'],
  SUGGESTION: ['Please add dark mode to the portal', 'Offer a longer warranty', 'Ship in less packaging'],
};
// Descriptions as customers type them: quotes, a path with backslashes, a tab, several lines (COPY must carry them intact).
const CASE_DESCRIPTIONS = [
  'Customer called; see the notes.',
  'Customer wrote:\n"It worked yesterday, today nothing."\nAsked for a call back.',
  'Error shown: C:\\Program Files\\Vendor\\driver.sys failed (code 0x1F)',
  'Serial\tchecked\twarranty\tok',
  "Contact's words: it's the second time this month.\r\nEscalate if it happens again.",
  null,
];
const PRIORITIES = ['P1', 'P2', 'P2', 'P3', 'P3', 'P3', 'P3', 'P4', 'P4', 'P4'];

export const DAY = 86_400_000;

// --------------------------------------------------------------------------------------- tables

/** A column and the cast its parameter gets on the INSERT path (explicit casts keep multi-row VALUES typed on both drivers). */
export type Column = [name: string, cast: string];
export type Value = string | number | boolean | null;
export type Row = Value[];

/**
 * Every table bench:seed writes, in the order that satisfies the foreign keys (a batch's rows of one
 * table before the rows that point at them). The column order is the order of each generated row.
 */
export const TABLES = {
  customer: [
    ['id', 'text'], ['name', 'text'], ['kind', 'text'], ['sector', 'text'], ['tier', 'text'], ['vip', 'boolean'], ['industry', 'text'],
    ['employee_count', 'int'], ['annual_revenue', 'numeric'], ['website', 'text'], ['phones', 'jsonb'], ['emails', 'jsonb'],
    ['addresses', 'jsonb'], ['owner_id', 'text'], ['source', 'text'], ['referred_by_id', 'text'], ['status', 'text'],
    ['churn_reason', 'text'], ['churn_note', 'text'], ['is_partner', 'boolean'], ['channel_type', 'text'], ['tags', 'text[]'],
    ['custom_attributes', 'jsonb'], ['marketing_consent', 'boolean'], ['consent_at', 'timestamptz'], ['consent_source', 'text'],
    ['credit_rating', 'text'], ['credit_limit', 'numeric'], ['churned_at', 'timestamptz'], ['annual_category_budget', 'numeric'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['last_contacted_at', 'timestamptz'],
  ],
  contact: [
    ['id', 'text'], ['customer_id', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['title', 'text'], ['department', 'text'],
    ['phones', 'jsonb'], ['emails', 'jsonb'], ['addresses', 'jsonb'], ['buying_role', 'text'], ['preferred_channel', 'text'],
    ['marketing_consent', 'boolean'], ['consent_at', 'timestamptz'], ['consent_source', 'text'], ['"primary"', 'boolean'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  customer_external_ref: [['id', 'text'], ['customer_id', 'text'], ['system', 'text'], ['ref', 'text']],
  opportunity: [
    ['id', 'text'], ['customer_id', 'text'], ['name', 'text'], ['amount', 'numeric'], ['currency', 'text'], ['stage', 'text'], ['probability', 'int'],
    ['expected_close_date', 'date'], ['owner_id', 'text'], ['competitors', 'text[]'], ['lost_reason', 'text'], ['closed_at', 'timestamptz'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  opportunity_stage_change: [
    ['id', 'text'], ['opportunity_id', 'text'], ['customer_id', 'text'], ['from_stage', 'text'], ['to_stage', 'text'], ['probability', 'int'],
    ['reopened', 'boolean'], ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'],
  ],
  audit_event: [
    ['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'], ['actor_type', 'text'],
    ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb'],
  ],
  activity: [
    ['id', 'text'], ['customer_id', 'text'], ['contact_id', 'text'], ['opportunity_id', 'text'], ['type', 'text'], ['direction', 'text'],
    ['subject', 'text'], ['body', 'text'], ['outcome', 'text'], ['duration_minutes', 'int'], ['occurred_at', 'timestamptz'],
    ['performed_by_id', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  task: [
    ['id', 'text'], ['title', 'text'], ['type', 'text'], ['due_at', 'timestamptz'], ['remind_at', 'timestamptz'], ['assignee_id', 'text'],
    ['assigned_by_id', 'text'], ['customer_id', 'text'], ['opportunity_id', 'text'], ['status', 'text'], ['completed_at', 'timestamptz'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  sales_order: [
    ['id', 'text'], ['customer_id', 'text'], ['bill_to_id', 'text'], ['external_ref', 'text'], ['channel', 'text'], ['status', 'text'],
    ['currency', 'text'], ['subtotal', 'numeric'], ['discount_total', 'numeric'], ['total', 'numeric'], ['created_by', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['completed_at', 'timestamptz'],
  ],
  sales_order_line: [
    ['id', 'text'], ['order_id', 'text'], ['position', 'int'], ['product_id', 'text'], ['sku', 'text'], ['quantity', 'int'],
    ['unit_price', 'numeric'], ['discount', 'numeric'], ['line_total', 'numeric'], ['price_source', 'text'],
  ],
  asset: [
    ['id', 'text'], ['service_tag', 'text'], ['product_id', 'text'], ['customer_id', 'text'], ['purchase_date', 'date'], ['warranty_end', 'date'],
    ['installed_address', 'jsonb'], ['notes', 'text'], ['created_by', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  // `number` comes from service_case_number_seq when the batch is written (CS-000123, as the API numbers cases): null until then.
  service_case: [
    ['id', 'text'], ['number', 'text'], ['type', 'text'], ['channel', 'text'], ['priority', 'text'], ['status', 'text'], ['subject', 'text'],
    ['description', 'text'], ['customer_id', 'text'], ['contact_id', 'text'], ['asset_id', 'text'], ['queue_id', 'text'], ['assignee_id', 'text'],
    ['opened_by', 'text'], ['first_response_due_at', 'timestamptz'], ['resolution_due_at', 'timestamptz'], ['first_responded_at', 'timestamptz'],
    ['resolved_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  survey: [
    ['id', 'text'], ['case_id', 'text'], ['customer_id', 'text'], ['token', 'text'], ['csat', 'int'], ['nps', 'int'],
    ['created_at', 'timestamptz'], ['submitted_at', 'timestamptz'],
  ],
} satisfies Record<string, Column[]>;

export type TableName = keyof typeof TABLES;
export const TABLE_ORDER = Object.keys(TABLES) as TableName[];
export const CASE_NUMBER_COLUMN = TABLES.service_case.findIndex(([name]) => name === 'number');

export type Batch = Record<TableName, Row[]>;

// ------------------------------------------------------------------------------------- options

/** Volumes, as averages per customer (the distributions around them are described in bench/README.md). */
export interface Volumes {
  contacts: number; activities: number; opportunities: number; taskPercent: number;
  orders: number; months: number; cases: number; assets: number;
}

/** What the generator needs from the database, read once by the main thread. */
export interface SeedContext {
  seed: number;
  now: number;
  total: number;
  volumes: Volumes;
  owners: { rep1: string; rep2: string; manager: string };
  adminId: string;
  agentId: string;
  /** Service queues: the first is managed by the service agent, so its scope has open unassigned cases to see. */
  queues: string[];
  /** The bench catalogue orders are made of (prices in cents). */
  products: { id: string; sku: string; cents: number }[];
  /** Serialised products assets are made of. */
  serialProducts: { id: string; warrantyMonths: number }[];
  /** Minutes to first response and to resolution per priority (sla_policy). */
  sla: Record<string, { first: number; resolution: number }>;
  /** Id prefix per table, as the entities declare them (`cus`, `con`, …). */
  prefixes: Record<TableName, string>;
}

// ---------------------------------------------------------------------------------- generation

type Rnd = ReturnType<typeof prng>;

const slugOf = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '');
const iso = (ms: number) => new Date(ms).toISOString();
const json = (value: unknown) => JSON.stringify(value);
const digits = (rnd: Rnd, n: number) => {
  let out = '';
  for (let i = 0; i < n; i++) out += String(rnd.int(0, 9));
  return out;
};
const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/** An integer ≥ `min` with mean `mean`: uniform over [min, 2·mean − min] (a fractional width spreads the last value). */
export function uniformAround(rnd: Rnd, min: number, mean: number): number {
  if (mean <= min) return min;
  return min + Math.floor(rnd.next() * (2 * (mean - min) + 1));
}

/** A geometric count with mean `mean` (many 0s and 1s, a long tail), at most `cap`. */
export function geometric(rnd: Rnd, mean: number, cap: number): number {
  if (mean <= 0) return 0;
  return Math.min(cap, Math.floor(-Math.log(Math.max(rnd.next(), 1e-12)) / Math.log(1 + 1 / mean)));
}

function address(rnd: Rnd, label: string, city: [string, string, string]) {
  return {
    label, line1: `${rnd.int(1, 240)} ${rnd.pick(STREETS)}`, line2: rnd.chance(0.15) ? `Floor ${rnd.int(1, 12)}` : null,
    city: city[0], region: null, postalCode: String(rnd.int(10000, 99999)), country: city[1],
  };
}

/** Annual revenue as a decimal string, roughly 40k–400k per employee (headcount unknown: 50k–50M). */
function revenue(rnd: Rnd, employees: number | null): string {
  const units = employees == null ? rnd.int(50, 50_000) : Math.max(1, Math.round(employees * (40 + rnd.next() * 360)));
  return `${units}${String(rnd.int(0, 999)).padStart(3, '0')}.${String(rnd.int(0, 99)).padStart(2, '0')}`;
}

/** One customer as the other generators see it. */
interface CustomerFacts {
  id: string; owner: string; individual: boolean; sector: Sector; createdMs: number; contactIds: string[];
  churnedMs: number | null; address: ReturnType<typeof address>;
}

/** Referrals point at earlier customers: a bounded pool of them (memory stays flat at any size). */
const REFERRAL_POOL = 10_000;

export class SeedGenerator {
  private readonly rnd: Rnd;
  private readonly ctx: SeedContext;
  private readonly span = 3 * 365 * DAY;
  private readonly step: number;
  private readonly earlier: string[] = [];
  private index = 0;
  // Per-customer means of the business customers that give the overall means asked for (see bench/README.md).
  private readonly businessContacts: number;
  private readonly businessActivities: number;
  private readonly businessOpportunities: number;

  constructor(ctx: SeedContext) {
    this.ctx = ctx;
    this.rnd = prng(ctx.seed);
    this.step = this.span / Math.max(ctx.total, 1);
    const v = ctx.volumes;
    // A quarter are individuals with 1 contact: the rest make up the mean.
    this.businessContacts = Math.max(1, (v.contacts - 0.25) / 0.75);
    // Business customers B, 1 % of them busy (10·B), individuals B/2: 0.75·1.09·B + 0.25·B/2 = 0.9425·B.
    this.businessActivities = v.activities / 0.9425;
    // Individuals: one deal in five (0.05 overall).
    this.businessOpportunities = Math.max(0, (v.opportunities - 0.05) / 0.75);
  }

  private id(table: TableName): string {
    return `${this.ctx.prefixes[table]}_${randomUUID().replace(/-/g, '')}`;
  }

  /** The next `n` customers with everything around them. */
  batch(n: number): Batch {
    const out = Object.fromEntries(TABLE_ORDER.map((t) => [t, [] as Row[]])) as Batch;
    for (let b = 0; b < n; b++) this.customer(out);
    return out;
  }

  /**
   * One customer with contacts and external references. Every enum value occurs; the combinations respect
   * the schema's checks and the API's business rules (INDIVIDUAL → CONSUMER, ENTERPRISE → 400+ employees,
   * VIP → KEY, CHURNED ⇔ churnReason, channelType only for partners).
   */
  private customer(out: Batch): void {
    const { rnd, ctx } = this;
    const { owners, now } = ctx;
    const i = this.index++;
    const id = this.id('customer');
    const individual = rnd.chance(0.25);
    const city = rnd.pick(CITIES);
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    let sector: Sector = individual ? Sector.CONSUMER : rnd.pick(SECTORS.filter((s) => s !== Sector.CONSUMER));
    if (individual && rnd.chance(0.02)) sector = Sector.OTHER;
    const employees = individual ? null
      : sector === Sector.ENTERPRISE ? rnd.int(400, 120_000)
        : rnd.chance(0.85) ? rnd.int(1, sector === Sector.SMALL_BUSINESS ? 250 : 399) : null;
    const name = individual ? `${first} ${last}`
      : sector === Sector.EDUCATION ? `${rnd.pick(COMPANY_A)} ${rnd.pick(SCHOOLS)}`
        : sector === Sector.GOVERNMENT ? `${rnd.pick(AGENCIES)} ${city[0]}`
          : `${rnd.pick(COMPANY_A)} ${rnd.pick(COMPANY_B)} ${rnd.pick(SUFFIX)}`;
    const slug = slugOf(name);
    const domain = individual ? 'mail.example' : `${slug}${rnd.int(1, 999)}.example`;
    const tier = rnd.next() < 0.55 ? Tier.POTENTIAL : rnd.next() < 0.7 ? Tier.TARGET : Tier.KEY;
    const roll = rnd.next();
    const status = roll < 0.08 ? 'CHURNED' : roll < 0.2 ? 'AT_RISK' : 'ACTIVE';
    const isPartner = !individual && rnd.chance(0.06);
    // Creation times spread over the last three years, oldest first, millisecond precision.
    const createdMs = Math.floor(now - this.span + i * this.step + rnd.next() * this.step);
    const updatedMs = Math.min(now, rnd.chance(0.6) ? createdMs + rnd.int(1_000, 200 * DAY) : createdMs);
    const consent = rnd.chance(0.6);
    const attributes: Record<string, unknown> = {};
    if (rnd.chance(0.3)) attributes.preferredDeliveryDay = rnd.pick(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);
    if (rnd.chance(0.2)) attributes.newsletter = rnd.chance(0.5);
    if (individual && rnd.chance(0.3)) attributes.loyaltyCardNumber = `LC-${digits(rnd, 10)}`;
    if (!individual && rnd.chance(0.15)) attributes.fleetSize = rnd.int(0, 5000);
    if (!individual && rnd.chance(0.1)) attributes.itBudget = `${rnd.int(10, 9000)}000.00`;
    if (!individual && rnd.chance(0.1)) attributes.fiscalYearStart = `2026-${String(rnd.pick([1, 4, 7, 10])).padStart(2, '0')}-01`;
    const ownerRoll = rnd.next();
    const phones = [{ label: individual ? 'mobile' : 'switchboard', number: `${city[2]} ${digits(rnd, 7)}` }];
    if (rnd.chance(0.2)) phones.push({ label: 'fax', number: `${city[2]} ${digits(rnd, 7)}` });
    const emails = [{ label: individual ? 'personal' : 'info', address: individual ? `${slugOf(first)}.${slugOf(last)}${rnd.int(1, 99999)}@${domain}` : `info@${domain}` }];
    if (!individual && rnd.chance(0.3)) emails.push({ label: 'billing', address: `billing@${domain}` });
    const home = address(rnd, individual ? 'home' : 'head office', city);
    const addresses = [home];
    if (!individual && rnd.chance(0.2)) addresses.push(address(rnd, 'shipping', rnd.pick(CITIES)));
    // As bench:seed-orders sets them: churned_at between creation and now; a category budget for a third of the businesses.
    const churnedMs = status === 'CHURNED' ? Math.floor(createdMs + (now - createdMs) * (0.3 + 0.7 * rnd.next())) : null;
    const budget = !individual && rnd.chance(0.33) ? `${Math.round((2000 * 500 ** rnd.next()) / 100) * 100}.00` : null;
    const owner = ownerRoll < 0.45 ? owners.rep1 : ownerRoll < 0.9 ? owners.rep2 : owners.manager;

    const customerRow: Row = [
      id, name, individual ? 'INDIVIDUAL' : 'BUSINESS', sector, tier, tier === Tier.KEY && rnd.chance(0.3),
      individual ? null : rnd.chance(0.9) ? rnd.pick(INDUSTRIES) : null,
      employees,
      individual || rnd.chance(0.1) ? null : revenue(rnd, employees),
      individual ? null : `https://www.${domain.replace('.example', '')}.example`,
      json(phones), json(emails), json(addresses),
      owner,
      rnd.chance(0.9) ? rnd.pick(SOURCES) : null,
      this.earlier.length && rnd.chance(0.05) ? rnd.pick(this.earlier) : null,
      status,
      status === 'CHURNED' ? rnd.pick(CHURN) : null,
      status === 'CHURNED' && rnd.chance(0.3) ? 'Noted in the exit call.' : null,
      isPartner,
      isPartner ? rnd.pick(CHANNELS) : null,
      arrayLiteral(TAGS.filter(() => rnd.chance(0.12))),
      json(attributes),
      consent, consent ? iso(createdMs) : null, consent ? rnd.pick(['web form', 'trade show', 'phone call', 'import']) : null,
      individual ? null : rnd.pick(RATINGS),
      individual ? null : `${rnd.int(1, 900)}000.00`,
      churnedMs === null ? null : iso(churnedMs), budget,
      iso(createdMs), iso(updatedMs),
      null, // last_contacted_at: set below from the activities
    ];
    out.customer.push(customerRow);
    const contactIds: string[] = [];

    const contacts = individual ? 1 : uniformAround(rnd, 1, this.businessContacts);
    for (let j = 0; j < contacts; j++) {
      const cf = individual ? first : rnd.pick(FIRST);
      const cl = individual ? last : rnd.pick(LAST);
      const at = createdMs + j * 1000 + rnd.int(0, 999);
      const contactConsent = rnd.chance(0.5);
      const contactPhones = [{ label: 'mobile', number: `${city[2]} 1${digits(rnd, 8)}` }];
      if (!individual && rnd.chance(0.4)) contactPhones.push({ label: 'work', number: `${city[2]} ${digits(rnd, 7)}` });
      const contactId = this.id('contact');
      contactIds.push(contactId);
      out.contact.push([
        contactId, id, cf, cl,
        individual ? null : rnd.pick(TITLES),
        individual ? null : rnd.pick(DEPARTMENTS),
        json(contactPhones),
        json([{ label: individual ? 'personal' : 'work', address: `${slugOf(cf)}.${slugOf(cl)}${individual ? rnd.int(1, 99999) : ''}@${domain}` }]),
        json(rnd.chance(0.1) ? [address(rnd, 'office', city)] : []),
        individual ? BuyingRole.DECISION_MAKER : rnd.pick(BUYING),
        rnd.chance(0.85) ? rnd.pick(PREFERRED) : null,
        contactConsent, contactConsent ? iso(at) : null, contactConsent ? 'web form' : null,
        j === 0,
        iso(at), iso(at),
      ]);
    }
    if (!individual && rnd.chance(0.35)) {
      out.customer_external_ref.push([this.id('customer_external_ref'), id, rnd.pick(ERP), `${id.slice(4, 12).toUpperCase()}-${id.slice(12)}`]);
    }
    const facts: CustomerFacts = { id, owner, individual, sector, createdMs, contactIds, churnedMs, address: home };
    const lastContact = this.sales(out, facts);
    if (lastContact !== null) customerRow[customerRow.length - 1] = iso(lastContact);
    this.orders(out, facts);
    const assets = this.assets(out, facts);
    this.cases(out, facts, assets);

    if (this.earlier.length < REFERRAL_POOL) this.earlier.push(id);
    else this.earlier[Math.floor(rnd.next() * REFERRAL_POOL)] = id;
  }

  /**
   * The sales history of one customer: opportunities walking through the stages from their creation to
   * now (WON/LOST or still open), with a stage-change row and an audit entry per move; activities
   * between the customer's creation and now; maybe a task for the owner. Returns the last activity time.
   */
  private sales(out: Batch, customer: CustomerFacts): number | null {
    const { rnd } = this;
    const { now, volumes } = this.ctx;
    const span = Math.max(now - customer.createdMs, DAY);
    const audit = (entityType: string, entityId: string, action: string, atMs: number, changes: unknown[]) =>
      out.audit_event.push([this.id('audit_event'), entityType, entityId, customer.id, action, 'USER', customer.owner, iso(atMs), json(changes)]);
    audit('Customer', customer.id, 'CREATE', customer.createdMs, [{ field: 'ownerId', old: null, new: customer.owner }]);

    const deals: { id: string; fromMs: number; toMs: number }[] = [];
    const count = customer.individual ? (rnd.chance(0.2) ? 1 : 0) : uniformAround(rnd, 0, this.businessOpportunities);
    for (let k = 0; k < count; k++) {
      const id = this.id('opportunity');
      const createdMs = customer.createdMs + Math.floor(rnd.next() * span);
      let stage: OpportunityStage = rnd.chance(0.75) ? OpportunityStage.PROSPECTING : OpportunityStage.QUALIFICATION;
      let probability = STAGE_PROBABILITY[stage];
      const amount = customer.sector === Sector.ENTERPRISE ? `${rnd.int(20_000, 480_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`
        : customer.individual ? `${rnd.int(200, 4_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`
          : `${rnd.int(1_000, 60_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`;
      out.opportunity_stage_change.push([this.id('opportunity_stage_change'), id, customer.id, null, stage, probability, false, 'USER', customer.owner, iso(createdMs)]);
      audit('Opportunity', id, 'CREATE', createdMs, [{ field: 'amount', old: null, new: amount }, { field: 'stage', old: null, new: stage }]);
      let t = createdMs;
      let closedMs: number | null = null;
      for (;;) {
        t += rnd.int(3 * 3600, 30 * 86_400) * 1000 + rnd.int(0, 999);
        if (t >= now) break;
        const r = rnd.next();
        const position = OPEN_STAGES.indexOf(stage);
        const next: OpportunityStage | null = stage === OpportunityStage.NEGOTIATION ? (r < 0.5 ? OpportunityStage.WON : r < 0.75 ? OpportunityStage.LOST : null)
          : r < 0.55 ? OPEN_STAGES[position + 1] : r < 0.67 ? OpportunityStage.LOST : null;
        if (!next) continue;
        probability = STAGE_PROBABILITY[next];
        out.opportunity_stage_change.push([this.id('opportunity_stage_change'), id, customer.id, stage, next, probability, false, 'USER', customer.owner, iso(t)]);
        audit('Opportunity', id, 'UPDATE', t, [{ field: 'stage', old: stage, new: next }, { field: 'probability', old: STAGE_PROBABILITY[stage], new: probability }]);
        stage = next;
        if (stage === OpportunityStage.WON || stage === OpportunityStage.LOST) {
          closedMs = t;
          break;
        }
      }
      const expectedMs = closedMs ?? (rnd.chance(0.1) ? now - rnd.int(1, 45) * DAY : now + rnd.int(3, 180) * DAY);
      out.opportunity.push([
        id, customer.id, `${rnd.pick(DEALS)} ${new Date(createdMs).getUTCFullYear()}`, amount, rnd.chance(0.9) ? 'EUR' : 'USD', stage, probability,
        iso(expectedMs).slice(0, 10), customer.owner, arrayLiteral(rnd.chance(0.3) ? COMPETITORS.filter(() => rnd.chance(0.3)) : []),
        stage === OpportunityStage.LOST ? rnd.pick(LOST_REASONS) : null, closedMs === null ? null : iso(closedMs), iso(createdMs), iso(Math.min(t, now)),
      ]);
      deals.push({ id, fromMs: createdMs, toMs: closedMs ?? now });
    }

    let lastContact: number | null = null;
    // 1 % of business customers are busy accounts with ten times the activities (long timelines)
    const busy = !customer.individual && rnd.chance(0.01) ? 10 : 1;
    const activities = uniformAround(rnd, 0, customer.individual ? this.businessActivities / 2 : this.businessActivities * busy);
    for (let k = 0; k < activities; k++) {
      const at = customer.createdMs + Math.floor(rnd.next() * span);
      const type = rnd.chance(0.5) ? rnd.pick([ActivityType.CALL, ActivityType.EMAIL]) : rnd.pick(ACTIVITY_TYPES);
      const live = deals.filter((d) => d.fromMs <= at && at <= d.toMs);
      const timed = type === ActivityType.CALL || type === ActivityType.MEETING || type === ActivityType.VISIT;
      out.activity.push([
        this.id('activity'), customer.id, customer.contactIds.length && rnd.chance(0.7) ? rnd.pick(customer.contactIds) : null,
        live.length && rnd.chance(0.5) ? rnd.pick(live).id : null, type,
        type === ActivityType.NOTE ? null : rnd.chance(0.7) ? ActivityDirection.OUTBOUND : ActivityDirection.INBOUND,
        rnd.pick(SUBJECTS), rnd.chance(0.5) ? 'Discussed requirements, timeline and budget. Next step agreed.' : null,
        type === ActivityType.NOTE ? null : rnd.pick(OUTCOMES), timed ? rnd.pick([5, 10, 15, 30, 45, 60, 90]) : null,
        iso(at), customer.owner, iso(at), iso(at),
      ]);
      lastContact = Math.max(lastContact ?? 0, at);
    }

    if (rnd.int(1, 100) <= volumes.taskPercent) {
      const due = now + rnd.int(-30, 30) * DAY;
      const past = due < now;
      const status = past ? (rnd.chance(0.7) ? 'DONE' : rnd.chance(0.3) ? 'CANCELLED' : 'OPEN') : 'OPEN';
      const completed = status === 'OPEN' ? null : Math.min(now, due + rnd.int(-48, 24) * 3600_000);
      const open = deals.find((d) => d.toMs >= now);
      const created = Math.min(due, now) - rnd.int(1, 20) * DAY;
      out.task.push([
        this.id('task'), rnd.pick(TASK_TITLES), rnd.pick(TASK_TYPES), iso(due), rnd.chance(0.5) ? iso(due - DAY) : null, customer.owner, customer.owner,
        customer.id, open && rnd.chance(0.5) ? open.id : null, status, completed === null ? null : iso(completed), iso(created), iso(completed ?? created),
      ]);
    }
    return lastContact;
  }

  /**
   * Order history as bench:seed-orders makes it (the value metrics read it): EUR orders over the last
   * `months` months (not before the customer was created, not after it churned; a fifth of the customers
   * lapse part-way), 90 % COMPLETED, 5 % RETURNED 12 days later, 5 % CANCELLED; orders of the last week are
   * partly still PENDING, CONFIRMED or FULFILLED. 1–4 lines on the bench catalogue at list price, quantity
   * 1–3 × the customer's size, a 5 % discount on one line in five; totals add up as `pushOrder` computes them.
   */
  private orders(out: Batch, customer: CustomerFacts): void {
    const { rnd, ctx } = this;
    const { now, volumes, products } = ctx;
    const fromMs = Math.max(customer.createdMs, now - volumes.months * 30.44 * DAY);
    let toMs = customer.churnedMs ?? now;
    if (customer.churnedMs === null && rnd.chance(0.2)) toMs = fromMs + (toMs - fromMs) * (0.2 + 0.7 * rnd.next());
    const count = geometric(rnd, volumes.orders, 60);
    if (toMs <= fromMs || !products.length) return;
    const size = customer.sector === Sector.CONSUMER ? 1 : customer.sector === Sector.ENTERPRISE ? 2 + Math.floor(8 * rnd.next()) : 1 + Math.floor(2 * rnd.next());
    for (let k = 0; k < count; k++) {
      const id = this.id('sales_order');
      const at = Math.floor(fromMs + (toMs - fromMs) * rnd.next());
      const roll = rnd.next();
      let status = roll < 0.05 ? 'CANCELLED' : roll < 0.10 ? 'RETURNED' : 'COMPLETED';
      if (status === 'COMPLETED' && now - at < 7 * DAY && rnd.chance(0.5)) status = rnd.pick(['PENDING', 'CONFIRMED', 'FULFILLED']);
      const lines = 1 + Math.floor(4 * rnd.next());
      let subtotal = 0;
      let discountTotal = 0;
      for (let pos = 1; pos <= lines; pos++) {
        const product = rnd.pick(products);
        const quantity = (1 + Math.floor(3 * rnd.next())) * size;
        const gross = quantity * product.cents;
        const discount = rnd.chance(0.2) ? Math.round(gross * 5 / 100) : 0;
        subtotal += gross;
        discountTotal += discount;
        out.sales_order_line.push([this.id('sales_order_line'), id, pos, product.id, product.sku, quantity, cents(product.cents), cents(discount),
          cents(gross - discount), 'LIST']);
      }
      const completed = status === 'COMPLETED' || status === 'RETURNED';
      out.sales_order.push([id, customer.id, customer.id, `BS-${id.slice(4, 24)}`, rnd.pick(ORDER_CHANNELS), status, 'EUR', cents(subtotal), cents(discountTotal),
        cents(subtotal - discountTotal), ctx.adminId, iso(at - 2 * DAY), iso(Math.min(now, status === 'RETURNED' ? at + 12 * DAY : at)),
        completed ? iso(at) : null]);
    }
  }

  /** Serialised products the customer owns, each with a unique service tag (what an agent looks up); most with a warranty. */
  private assets(out: Batch, customer: CustomerFacts): { id: string; boughtMs: number }[] {
    const { rnd, ctx } = this;
    const count = ctx.serialProducts.length ? geometric(rnd, ctx.volumes.assets, 30) : 0;
    const made: { id: string; boughtMs: number }[] = [];
    for (let k = 0; k < count; k++) {
      const id = this.id('asset');
      const product = rnd.pick(ctx.serialProducts);
      const boughtMs = customer.createdMs + Math.floor((ctx.now - customer.createdMs) * rnd.next());
      const bought = new Date(boughtMs);
      const end = new Date(Date.UTC(bought.getUTCFullYear(), bought.getUTCMonth() + product.warrantyMonths, bought.getUTCDate()));
      out.asset.push([
        // The tag derives from the random id, so running the seeder again never collides on the unique tag.
        id, `SN-${id.slice(4, 16).toUpperCase()}`, product.id, customer.id, iso(boughtMs).slice(0, 10),
        product.warrantyMonths && rnd.chance(0.8) ? iso(end.getTime()).slice(0, 10) : null,
        !customer.individual && rnd.chance(0.3) ? json(customer.address) : null,
        rnd.chance(0.1) ? 'Installed by a partner' : null, ctx.adminId, iso(boughtMs + DAY), iso(boughtMs + DAY),
      ]);
      made.push({ id, boughtMs });
    }
    return made;
  }

  /**
   * Service cases over the customer's life: old ones CLOSED (a few only RESOLVED), recent ones at every
   * status; due dates from the SLA policy of their priority, responses and resolutions some before and some
   * after them; cases on an asset for the technical types; a queue each (the service agent manages the
   * first), assigned to the agent once past NEW. Closed and resolved cases have their survey (the API
   * creates one on RESOLVED), half of them answered; a customer's answers lean one way (40 % promoters, 35 % passives, 25 % detractors).
   */
  private cases(out: Batch, customer: CustomerFacts, assets: { id: string; boughtMs: number }[]): void {
    const { rnd, ctx } = this;
    const { now } = ctx;
    const count = geometric(rnd, ctx.volumes.cases, 40);
    if (!count) return;
    const lean = rnd.next();
    for (let k = 0; k < count; k++) {
      const id = this.id('service_case');
      const openedMs = customer.createdMs + Math.floor((now - customer.createdMs) * rnd.next());
      const ageDays = (now - openedMs) / DAY;
      const type = rnd.pick(CASE_TYPES);
      const priority = rnd.pick(PRIORITIES);
      const sla = ctx.sla[priority];
      const firstDue = openedMs + sla.first * 60_000;
      const resolutionDue = openedMs + sla.resolution * 60_000;
      const s = rnd.next();
      const status = ageDays > 30 ? (s < 0.85 ? 'CLOSED' : s < 0.97 ? 'RESOLVED' : 'WAITING_ON_CUSTOMER')
        : s < 0.15 ? 'NEW' : s < 0.35 ? 'ASSIGNED' : s < 0.6 ? 'IN_PROGRESS' : s < 0.7 ? 'WAITING_ON_CUSTOMER' : s < 0.9 ? 'RESOLVED' : 'CLOSED';
      // Responded within 0.2–1.5 × the target: some late.
      const respondedMs = status === 'NEW' ? null : Math.min(now, openedMs + Math.floor(sla.first * 60_000 * (0.2 + 1.3 * rnd.next())));
      const resolvedMs = status === 'RESOLVED' || status === 'CLOSED'
        ? Math.min(now, Math.max(respondedMs ?? openedMs, openedMs + Math.floor(sla.resolution * 60_000 * (0.2 + 1.3 * rnd.next())))) : null;
      const closedMs = status === 'CLOSED' ? Math.min(now, (resolvedMs ?? openedMs) + Math.floor(7 * DAY * rnd.next())) : null;
      const asset = ASSET_CASE_TYPES.has(type) ? assets.filter((a) => a.boughtMs <= openedMs) : [];
      const queue = ctx.queues.length ? rnd.pick(ctx.queues) : null;
      out.service_case.push([
        id, null, type, rnd.pick(CASE_CHANNELS), priority, status, rnd.pick(CASE_SUBJECTS[type]), rnd.pick(CASE_DESCRIPTIONS), customer.id,
        customer.contactIds.length && rnd.chance(0.7) ? rnd.pick(customer.contactIds) : null,
        asset.length && rnd.chance(0.8) ? rnd.pick(asset).id : null,
        queue, status === 'NEW' ? null : ctx.agentId, rnd.chance(0.5) ? ctx.agentId : ctx.adminId,
        iso(firstDue), iso(resolutionDue), respondedMs === null ? null : iso(respondedMs),
        resolvedMs === null ? null : iso(resolvedMs), closedMs === null ? null : iso(closedMs),
        iso(openedMs), iso(Math.max(openedMs, closedMs ?? resolvedMs ?? respondedMs ?? openedMs)),
      ]);
      // As the API does: every case that reaches RESOLVED gets its survey; about half are answered.
      if (resolvedMs !== null) {
        const submitted = rnd.chance(0.5);
        const u = rnd.next();
        const nps = lean < 0.4 ? 8 + Math.floor(3 * u) : lean < 0.75 ? 6 + Math.floor(4 * u) : Math.floor(7 * u);
        const tone = Math.min(0.999, Math.max(0, (1 - lean) * 0.7 + 0.5 * rnd.next() - 0.1));
        const sentMs = resolvedMs;
        const answeredMs = Math.min(now, sentMs + Math.floor(3 * DAY * rnd.next()));
        out.survey.push([this.id('survey'), id, customer.id, randomUUID().replace(/-/g, ''), submitted ? 1 + Math.min(4, Math.floor(tone * 5)) : null,
          submitted ? nps : null, iso(sentMs), submitted ? iso(answeredMs) : null]);
      }
    }
  }
}

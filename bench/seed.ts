import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Pool, type PoolClient } from 'pg';
import { loadConfig } from '../src/config';
import { migrate, openDatabase, type Database } from '../src/db/orm';
import { prng, seedDemo } from '../src/db/seed';
import {
  ActivityDirection, ActivityType, BuyingRole, ChannelType, ChurnReason, ContactChannel, CreditRating, CustomerSource, LostReason, OPEN_STAGES,
  OpportunityStage, STAGE_PROBABILITY, Sector, TaskType, Tier,
} from '../src/entities/enums';
import { newId } from '../src/entities/ids';
import { intArg, parseArgs } from './args';

/**
 * Bulk data for benchmarks: `npm run bench:seed -- --customers 100000 [--contacts-per-customer 5]
 * [--activities-per-customer 8] [--opportunities-per-customer 2] [--task-percent 20] [--batch 1000]
 * [--seed 1]`. Opens the database the way the app does (PostgreSQL when DATABASE_URL is set, else the
 * embedded database in DATA_DIR), applies migrations, makes sure the demo users exist, then adds
 * customers (with 1..N contacts each and some external references) and their sales history
 * (opportunities with stage history, activities, tasks, and the audit entries the API would have
 * written: customer and deal creation, stage changes) in parameterised multi-row INSERTs, one
 * transaction per batch of customers. Running it again adds more rows: ids are random and external
 * references derive from them, so no unique constraint can be hit.
 */

const USAGE = `Usage: npm run bench:seed -- [--customers N] [--contacts-per-customer MAX] [--activities-per-customer MAX]
    [--opportunities-per-customer MAX] [--task-percent P] [--batch ROWS] [--seed N]
  --customers                   customers to add (default 10000)
  --contacts-per-customer       each business customer gets 1..MAX contacts, random (default 5; individuals get 1)
  --activities-per-customer     each customer gets 0..MAX activities, random (default 8; individuals up to MAX/2)
  --opportunities-per-customer  each business customer gets 0..MAX opportunities with stage history (default 2; individuals 0 or 1)
  --task-percent                this % of customers get a task for their owner (default 20)
  --batch                       customers per transaction / multi-row INSERT (default 1000, at most 2114)
  --seed                        PRNG seed for the generated values (default: random)`;

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

// --------------------------------------------------------------------------------------- columns

/** A column and the cast its parameter gets (explicit casts keep multi-row VALUES typed on both drivers). */
type Column = [name: string, cast: string];

const CUSTOMER_COLUMNS: Column[] = [
  ['id', 'text'], ['name', 'text'], ['kind', 'text'], ['sector', 'text'], ['tier', 'text'], ['vip', 'boolean'], ['industry', 'text'],
  ['employee_count', 'int'], ['annual_revenue', 'numeric'], ['website', 'text'], ['phones', 'jsonb'], ['emails', 'jsonb'],
  ['addresses', 'jsonb'], ['owner_id', 'text'], ['source', 'text'], ['referred_by_id', 'text'], ['status', 'text'],
  ['churn_reason', 'text'], ['churn_note', 'text'], ['is_partner', 'boolean'], ['channel_type', 'text'], ['tags', 'text[]'],
  ['custom_attributes', 'jsonb'], ['marketing_consent', 'boolean'], ['consent_at', 'timestamptz'], ['consent_source', 'text'],
  ['credit_rating', 'text'], ['credit_limit', 'numeric'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ['last_contacted_at', 'timestamptz'],
];
const CONTACT_COLUMNS: Column[] = [
  ['id', 'text'], ['customer_id', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['title', 'text'], ['department', 'text'],
  ['phones', 'jsonb'], ['emails', 'jsonb'], ['addresses', 'jsonb'], ['buying_role', 'text'], ['preferred_channel', 'text'],
  ['marketing_consent', 'boolean'], ['consent_at', 'timestamptz'], ['consent_source', 'text'], ['"primary"', 'boolean'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];
const REF_COLUMNS: Column[] = [['id', 'text'], ['customer_id', 'text'], ['system', 'text'], ['ref', 'text']];
const OPPORTUNITY_COLUMNS: Column[] = [
  ['id', 'text'], ['customer_id', 'text'], ['name', 'text'], ['amount', 'numeric'], ['currency', 'text'], ['stage', 'text'], ['probability', 'int'],
  ['expected_close_date', 'date'], ['owner_id', 'text'], ['competitors', 'text[]'], ['lost_reason', 'text'], ['closed_at', 'timestamptz'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];
const STAGE_CHANGE_COLUMNS: Column[] = [
  ['id', 'text'], ['opportunity_id', 'text'], ['customer_id', 'text'], ['from_stage', 'text'], ['to_stage', 'text'], ['probability', 'int'],
  ['reopened', 'boolean'], ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'],
];
const AUDIT_COLUMNS: Column[] = [
  ['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'], ['actor_type', 'text'],
  ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb'],
];
const ACTIVITY_COLUMNS: Column[] = [
  ['id', 'text'], ['customer_id', 'text'], ['contact_id', 'text'], ['opportunity_id', 'text'], ['type', 'text'], ['direction', 'text'],
  ['subject', 'text'], ['body', 'text'], ['outcome', 'text'], ['duration_minutes', 'int'], ['occurred_at', 'timestamptz'],
  ['performed_by_id', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];
const TASK_COLUMNS: Column[] = [
  ['id', 'text'], ['title', 'text'], ['type', 'text'], ['due_at', 'timestamptz'], ['remind_at', 'timestamptz'], ['assignee_id', 'text'],
  ['assigned_by_id', 'text'], ['customer_id', 'text'], ['opportunity_id', 'text'], ['status', 'text'], ['completed_at', 'timestamptz'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];

type Value = string | number | boolean | null;
type Row = Value[];

/** PostgreSQL allows 65,535 parameters per statement. */
const MAX_PARAMS = 65_535;

// ---------------------------------------------------------------------------------- generation

interface Owners { rep1: string; rep2: string; manager: string }

type Rnd = ReturnType<typeof prng>;

const slugOf = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '');
const iso = (ms: number) => new Date(ms).toISOString();
const json = (value: unknown) => JSON.stringify(value);
const textArray = (items: string[]) => `{${items.join(',')}}`;
const digits = (rnd: Rnd, n: number) => Array.from({ length: n }, () => rnd.int(0, 9)).join('');

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

/** How much sales history each customer gets. */
interface SalesShape { activities: number; opportunities: number; taskPercent: number; now: number }

interface Generated {
  customers: Row[]; contacts: Row[]; refs: Row[];
  opportunities: Row[]; stageChanges: Row[]; audits: Row[]; activities: Row[]; tasks: Row[];
}

const DAY = 86_400_000;
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

/**
 * The sales history of one customer: opportunities walking through the stages from their creation to
 * now (WON/LOST or still open), with a stage-change row and an audit entry per move; activities
 * between the customer's creation and now; maybe a task for the owner. Returns the last activity time.
 */
function generateSales(rnd: Rnd, out: Generated, shape: SalesShape, customer: { id: string; owner: string; individual: boolean; sector: Sector;
  createdMs: number; contactIds: string[] }): number | null {
  const { now } = shape;
  const span = Math.max(now - customer.createdMs, DAY);
  const audit = (entityType: string, entityId: string, action: string, atMs: number, changes: unknown[]) =>
    out.audits.push([newId('AuditEvent'), entityType, entityId, customer.id, action, 'USER', customer.owner, iso(atMs), json(changes)]);
  audit('Customer', customer.id, 'CREATE', customer.createdMs, [{ field: 'ownerId', old: null, new: customer.owner }]);

  const deals: { id: string; fromMs: number; toMs: number }[] = [];
  const count = customer.individual ? (rnd.chance(0.2) ? 1 : 0) : rnd.int(0, shape.opportunities);
  for (let k = 0; k < count; k++) {
    const id = newId('Opportunity');
    const createdMs = customer.createdMs + Math.floor(rnd.next() * span);
    let stage: OpportunityStage = rnd.chance(0.75) ? OpportunityStage.PROSPECTING : OpportunityStage.QUALIFICATION;
    let probability = STAGE_PROBABILITY[stage];
    const amount = customer.sector === Sector.ENTERPRISE ? `${rnd.int(20_000, 480_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`
      : customer.individual ? `${rnd.int(200, 4_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`
        : `${rnd.int(1_000, 60_000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`;
    out.stageChanges.push([newId('OpportunityStageChange'), id, customer.id, null, stage, probability, false, 'USER', customer.owner, iso(createdMs)]);
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
      out.stageChanges.push([newId('OpportunityStageChange'), id, customer.id, stage, next, probability, false, 'USER', customer.owner, iso(t)]);
      audit('Opportunity', id, 'UPDATE', t, [{ field: 'stage', old: stage, new: next }, { field: 'probability', old: STAGE_PROBABILITY[stage], new: probability }]);
      stage = next;
      if (stage === OpportunityStage.WON || stage === OpportunityStage.LOST) {
        closedMs = t;
        break;
      }
    }
    const expectedMs = closedMs ?? (rnd.chance(0.1) ? now - rnd.int(1, 45) * DAY : now + rnd.int(3, 180) * DAY);
    out.opportunities.push([
      id, customer.id, `${rnd.pick(DEALS)} ${new Date(createdMs).getUTCFullYear()}`, amount, rnd.chance(0.9) ? 'EUR' : 'USD', stage, probability,
      iso(expectedMs).slice(0, 10), customer.owner, textArray(rnd.chance(0.3) ? COMPETITORS.filter(() => rnd.chance(0.3)) : []),
      stage === OpportunityStage.LOST ? rnd.pick(LOST_REASONS) : null, closedMs === null ? null : iso(closedMs), iso(createdMs), iso(Math.min(t, now)),
    ]);
    deals.push({ id, fromMs: createdMs, toMs: closedMs ?? now });
  }

  let lastContact: number | null = null;
  // 1 % of business customers are busy accounts with ten times the activities (long timelines)
  const busy = !customer.individual && rnd.chance(0.01) ? 10 : 1;
  const activities = rnd.int(0, customer.individual ? Math.floor(shape.activities / 2) : shape.activities * busy);
  for (let k = 0; k < activities; k++) {
    const at = customer.createdMs + Math.floor(rnd.next() * span);
    const type = rnd.chance(0.5) ? rnd.pick([ActivityType.CALL, ActivityType.EMAIL]) : rnd.pick(ACTIVITY_TYPES);
    const live = deals.filter((d) => d.fromMs <= at && at <= d.toMs);
    const timed = type === ActivityType.CALL || type === ActivityType.MEETING || type === ActivityType.VISIT;
    out.activities.push([
      newId('Activity'), customer.id, customer.contactIds.length && rnd.chance(0.7) ? rnd.pick(customer.contactIds) : null,
      live.length && rnd.chance(0.5) ? rnd.pick(live).id : null, type,
      type === ActivityType.NOTE ? null : rnd.chance(0.7) ? ActivityDirection.OUTBOUND : ActivityDirection.INBOUND,
      rnd.pick(SUBJECTS), rnd.chance(0.5) ? 'Discussed requirements, timeline and budget. Next step agreed.' : null,
      type === ActivityType.NOTE ? null : rnd.pick(OUTCOMES), timed ? rnd.pick([5, 10, 15, 30, 45, 60, 90]) : null,
      iso(at), customer.owner, iso(at), iso(at),
    ]);
    lastContact = Math.max(lastContact ?? 0, at);
  }

  if (rnd.int(1, 100) <= shape.taskPercent) {
    const due = now + rnd.int(-30, 30) * DAY;
    const past = due < now;
    const status = past ? (rnd.chance(0.7) ? 'DONE' : rnd.chance(0.3) ? 'CANCELLED' : 'OPEN') : 'OPEN';
    const completed = status === 'OPEN' ? null : Math.min(now, due + rnd.int(-48, 24) * 3600_000);
    const open = deals.find((d) => d.toMs >= now);
    const created = Math.min(due, now) - rnd.int(1, 20) * DAY;
    out.tasks.push([
      newId('Task'), rnd.pick(TASK_TITLES), rnd.pick(TASK_TYPES), iso(due), rnd.chance(0.5) ? iso(due - DAY) : null, customer.owner, customer.owner,
      customer.id, open && rnd.chance(0.5) ? open.id : null, status, completed === null ? null : iso(completed), iso(created), iso(completed ?? created),
    ]);
  }
  return lastContact;
}

/**
 * One batch of customers with their contacts. Every enum value occurs; the combinations respect the
 * schema's checks and the API's business rules (INDIVIDUAL → CONSUMER, ENTERPRISE → 400+ employees,
 * VIP → KEY, CHURNED ⇔ churnReason, channelType only for partners).
 */
function generateBatch(rnd: Rnd, n: number, maxContacts: number, owners: Owners, timeAt: (i: number) => number, start: number, earlier: string[],
  shape: SalesShape): Generated {
  const out: Generated = { customers: [], contacts: [], refs: [], opportunities: [], stageChanges: [], audits: [], activities: [], tasks: [] };
  for (let b = 0; b < n; b++) {
    const i = start + b;
    const id = newId('Customer');
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
    const createdMs = timeAt(i);
    const updatedMs = rnd.chance(0.6) ? createdMs + rnd.int(1_000, 200 * 86_400_000) : createdMs;
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
    const addresses = [address(rnd, individual ? 'home' : 'head office', city)];
    if (!individual && rnd.chance(0.2)) addresses.push(address(rnd, 'shipping', rnd.pick(CITIES)));

    out.customers.push([
      id, name, individual ? 'INDIVIDUAL' : 'BUSINESS', sector, tier, tier === Tier.KEY && rnd.chance(0.3),
      individual ? null : rnd.chance(0.9) ? rnd.pick(INDUSTRIES) : null,
      employees,
      individual || rnd.chance(0.1) ? null : revenue(rnd, employees),
      individual ? null : `https://www.${domain.replace('.example', '')}.example`,
      json(phones), json(emails), json(addresses),
      ownerRoll < 0.45 ? owners.rep1 : ownerRoll < 0.9 ? owners.rep2 : owners.manager,
      rnd.chance(0.9) ? rnd.pick(SOURCES) : null,
      earlier.length && rnd.chance(0.05) ? rnd.pick(earlier) : null,
      status,
      status === 'CHURNED' ? rnd.pick(CHURN) : null,
      status === 'CHURNED' && rnd.chance(0.3) ? 'Noted in the exit call.' : null,
      isPartner,
      isPartner ? rnd.pick(CHANNELS) : null,
      textArray(TAGS.filter(() => rnd.chance(0.12))),
      json(attributes),
      consent, consent ? iso(createdMs) : null, consent ? rnd.pick(['web form', 'trade show', 'phone call', 'import']) : null,
      individual ? null : rnd.pick(RATINGS),
      individual ? null : `${rnd.int(1, 900)}000.00`,
      iso(createdMs), iso(updatedMs),
      null, // last_contacted_at: set below from the activities
    ]);
    const customerRow = out.customers[out.customers.length - 1];
    const contactIds: string[] = [];

    const contacts = individual ? 1 : rnd.int(1, maxContacts);
    for (let j = 0; j < contacts; j++) {
      const cf = individual ? first : rnd.pick(FIRST);
      const cl = individual ? last : rnd.pick(LAST);
      const at = createdMs + j * 1000 + rnd.int(0, 999);
      const contactConsent = rnd.chance(0.5);
      const contactPhones = [{ label: 'mobile', number: `${city[2]} 1${digits(rnd, 8)}` }];
      if (!individual && rnd.chance(0.4)) contactPhones.push({ label: 'work', number: `${city[2]} ${digits(rnd, 7)}` });
      const contactId = newId('Contact');
      contactIds.push(contactId);
      out.contacts.push([
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
      out.refs.push([newId('CustomerExternalRef'), id, rnd.pick(ERP), `${id.slice(4, 12).toUpperCase()}-${id.slice(12)}`]);
    }
    const owner = customerRow[13] as string;
    const lastContact = generateSales(rnd, out, shape, { id, owner, individual, sector, createdMs, contactIds });
    if (lastContact !== null) customerRow[customerRow.length - 1] = iso(lastContact);
    earlier.push(id);
  }
  return out;
}

// ------------------------------------------------------------------------------------ inserting

/** Runs statements of one batch in one transaction: `pg` (real bind parameters) or the ORM's connection. */
interface Writer {
  transaction(fn: (exec: (text: string, params: Value[]) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

function insertSql(table: string, columns: Column[], rows: number, placeholder: (n: number) => string): string {
  let n = 0;
  const tuple = () => `(${columns.map(([, cast]) => `${placeholder(++n)}::${cast}`).join(', ')})`;
  return `insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
}

async function insertRows(exec: (text: string, params: Value[]) => Promise<void>, placeholder: (n: number) => string,
  table: string, columns: Column[], rows: Row[], chunk: number) {
  const size = Math.min(chunk, Math.floor(MAX_PARAMS / columns.length));
  for (let at = 0; at < rows.length; at += size) {
    const part = rows.slice(at, at + size);
    await exec(insertSql(table, columns, part.length, placeholder), part.flat());
  }
}

function pgWriter(url: string): Writer {
  const pool = new Pool({ connectionString: url, max: 1 });
  return {
    async transaction(fn) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query('begin');
        await fn(async (text, params) => {
          await client.query(text, params);
        });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function ormWriter(db: Database): Writer {
  return {
    async transaction(fn) {
      await db.orm.em.fork().transactional(async (tx) => {
        await fn(async (text, params) => {
          await (tx as EntityManager).execute(text, params, 'run');
        });
      });
    },
    close: async () => undefined,
  };
}

// ----------------------------------------------------------------------------------------- main

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const args = parseArgs(process.argv.slice(2),
    ['customers', 'contacts-per-customer', 'activities-per-customer', 'opportunities-per-customer', 'task-percent', 'batch', 'seed'], USAGE);
  const total = intArg(args, 'customers', 10_000, 1, 100_000_000, USAGE);
  const maxContacts = intArg(args, 'contacts-per-customer', 5, 1, 50, USAGE);
  const maxActivities = intArg(args, 'activities-per-customer', 8, 0, 500, USAGE);
  const maxOpportunities = intArg(args, 'opportunities-per-customer', 2, 0, 50, USAGE);
  const taskPercent = intArg(args, 'task-percent', 20, 0, 100, USAGE);
  const batch = intArg(args, 'batch', 1000, 1, Math.floor(MAX_PARAMS / CUSTOMER_COLUMNS.length), USAGE);
  const seed = intArg(args, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31, USAGE);

  const config = loadConfig();
  const db = await openDatabase(config);
  const pgUrl = db.kind === 'postgresql' ? config.DATABASE_URL! : null;
  const writer = pgUrl ? pgWriter(pgUrl) : ormWriter(db);
  const placeholder = pgUrl ? (n: number) => `$${n}` : () => '?';
  try {
    const applied = await migrate(db.orm);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    if (await seedDemo(db.orm.em.fork() as unknown as EntityManager, { customers: 0 })) console.log('demo users created (*@demo.crm, password demo1234)');
    const users = await db.orm.em.fork().getConnection().execute<{ id: string; email: string }[]>(
      `select id, email from app_user where email in ('rep1@demo.crm', 'rep2@demo.crm', 'manager@demo.crm')`,
    );
    const idOf = (email: string) => {
      const found = users.find((u) => u.email === email);
      if (!found) throw new Error(`Demo user ${email} is missing: this database has a different admin set-up.`);
      return found.id;
    };
    const owners: Owners = { rep1: idOf('rep1@demo.crm'), rep2: idOf('rep2@demo.crm'), manager: idOf('manager@demo.crm') };

    console.log(`seeding ${fmt(total)} customers (1..${maxContacts} contacts, 0..${maxActivities} activities, 0..${maxOpportunities} opportunities each, ` +
      `a task for ${taskPercent} %) into ${db.kind === 'postgresql' ? 'PostgreSQL' : 'the embedded database'}, ${fmt(batch)} per transaction, seed ${seed}`);
    const rnd = prng(seed);
    // Creation times spread over the last three years, oldest first, millisecond precision.
    const now = Date.now();
    const shape: SalesShape = { activities: maxActivities, opportunities: maxOpportunities, taskPercent, now };
    const span = 3 * 365 * 86_400_000;
    const step = span / total;
    const timeAt = (i: number) => Math.floor(now - span + i * step + rnd.next() * step);
    const earlier: string[] = [];
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    let customers = 0;
    let contacts = 0;
    let refs = 0;
    const sales = { opportunities: 0, stageChanges: 0, audits: 0, activities: 0, tasks: 0 };
    const salesRows = () => sales.opportunities + sales.stageChanges + sales.audits + sales.activities + sales.tasks;
    let lastReport = 0;
    for (let start = 0; start < total; start += batch) {
      const n = Math.min(batch, total - start);
      const rows = generateBatch(rnd, n, maxContacts, owners, timeAt, start, earlier, shape);
      await writer.transaction(async (exec) => {
        await insertRows(exec, placeholder, 'customer', CUSTOMER_COLUMNS, rows.customers, batch);
        await insertRows(exec, placeholder, 'contact', CONTACT_COLUMNS, rows.contacts, 1000);
        if (rows.refs.length) await insertRows(exec, placeholder, 'customer_external_ref', REF_COLUMNS, rows.refs, 1000);
        // deals before what points at them (stage changes, activities, tasks)
        if (rows.opportunities.length) await insertRows(exec, placeholder, 'opportunity', OPPORTUNITY_COLUMNS, rows.opportunities, 1000);
        if (rows.stageChanges.length) await insertRows(exec, placeholder, 'opportunity_stage_change', STAGE_CHANGE_COLUMNS, rows.stageChanges, 1000);
        if (rows.audits.length) await insertRows(exec, placeholder, 'audit_event', AUDIT_COLUMNS, rows.audits, 1000);
        if (rows.activities.length) await insertRows(exec, placeholder, 'activity', ACTIVITY_COLUMNS, rows.activities, 1000);
        if (rows.tasks.length) await insertRows(exec, placeholder, 'task', TASK_COLUMNS, rows.tasks, 1000);
      });
      customers += rows.customers.length;
      contacts += rows.contacts.length;
      refs += rows.refs.length;
      sales.opportunities += rows.opportunities.length;
      sales.stageChanges += rows.stageChanges.length;
      sales.audits += rows.audits.length;
      sales.activities += rows.activities.length;
      sales.tasks += rows.tasks.length;
      const t = elapsed();
      if (t - lastReport >= 2 || customers === total) {
        lastReport = t;
        const done = customers + contacts + refs + salesRows();
        console.log(`  ${fmt(customers)}/${fmt(total)} customers, ${fmt(contacts)} contacts, ${fmt(refs)} refs, ${fmt(sales.opportunities)} opportunities ` +
          `(${fmt(sales.stageChanges)} stage changes), ${fmt(sales.activities)} activities, ${fmt(sales.tasks)} tasks, ${fmt(sales.audits)} audit entries — ` +
          `${fmt(done)} rows in ${t.toFixed(1)} s (${fmt(done / t)} rows/s, ${fmt(customers / t)} customers/s)`);
      }
    }
    const insertSeconds = elapsed();
    const rowsDone = customers + contacts + refs + salesRows();
    // Fresh statistics so the planner sees the new sizes right away (autovacuum would take a while).
    const analyzeStart = process.hrtime.bigint();
    for (const table of ['customer', 'contact', 'customer_external_ref', 'opportunity', 'opportunity_stage_change', 'audit_event', 'activity', 'task']) {
      await db.orm.em.fork().getConnection().execute(`analyze ${table}`);
    }
    const analyzeSeconds = Number(process.hrtime.bigint() - analyzeStart) / 1e9;
    const [counts] = await db.orm.em.fork().getConnection().execute<{ customers: number; contacts: number; opportunities: number; activities: number; tasks: number }[]>(
      `select (select count(*)::int from customer) as customers, (select count(*)::int from contact) as contacts,
        (select count(*)::int from opportunity) as opportunities, (select count(*)::int from activity) as activities, (select count(*)::int from task) as tasks`,
    );
    console.log(`done: ${fmt(customers)} customers + ${fmt(contacts)} contacts + ${fmt(refs)} external refs + ${fmt(sales.opportunities)} opportunities ` +
      `+ ${fmt(sales.stageChanges)} stage changes + ${fmt(sales.activities)} activities + ${fmt(sales.tasks)} tasks + ${fmt(sales.audits)} audit entries ` +
      `= ${fmt(rowsDone)} rows in ${insertSeconds.toFixed(1)} s (${fmt(rowsDone / insertSeconds)} rows/s, ${fmt(customers / insertSeconds)} customers/s); ` +
      `analyze ${analyzeSeconds.toFixed(1)} s`);
    console.log(`database now holds ${fmt(counts.customers)} customers, ${fmt(counts.contacts)} contacts, ${fmt(counts.opportunities)} opportunities, ` +
      `${fmt(counts.activities)} activities and ${fmt(counts.tasks)} tasks`);
  } finally {
    await writer.close();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ActivityDirection, ActivityType, CampaignChannel, CampaignStatus, LeadSource, LeadStatus, LostReason, OPEN_STAGES, OpportunityStage,
  STAGE_PROBABILITY, TaskStatus, TaskType,
} from '../entities/enums';
import { newId } from '../entities/ids';
import type { prng } from './prng';
import { insertRows, type Value } from './seed-sql';

/**
 * The demo's sales pipeline, on top of the demo users and customers (`seedDemo(em, { sales: true })`,
 * which `npm start` and `npm run seed` use; the tests do not): campaigns, leads (some converted into
 * customers with a deal), a year of opportunities moving through the stages with their stage history,
 * activities on the customers (and `customer.last_contacted_at` from them), and tasks for the sales
 * users, some overdue and one each with a reminder due (and due later today).
 *
 * The demo customers are created in the last few days (one per hour), as if imported from an older
 * system: their deals and interactions go back up to a year. The sales users' start dates
 * (`app_user.created_at`) are moved back accordingly so "days to first win" means something.
 *
 * Deterministic: the values come from the PRNG passed in (ids are random, as everywhere); dates are
 * relative to `now`. Plain SQL, multi-row INSERTs in batches, inside the caller's transaction.
 */

type Rnd = ReturnType<typeof prng>;

const DAY = 86_400_000;

export interface SalesSeedCounts {
  campaigns: number;
  leads: number;
  opportunities: number;
  stageChanges: number;
  activities: number;
  tasks: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoDate = (ms: number) => iso(ms).slice(0, 10);
const money = (rnd: Rnd, min: number, max: number) => `${rnd.int(min, max)}.${String(rnd.int(0, 99)).padStart(2, '0')}`;
const pgArray = (items: string[]) => `{${items.map((i) => `"${i}"`).join(',')}}`;

// ------------------------------------------------------------------------------------------ pools

const CAMPAIGNS: { name: string; channel: CampaignChannel; budget: string | null; startDays: number; days: number; goal: string }[] = [
  { name: 'Spring trade show', channel: CampaignChannel.EVENT, budget: '25000.00', startDays: -300, days: 4, goal: '120 qualified leads from the booth' },
  { name: 'Back-to-school laptops', channel: CampaignChannel.EMAIL, budget: '8000.00', startDays: -200, days: 45, goal: '40 education deals' },
  { name: 'SMB webinar series', channel: CampaignChannel.WEB, budget: '3500.00', startDays: -120, days: 60, goal: '300 registrations, 30 demos' },
  { name: 'Partner co-marketing Q3', channel: CampaignChannel.PARTNER, budget: '15000.00', startDays: -90, days: 90, goal: 'Joint pipeline of 500k EUR' },
  { name: 'Year-end renewal push', channel: CampaignChannel.TELEMARKETING, budget: '6000.00', startDays: -20, days: 50, goal: 'Renew 80 % of expiring contracts' },
  { name: 'New product launch', channel: CampaignChannel.SOCIAL, budget: null, startDays: 30, days: 60, goal: 'Awareness; budget to be approved' },
];

const DEALS = ['laptop refresh', 'store roll-out', 'support contract', 'fleet renewal', 'office refit', 'server upgrade', 'POS terminals',
  'training package', 'cloud migration', 'printer fleet', 'warranty extension', 'network upgrade', 'tablet pilot', 'managed services'];
const COMPETITORS = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Stark Supplies', 'Wayne Systems'];
const SUBJECTS: Record<ActivityType, string[]> = {
  CALL: ['Discovery call', 'Follow-up call', 'Pricing questions', 'Check-in call', 'Delivery status'],
  EMAIL: ['Sent the proposal', 'Answered questions on the quote', 'Sent product sheet', 'Meeting recap'],
  VISIT: ['Site visit', 'On-site demo', 'Store walk-through'],
  MEETING: ['Kick-off meeting', 'Negotiation meeting', 'Quarterly review', 'Executive sponsor meeting'],
  FAX: ['Signed order form received'],
  LETTER: ['Contract renewal letter'],
  WEB: ['Filled in the contact form', 'Downloaded the whitepaper'],
  CHAT: ['Chat about delivery times', 'Chat about a spare part'],
  SMS: ['Appointment confirmation'],
  NOTE: ['Internal note: budget approved', 'Internal note: decision in Q2', 'Internal note: new buyer'],
};
const OUTCOMES = ['Interested', 'Needs a quote', 'Call back next week', 'No answer', 'Decision pending', 'Positive', null];
/** Escalation notices come from the SLA job only. */
const TASK_TITLES: Record<Exclude<TaskType, TaskType.ESCALATION>, string[]> = {
  CALL: ['Call back about the quote', 'Call the new purchasing manager'],
  VISIT: ['Visit the head office', 'Bring demo devices'],
  MEETING: ['Prepare the quarterly review', 'Negotiation meeting'],
  EMAIL: ['Send the revised proposal', 'Send the reference list'],
  FOLLOW_UP: ['Follow up on the trial', 'Follow up after the trade show'],
  COLLECTION: ['Chase the overdue invoice'],
  OTHER: ['Update the account plan'],
};
const LEAD_FIRST = ['Alice', 'Bruno', 'Carla', 'Dev', 'Elena', 'Finn', 'Gita', 'Hugo', 'Isla', 'Jon', 'Kira', 'Luca', 'Mona', 'Nils', 'Olga', 'Piet'];
const LEAD_LAST = ['Arnold', 'Baker', 'Conti', 'Dahl', 'Engel', 'Falk', 'Greco', 'Holm', 'Iversen', 'Jansen', 'Kraus', 'Lund', 'Maier', 'Nagy'];
const LEAD_COMPANIES = ['Brightside Dental', 'Copperleaf Hotels', 'Dune Outdoor', 'Everlake School', 'Fjord Freight', 'Glasshouse Media',
  'Hilltop Bakeries', 'Indigo Optics', 'Juno Robotics', 'Kite Logistics', 'Linden Clinic', 'Mosaic Retail'];
const DISQUALIFIED = ['No budget this year', 'Student project, not a buyer', 'Duplicate of an existing customer', 'Outside our delivery area'];

// ------------------------------------------------------------------------------------------- main

interface CustomerRow { id: string; owner_id: string; kind: string; sector: string; created_at: string | Date }
interface ContactRow { id: string; customer_id: string; first_name: string; last_name: string; emails: unknown }
interface Opp {
  id: string; customerId: string; ownerId: string; stage: OpportunityStage; createdMs: number; closedMs: number | null;
}

/** Adds the sales pipeline; returns what it inserted. */
export async function seedSales(em: EntityManager, rnd: Rnd, now = Date.now()): Promise<SalesSeedCounts> {
  const users = await em.execute<{ id: string; email: string }[]>(`select id, email from app_user where email like '%@demo.crm'`);
  const userId = (email: string) => {
    const found = users.find((u) => u.email === email);
    if (!found) throw new Error(`Demo user ${email} is missing.`);
    return found.id;
  };
  const manager = userId('manager@demo.crm');
  const rep1 = userId('rep1@demo.crm');
  const rep2 = userId('rep2@demo.crm');
  const marketing = userId('marketing@demo.crm');
  const customers = await em.execute<CustomerRow[]>(
    `select id, owner_id, kind, sector, created_at from customer where deleted_at is null order by created_at, id`);
  const contacts = await em.execute<ContactRow[]>(
    `select id, customer_id, first_name, last_name, emails from contact where deleted_at is null order by customer_id, "primary" desc, created_at, id`);
  const contactsOf = new Map<string, ContactRow[]>();
  for (const c of contacts) contactsOf.set(c.customer_id, [...(contactsOf.get(c.customer_id) ?? []), c]);

  // Start dates of the sales team: the manager three years ago, rep1 fourteen months, rep2 nine months.
  await em.execute(`update app_user set created_at = ?::timestamptz where id = ?`, [iso(now - 3 * 365 * DAY), manager], 'run');
  await em.execute(`update app_user set created_at = ?::timestamptz where id = ?`, [iso(now - 425 * DAY), rep1], 'run');
  await em.execute(`update app_user set created_at = ?::timestamptz where id = ?`, [iso(now - 270 * DAY), rep2], 'run');
  const startOf = new Map([[manager, now - 3 * 365 * DAY], [rep1, now - 425 * DAY], [rep2, now - 270 * DAY]]);

  // ---- campaigns
  const campaignRows: Value[][] = [];
  const campaigns = CAMPAIGNS.map((c) => {
    const startMs = now + c.startDays * DAY;
    const endMs = startMs + c.days * DAY;
    const status = startMs > now ? CampaignStatus.PLANNED : endMs < now ? CampaignStatus.COMPLETED : CampaignStatus.ACTIVE;
    const id = newId('Campaign');
    const created = Math.min(startMs, now) - 30 * DAY;
    campaignRows.push([id, c.name, c.channel, c.budget, 'EUR', isoDate(startMs), isoDate(endMs), c.goal, status, marketing, iso(created), iso(created)]);
    return { id, startMs, endMs };
  });
  await insertRows(em, 'campaign', [['id', 'text'], ['name', 'text'], ['channel', 'text'], ['budget', 'numeric'], ['currency', 'text'],
    ['starts_on', 'date'], ['ends_on', 'date'], ['goal', 'text'], ['status', 'text'], ['owner_id', 'text'], ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz']], campaignRows);
  const campaignAt = (ms: number) => campaigns.filter((c) => c.startMs <= ms && ms <= c.endMs + 30 * DAY);

  // ---- opportunities with their stage history
  const oppRows: Value[][] = [];
  const changeRows: Value[][] = [];
  const opps: Opp[] = [];
  const amountFor = (sector: string) => {
    switch (sector) {
      case 'ENTERPRISE': return money(rnd, 20_000, 480_000);
      case 'GOVERNMENT': return money(rnd, 10_000, 250_000);
      case 'EDUCATION': return money(rnd, 5_000, 120_000);
      case 'CONSUMER': return money(rnd, 200, 4_000);
      default: return money(rnd, 1_000, 40_000);
    }
  };
  /** One deal; with `evolve` it moves through the stages until it closes or reaches today. */
  const addOpportunity = (customer: CustomerRow, createdMs: number, opts: { stage?: OpportunityStage; campaignId?: string | null; evolve: boolean }) => {
    const id = newId('Opportunity');
    const history: [OpportunityStage | null, OpportunityStage, number][] = [];
    let stage = opts.stage ?? (rnd.chance(0.7) ? OpportunityStage.PROSPECTING : rnd.chance(0.67) ? OpportunityStage.QUALIFICATION : OpportunityStage.NEEDS_ANALYSIS);
    history.push([null, stage, createdMs]);
    let t = createdMs;
    let closedMs: number | null = null;
    while (opts.evolve && closedMs === null) {
      t += rnd.int(4, 28) * DAY + rnd.int(0, 8 * 3600) * 1000;
      if (t > now - 3600_000) break;
      const position = OPEN_STAGES.indexOf(stage);
      const r = rnd.next();
      let next: OpportunityStage | null = null;
      if (stage === OpportunityStage.NEGOTIATION) next = r < 0.5 ? OpportunityStage.WON : r < 0.75 ? OpportunityStage.LOST : null;
      else if (r < 0.55) next = OPEN_STAGES[Math.min(position + (rnd.chance(0.12) ? 2 : 1), OPEN_STAGES.length - 1)];
      else if (r < 0.67) next = OpportunityStage.LOST;
      if (!next) continue; // stalled for a while
      history.push([stage, next, t]);
      stage = next;
      if (stage === OpportunityStage.WON || stage === OpportunityStage.LOST) closedMs = t;
    }
    const open = closedMs === null;
    // the manager's own deals, and those closed before the customer's owner joined (the manager had the account then)
    const ownerStart = startOf.get(customer.owner_id) ?? 0;
    const ownerId = rnd.chance(0.1) || (closedMs !== null && closedMs < ownerStart) ? manager : customer.owner_id;
    const probability = open && rnd.chance(0.15)
      ? Math.max(5, Math.min(95, STAGE_PROBABILITY[stage] + rnd.pick([-10, -5, 5, 10])))
      : STAGE_PROBABILITY[stage];
    // open deals close in the coming months; some have slipped past their date
    const expectedMs = open ? (rnd.chance(0.15) ? now - rnd.int(1, 45) * DAY : now + rnd.int(3, 200) * DAY) : closedMs!;
    const roll = rnd.next();
    const currency = roll < 0.08 ? 'USD' : roll < 0.12 ? 'GBP' : 'EUR';
    const lost = stage === OpportunityStage.LOST;
    const updatedMs = history[history.length - 1][2];
    oppRows.push([
      id, customer.id, `${rnd.pick(DEALS).replace(/^./, (c) => c.toUpperCase())} ${new Date(createdMs).getUTCFullYear()}`,
      amountFor(customer.sector), currency, stage, probability, isoDate(expectedMs), ownerId,
      pgArray(rnd.chance(0.4) ? COMPETITORS.filter(() => rnd.chance(0.25)) : []),
      lost ? rnd.pick(Object.values(LostReason)) : null,
      lost && rnd.chance(0.4) ? 'Went with a cheaper offer after the second round.' : null,
      closedMs === null ? null : iso(closedMs),
      opts.campaignId ?? null, null, iso(createdMs), iso(updatedMs),
    ]);
    for (const [from, to, at] of history) {
      changeRows.push([newId('OpportunityStageChange'), id, customer.id, from, to, to === stage ? probability : STAGE_PROBABILITY[to], false, 'USER', ownerId, iso(at)]);
    }
    opps.push({ id, customerId: customer.id, ownerId, stage, createdMs, closedMs });
    return id;
  };

  for (const customer of customers) {
    const business = customer.kind === 'BUSINESS';
    const n = business ? (rnd.chance(0.7) ? rnd.int(1, 3) : 0) : (rnd.chance(0.25) ? 1 : 0);
    for (let k = 0; k < n; k++) {
      // more recent deals than old ones: the older ones have mostly closed
      const createdMs = now - Math.round(2 + 363 * rnd.next() ** 1.6) * DAY - rnd.int(0, 86_399) * 1000;
      const campaign = rnd.chance(0.3) ? campaignAt(createdMs)[0] : undefined;
      addOpportunity(customer, createdMs, { campaignId: campaign?.id ?? null, evolve: true });
    }
  }

  // ---- leads: some converted into one of the newest customers (with a deal), the rest in the funnel
  const leadRows: Value[][] = [];
  const businesses = customers.filter((c) => c.kind === 'BUSINESS').slice(-12).reverse();
  const reps = [rep1, rep2];
  const totalLeads = Math.min(60, Math.max(12, Math.round(customers.length / 3)));
  for (let i = 0; i < totalLeads; i++) {
    const id = newId('Lead');
    const campaign = i % 5 === 4 ? null : campaigns[i % 5];
    const source = campaign ? LeadSource.CAMPAIGN : rnd.pick([LeadSource.WEB, LeadSource.REFERRAL, LeadSource.CALL, LeadSource.TRADE_SHOW, LeadSource.PARTNER]);
    const convertTo = i % 5 === 1 ? businesses.shift() : undefined;
    const contact = convertTo ? contactsOf.get(convertTo.id)?.[0] : undefined;
    if (convertTo && contact) {
      const convertedMs = new Date(convertTo.created_at).getTime();
      const createdMs = convertedMs - rnd.int(5, 40) * DAY;
      const emails = (typeof contact.emails === 'string' ? JSON.parse(contact.emails) : contact.emails) as { address: string }[] | null;
      const email = emails?.[0]?.address ?? null;
      const oppId = rnd.chance(0.7)
        ? addOpportunity(convertTo, convertedMs, { stage: OpportunityStage.QUALIFICATION, campaignId: campaign?.id ?? null, evolve: false })
        : null;
      leadRows.push([id, contact.first_name, contact.last_name, null, null, email, null, source, campaign?.id ?? null, rnd.int(60, 95),
        LeadStatus.CONVERTED, convertTo.owner_id, rnd.chance(0.6), null, convertTo.id, contact.id, oppId, iso(convertedMs),
        iso(createdMs), iso(convertedMs)]);
      continue;
    }
    const roll = rnd.next();
    const status = roll < 0.35 ? LeadStatus.NEW : roll < 0.65 ? LeadStatus.WORKING : roll < 0.82 ? LeadStatus.QUALIFIED : LeadStatus.DISQUALIFIED;
    const first = rnd.pick(LEAD_FIRST);
    const last = rnd.pick(LEAD_LAST);
    const company = rnd.chance(0.8) ? rnd.pick(LEAD_COMPANIES) : null;
    const createdMs = campaign ? Math.min(now - DAY, campaign.startMs + rnd.int(0, 40) * DAY) : now - rnd.int(1, 120) * DAY;
    const slug = (company ?? 'mail').toLowerCase().replace(/[^a-z]+/g, '');
    leadRows.push([id, first, last, company, company ? rnd.pick(['Buyer', 'IT Manager', 'Owner', 'Head of Operations']) : null,
      `${first}.${last}@${slug}.example`.toLowerCase(), rnd.chance(0.6) ? `+49 170 ${rnd.int(1_000_000, 9_999_999)}` : null,
      source, campaign?.id ?? null, rnd.int(5, 90), status,
      status === LeadStatus.NEW && rnd.chance(0.5) ? null : rnd.pick(reps), rnd.chance(0.5),
      status === LeadStatus.DISQUALIFIED ? rnd.pick(DISQUALIFIED) : null, null, null, null, null, iso(createdMs), iso(createdMs + rnd.int(0, 10) * DAY)]);
  }
  await insertRows(em, 'opportunity', [['id', 'text'], ['customer_id', 'text'], ['name', 'text'], ['amount', 'numeric'], ['currency', 'text'],
    ['stage', 'text'], ['probability', 'int'], ['expected_close_date', 'date'], ['owner_id', 'text'], ['competitors', 'text[]'],
    ['lost_reason', 'text'], ['lost_note', 'text'], ['closed_at', 'timestamptz'], ['campaign_id', 'text'], ['lead_id', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], oppRows);
  await insertRows(em, 'opportunity_stage_change', [['id', 'text'], ['opportunity_id', 'text'], ['customer_id', 'text'], ['from_stage', 'text'],
    ['to_stage', 'text'], ['probability', 'int'], ['reopened', 'boolean'], ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz']], changeRows);
  await insertRows(em, 'lead', [['id', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['company', 'text'], ['title', 'text'],
    ['email', 'text'], ['phone', 'text'], ['source', 'text'], ['campaign_id', 'text'], ['score', 'int'], ['status', 'text'], ['owner_id', 'text'],
    ['marketing_consent', 'boolean'], ['disqualified_reason', 'text'], ['converted_customer_id', 'text'], ['converted_contact_id', 'text'],
    ['converted_opportunity_id', 'text'], ['converted_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], leadRows);
  // the deals of converted leads point back at their lead (inserted after the deals: each references the other)
  await em.execute(`update opportunity o set lead_id = l.id from lead l where l.converted_opportunity_id = o.id`, [], 'run');
  // Issue 14 (sales definitions 5 and 6), without drawing from the PRNG (the rest of the demo stays as it was):
  // every 20th deal (by creation) was the ADMIN's all along — entered by the office, no rep — so that
  // repPerformance's "other" line holds something; and every 12th other closed deal was handed to another
  // sales user after it closed, so that AT_CLOSE (owner recorded at close, the default) and CURRENT differ.
  // The at-close record itself is written by the database when a deal is inserted closed.
  const admin = userId('admin@demo.crm');
  await em.execute(`update opportunity o set owner_id = ?, closed_owner_id = case when o.closed_owner_id is not null then ? end
    from (select id, row_number() over (order by created_at, id) as n from opportunity) x where x.id = o.id and x.n % 20 = 0`, [admin, admin], 'run');
  await em.execute(`update opportunity o set owner_id = case when o.owner_id = ? then ? else ? end
    from (select id, row_number() over (order by closed_at, id) as n from opportunity where stage in ('WON', 'LOST') and owner_id <> ?) x
    where x.id = o.id and x.n % 12 = 0`, [rep1, rep2, rep1, admin], 'run');

  // ---- activities (the owner mostly, sometimes the manager), then "last contacted"
  const activityRows: Value[][] = [];
  const oppsOf = new Map<string, Opp[]>();
  for (const o of opps) oppsOf.set(o.customerId, [...(oppsOf.get(o.customerId) ?? []), o]);
  const types = Object.values(ActivityType);
  for (const customer of customers) {
    const business = customer.kind === 'BUSINESS';
    const n = business ? rnd.int(1, 8) : rnd.int(0, 3);
    const people = contactsOf.get(customer.id) ?? [];
    for (let k = 0; k < n; k++) {
      const type = rnd.chance(0.5) ? rnd.pick([ActivityType.CALL, ActivityType.EMAIL]) : rnd.pick(types);
      const occurredMs = now - rnd.int(0, 180) * DAY - rnd.int(0, 86_399) * 1000;
      const performer = rnd.chance(0.85) ? customer.owner_id : manager;
      const live = (oppsOf.get(customer.id) ?? []).filter((o) => o.createdMs <= occurredMs && (o.closedMs === null || o.closedMs >= occurredMs));
      const direction = type === ActivityType.NOTE ? null
        : type === ActivityType.WEB || type === ActivityType.FAX ? ActivityDirection.INBOUND
          : rnd.chance(0.7) ? ActivityDirection.OUTBOUND : ActivityDirection.INBOUND;
      const timed = type === ActivityType.CALL || type === ActivityType.MEETING || type === ActivityType.VISIT;
      activityRows.push([
        newId('Activity'), customer.id, people.length && rnd.chance(0.7) ? rnd.pick(people).id : null,
        live.length && rnd.chance(0.5) ? rnd.pick(live).id : null, type, direction, rnd.pick(SUBJECTS[type]),
        rnd.chance(0.5) ? 'Discussed requirements, timeline and budget. Next step agreed.' : null,
        type === ActivityType.NOTE ? null : rnd.pick(OUTCOMES), timed ? rnd.pick([5, 10, 15, 30, 45, 60, 90]) : null,
        iso(occurredMs), performer, iso(occurredMs), iso(occurredMs),
      ]);
    }
  }
  await insertRows(em, 'activity', [['id', 'text'], ['customer_id', 'text'], ['contact_id', 'text'], ['opportunity_id', 'text'], ['type', 'text'],
    ['direction', 'text'], ['subject', 'text'], ['body', 'text'], ['outcome', 'text'], ['duration_minutes', 'int'], ['occurred_at', 'timestamptz'],
    ['performed_by_id', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], activityRows);
  await em.execute(`update customer c set last_contacted_at = a.last_at
    from (select customer_id, max(occurred_at) as last_at from activity where deleted_at is null group by customer_id) a
    where a.customer_id = c.id`, [], 'run');

  // ---- tasks: every sales user gets some done, some upcoming, some overdue (the first), one with a reminder due (the second)
  const taskRows: Value[][] = [];
  const taskTypes = Object.values(TaskType).filter((t) => t !== TaskType.ESCALATION);
  const lastQuarterToday = Math.ceil((now + 1) / DAY) * DAY - 900_000; // 23:45 UTC today
  for (const assignee of [manager, rep1, rep2]) {
    const own = customers.filter((c) => c.owner_id === assignee);
    const book = own.length ? own : customers;
    const count = assignee === manager ? 8 : 16;
    for (let k = 0; k < count && book.length; k++) {
      const customer = rnd.pick(book);
      const type = rnd.pick(taskTypes);
      const openDeal = (oppsOf.get(customer.id) ?? []).find((o) => o.closedMs === null);
      // the second is due in the next hours but still today (UTC), so every agenda of "today" has an entry
      let dueMs = k === 0 ? now - rnd.int(2, 10) * DAY : k === 1 ? Math.min(now + rnd.int(1, 3) * 3600_000, lastQuarterToday) : now + rnd.int(-25, 30) * DAY;
      dueMs = Math.floor(dueMs / 900_000) * 900_000; // on the quarter hour
      const past = dueMs < now;
      const roll = rnd.next();
      const status = k <= 1 ? TaskStatus.OPEN
        : past ? (roll < 0.7 ? TaskStatus.DONE : roll < 0.8 ? TaskStatus.CANCELLED : TaskStatus.OPEN)
          : (roll < 0.05 ? TaskStatus.DONE : TaskStatus.OPEN);
      const remindMs = k === 1 ? now - 3600_000 : rnd.chance(0.5) ? dueMs - DAY : null;
      const completedMs = status === TaskStatus.OPEN ? null : Math.min(now - 60_000, dueMs + rnd.int(-48, 24) * 3600_000);
      const createdMs = Math.min(dueMs, now) - rnd.int(1, 20) * DAY;
      taskRows.push([
        newId('Task'), rnd.pick(TASK_TITLES[type]), type, iso(dueMs), remindMs === null ? null : iso(remindMs), assignee,
        assignee !== manager && rnd.chance(0.4) ? manager : assignee, customer.id,
        contactsOf.get(customer.id)?.[0]?.id ?? null, openDeal && rnd.chance(0.5) ? openDeal.id : null, status,
        rnd.chance(0.3) ? 'Bring the updated price list.' : null, completedMs === null ? null : iso(completedMs),
        iso(createdMs), iso(completedMs ?? createdMs),
      ]);
    }
  }
  await insertRows(em, 'task', [['id', 'text'], ['title', 'text'], ['type', 'text'], ['due_at', 'timestamptz'], ['remind_at', 'timestamptz'],
    ['assignee_id', 'text'], ['assigned_by_id', 'text'], ['customer_id', 'text'], ['contact_id', 'text'], ['opportunity_id', 'text'],
    ['status', 'text'], ['notes', 'text'], ['completed_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], taskRows);

  return {
    campaigns: campaignRows.length, leads: leadRows.length, opportunities: oppRows.length, stageChanges: changeRows.length,
    activities: activityRows.length, tasks: taskRows.length,
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../entities/enums';
import { newId } from '../entities/ids';
import { FeedbackStatus } from '../entities/service.enums';
import { createFeedback, updateFeedback } from '../services/feedback.service';
import { escalateBreachedCases, type SlaJobResult } from '../services/sla.service';
import { newSurveyToken } from '../services/survey.service';
import { insertRows, numbers, type Value } from './seed-sql';

/**
 * The demo's service desk, on top of the demo users, customers, sales and finance data (`seedDemo(em,
 * { sales: true })`: `npm start` and `npm run seed`; not the tests):
 * - two queues: "Service desk" and "Escalations" (the escalation queue), both managed by the admin;
 * - two serialised products with a warranty (a laptop, 24 months; a printer, 12 months) and eight assets
 *   (service tags DEMO-LT-0001…, DEMO-PR-0001…) of the first business customers, one out of warranty;
 * - fifteen cases in every status, type mix and channel (one opened by the partner for its own dealer record),
 *   with public replies and internal notes; `firstRespondedAt` is the first public staff reply; for the
 *   service reports also a complaint resolved late (reply and resolution after their due times), two
 *   reopened cases (one resolved again, one open; reopenCount 1 and the audit entry `reopenCase` writes,
 *   which keeps the undone resolution) and open cases aged 4, 12 and 40 days;
 * - surveys for the cases resolved at least once (sent at the first resolution), two of them answered;
 * - a P1 repair whose resolution is overdue, and the two old P4 cases past their resolution due time: the
 *   SLA job's rules run once, so they are escalated (the P1 moved to "Escalations", the P4s raised to P3,
 *   ESCALATION tasks for the admin, audited as SYSTEM); the other open cases are within SLA at seeding time;
 * - a follow-up task on a resolved case in the service agent's agenda;
 * - product feedback: the toner suggestion, ACCEPTED with its case, and a NEW idea for the laptop.
 *
 * Deterministic apart from ids and survey tokens (secrets): fixed customers (the first matching ones by
 * creation time), texts, and times relative to `now`. Plain SQL inside the caller's transaction.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ServiceSeedCounts extends SlaJobResult {
  queues: number;
  products: number;
  assets: number;
  cases: number;
  comments: number;
  surveys: number;
  feedback: number;
}

interface CasePlan {
  type: string;
  channel: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  status: string;
  subject: string;
  description: string;
  customer: number | 'dealer';
  asset: number | null;
  assigned: boolean;
  /** Hours before now it was opened. */
  openedHoursAgo: number;
  /** Comments: [hours after opening, PUBLIC|INTERNAL, by (agent|partner), body]. */
  comments: [number, 'PUBLIC' | 'INTERNAL', 'agent' | 'partner', string][];
  /** Hours after opening it was resolved / closed (resolved or closed cases). */
  resolvedAfter?: number;
  closedAfter?: number;
  /** Survey answer [csat, nps, comment] (resolved or closed cases; undefined: not answered yet). */
  answer?: [number, number, string | null];
  /** Resolved and reopened once: [hours after opening it was first resolved, hours after opening it was reopened, reason]. */
  reopened?: [number, number, string];
}

const PLANS: CasePlan[] = [
  {
    type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', status: 'NEW', subject: 'Laptop does not wake from sleep',
    description: 'Since the last update the laptop stays black after closing the lid.', customer: 0, asset: 0, assigned: false, openedHoursAgo: 2,
    comments: [],
  },
  {
    type: 'REPAIR', channel: 'EMAIL', priority: 'P2', status: 'ASSIGNED', subject: 'Printer jams on every second page',
    description: 'Paper jam in tray 2, error 13.A2.', customer: 1, asset: 2, assigned: true, openedHoursAgo: 3,
    comments: [[1, 'PUBLIC', 'agent', 'Thank you, we are on it: a technician will call you today.'], [1.5, 'INTERNAL', 'agent', 'Probably the pickup roller; spare part in stock.']],
  },
  {
    type: 'INSTALLATION', channel: 'WEB', priority: 'P3', status: 'IN_PROGRESS', subject: 'Set-up of twelve new laptops',
    description: 'Please image the laptops with our standard build before delivery.', customer: 2, asset: 3, assigned: true, openedHoursAgo: 24,
    comments: [[1, 'PUBLIC', 'agent', 'We scheduled the imaging for tomorrow morning.'], [3, 'INTERNAL', 'agent', 'Customer image is on the share, v4.2.']],
  },
  {
    type: 'DELIVERY', channel: 'CHAT', priority: 'P4', status: 'WAITING_ON_CUSTOMER', subject: 'Delivery address for the replacement unit',
    description: 'The replacement printer should go to the branch office.', customer: 3, asset: 5, assigned: true, openedHoursAgo: 48,
    comments: [[4, 'PUBLIC', 'agent', 'Could you send us the branch office address and opening hours?']],
  },
  {
    type: 'TECH_SUPPORT', channel: 'PHONE', priority: 'P3', status: 'RESOLVED', subject: 'Docking station not detected',
    description: 'External monitors stay dark when docked.', customer: 0, asset: 1, assigned: true, openedHoursAgo: 5 * 24,
    comments: [[2, 'PUBLIC', 'agent', 'Please install the dock firmware 1.8 from our support page.'], [3, 'INTERNAL', 'agent', 'Known issue with firmware 1.6.'],
      [40, 'PUBLIC', 'agent', 'Glad it works now; we close this case.']],
    resolvedAfter: 48, answer: [5, 10, 'Quick and friendly help.'],
  },
  {
    type: 'COMPLAINT', channel: 'EMAIL', priority: 'P2', status: 'CLOSED', subject: 'Technician came a day late',
    description: 'Nobody told us the visit was moved.', customer: 1, asset: null, assigned: true, openedHoursAgo: 20 * 24,
    comments: [[2, 'PUBLIC', 'agent', 'We are sorry: the visit was moved without notice. We credited the call-out fee.'],
      [3, 'INTERNAL', 'agent', 'Dispatch forgot to notify; raised with the dispatch lead.']],
    resolvedAfter: 20, closedAfter: 5 * 24, answer: [3, 6, 'Fixed in the end, but the delay cost us a morning.'],
  },
  {
    type: 'SUGGESTION', channel: 'WEB', priority: 'P4', status: 'RESOLVED', subject: 'Toner level in the web portal',
    description: 'It would help to see the toner levels of all our printers in one place.', customer: 2, asset: 4, assigned: true, openedHoursAgo: 8 * 24,
    comments: [[6, 'PUBLIC', 'agent', 'Thank you for the idea, we passed it on to the product team.']],
    resolvedAfter: 5 * 24,
  },
  {
    type: 'REPAIR', channel: 'PHONE', priority: 'P1', status: 'IN_PROGRESS', subject: 'All laptops of the sales floor fail to boot',
    description: 'Twenty laptops show a BIOS error after the weekend; the sales team cannot work.', customer: 4, asset: 6, assigned: true, openedHoursAgo: 10,
    comments: [[0.5, 'PUBLIC', 'agent', 'We are on our way with replacement units.'], [2, 'INTERNAL', 'agent', 'BIOS rollback image needed from the vendor.']],
  },
  {
    type: 'PRE_SALES', channel: 'PARTNER', priority: 'P4', status: 'NEW', subject: 'Display units for the spring campaign',
    description: 'Which laptop models can we get as display units in March?', customer: 'dealer', asset: null, assigned: false, openedHoursAgo: 1,
    comments: [[0.2, 'PUBLIC', 'partner', 'We would need six units by the end of February.']],
  },
  {
    type: 'RETURN', channel: 'EMAIL', priority: 'P3', status: 'ASSIGNED', subject: 'Return of a printer bought by mistake',
    description: 'We ordered the wrong model and want to return it unopened.', customer: 5, asset: 7, assigned: true, openedHoursAgo: 4,
    comments: [[2, 'INTERNAL', 'agent', 'Within the 30-day return window; check the seal on pickup.']],
  },
  // For the service reports (issue 14): a resolution and a first reply both late, reopened cases, and an open backlog
  // of every age (the two overdue ones are escalated by the SLA job's run below).
  {
    type: 'COMPLAINT', channel: 'EMAIL', priority: 'P2', status: 'RESOLVED', subject: 'Invoice sent to the wrong department',
    description: 'Our invoices keep going to purchasing instead of accounts payable.', customer: 3, asset: null, assigned: true, openedHoursAgo: 15 * 24,
    comments: [[6, 'PUBLIC', 'agent', 'Sorry for the trouble: we are correcting the billing address.'], [30, 'PUBLIC', 'agent', 'The address is corrected for all future invoices.']],
    resolvedAfter: 40,
  },
  {
    type: 'REPAIR', channel: 'PHONE', priority: 'P3', status: 'RESOLVED', subject: 'Printer still jams after the repair',
    description: 'The technician replaced the roller, but tray 2 jams again.', customer: 1, asset: 2, assigned: true, openedHoursAgo: 10 * 24,
    comments: [[1, 'PUBLIC', 'agent', 'We will send the technician again.'], [55, 'PUBLIC', 'agent', 'The new tray is fitted; please tell us if it jams again.']],
    reopened: [30, 50, 'It jams again after a day.'], resolvedAfter: 70,
  },
  {
    type: 'TECH_SUPPORT', channel: 'WEB', priority: 'P4', status: 'IN_PROGRESS', subject: 'VPN drops every evening',
    description: 'The VPN connection drops at about 6 pm every day.', customer: 4, asset: null, assigned: true, openedHoursAgo: 12 * 24,
    comments: [[3, 'PUBLIC', 'agent', 'Please update the VPN client to 5.2; that should fix it.']],
    reopened: [48, 5 * 24, 'It still drops after the update.'],
  },
  {
    type: 'INSTALLATION', channel: 'EMAIL', priority: 'P4', status: 'NEW', subject: 'Wall mount for the meeting room screen',
    description: 'Can you install the wall mount when you deliver the screen?', customer: 5, asset: null, assigned: false, openedHoursAgo: 4 * 24,
    comments: [[5, 'PUBLIC', 'agent', 'Yes: we will bring the mount kit with the delivery.']],
  },
  {
    type: 'RETURN', channel: 'PHONE', priority: 'P4', status: 'WAITING_ON_CUSTOMER', subject: 'Return of two unused docking stations',
    description: 'We ordered two docks too many.', customer: 2, asset: null, assigned: true, openedHoursAgo: 40 * 24,
    comments: [[3, 'PUBLIC', 'agent', 'Please send us the order number so that we can issue the return label.']],
  },
];

export async function seedService(em: EntityManager, now = Date.now()): Promise<ServiceSeedCounts> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const date = (ms: number) => iso(ms).slice(0, 10);
  const users = await em.execute<{ id: string; email: string; partner_customer_id: string | null }[]>(
    `select id, email, partner_customer_id from app_user where email in ('admin@demo.crm', 'service@demo.crm', 'partner@demo.crm')`);
  const user = (email: string) => users.find((u) => u.email === email);
  const admin = user('admin@demo.crm')?.id;
  const agent = user('service@demo.crm')?.id;
  const partner = user('partner@demo.crm');
  const customers = (await em.execute<{ id: string }[]>(
    `select id from customer where deleted_at is null and kind = 'BUSINESS' and not is_partner order by created_at, id limit 6`)).map((c) => c.id);
  const empty: ServiceSeedCounts = { queues: 0, products: 0, assets: 0, cases: 0, comments: 0, surveys: 0, feedback: 0, escalated: 0, priorityRaised: 0, movedToEscalationQueue: 0, tasksCreated: 0 };
  if (!admin || !agent || !partner?.partner_customer_id || customers.length < 6) return empty; // a demo too small for a service desk

  // ---- queues
  const desk = newId('ServiceQueue');
  const escalations = newId('ServiceQueue');
  await insertRows(em, 'service_queue', [['id', 'text'], ['name', 'text'], ['description', 'text'], ['manager_id', 'text'], ['escalation', 'boolean']], [
    [desk, 'Service desk', 'Every new request: phone, e-mail, web, chat and partner cases.', admin, false],
    [escalations, 'Escalations', 'Breached P1 cases; the manager is notified of every escalation.', admin, true],
  ]);

  // ---- serialised products and assets
  const laptop = newId('Product');
  const printer = newId('Product');
  const warrantyMonths: Record<string, number> = { [laptop]: 24, [printer]: 12 };
  await insertRows(em, 'product', [['id', 'text'], ['sku', 'text'], ['name', 'text'], ['category', 'text'], ['list_price', 'numeric'], ['cost', 'numeric'],
    ['currency', 'text'], ['serialised', 'boolean'], ['warranty_months', 'int']], [
    [laptop, 'SRV-LAPTOP-14', 'ProBook 14 laptop', 'Laptops', '1299.00', '910.00', 'EUR', true, warrantyMonths[laptop]],
    [printer, 'SRV-PRINTER-L2', 'LaserJet L2 office printer', 'Printers', '449.00', '300.00', 'EUR', true, warrantyMonths[printer]],
  ]);
  const addMonths = (ms: number, months: number) => {
    const d = new Date(ms);
    d.setUTCMonth(d.getUTCMonth() + months);
    return d.getTime();
  };
  // [customer index, product, tag, purchased days ago]
  const assetPlans: [number, string, string, number][] = [
    [0, laptop, 'DEMO-LT-0001', 200], [0, laptop, 'DEMO-LT-0002', 200], [1, printer, 'DEMO-PR-0001', 400], [2, laptop, 'DEMO-LT-0003', 30],
    [2, printer, 'DEMO-PR-0002', 90], [3, printer, 'DEMO-PR-0003', 120], [4, laptop, 'DEMO-LT-0004', 800], [5, printer, 'DEMO-PR-0004', 10],
  ];
  const assetIds = assetPlans.map(() => newId('Asset'));
  await insertRows(em, 'asset', [['id', 'text'], ['service_tag', 'text'], ['product_id', 'text'], ['customer_id', 'text'], ['purchase_date', 'date'],
    ['warranty_end', 'date'], ['notes', 'text'], ['created_by', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  assetPlans.map(([c, product, tag, daysAgo], i) => {
    const bought = now - daysAgo * DAY;
    return [assetIds[i], tag, product, customers[c], date(bought), date(addMonths(bought, warrantyMonths[product]) - DAY), null, agent, iso(bought + DAY), iso(bought + DAY)];
  }));

  // ---- cases, comments, surveys
  const policies = await em.execute<{ priority: string; first_response_minutes: number; resolution_minutes: number }[]>(
    `select priority, first_response_minutes, resolution_minutes from sla_policy`);
  const policy = (p: string) => policies.find((x) => x.priority === p)!;
  const caseNumbers = await numbers(em, 'service_case_number_seq', 'CS', PLANS.length);
  const caseRows: Value[][] = [];
  const commentRows: Value[][] = [];
  const surveyRows: Value[][] = [];
  const caseIds: string[] = [];
  const auditRows: Value[][] = [];
  PLANS.forEach((plan, i) => {
    const id = newId('ServiceCase');
    caseIds.push(id);
    const opened = now - plan.openedHoursAgo * HOUR;
    const byPartner = plan.customer === 'dealer';
    const customerId = byPartner ? partner.partner_customer_id! : customers[plan.customer as number];
    const { first_response_minutes: fr, resolution_minutes: res } = policy(plan.priority);
    const firstReply = plan.comments.find(([, visibility, by]) => visibility === 'PUBLIC' && by === 'agent');
    const resolvedAt = plan.resolvedAfter != null ? opened + plan.resolvedAfter * HOUR : null;
    const closedAt = plan.closedAfter != null ? opened + plan.closedAfter * HOUR : null;
    const firstResolvedAt = plan.reopened ? opened + plan.reopened[0] * HOUR : resolvedAt;
    const reopenedAt = plan.reopened ? opened + plan.reopened[1] * HOUR : 0;
    const updated = Math.max(opened, ...plan.comments.map(([h]) => opened + h * HOUR), resolvedAt ?? 0, closedAt ?? 0, reopenedAt);
    caseRows.push([id, caseNumbers[i], plan.type, plan.channel, plan.priority, plan.status, plan.subject, plan.description, customerId,
      plan.asset == null ? null : assetIds[plan.asset], byPartner ? null : desk, plan.assigned ? agent : null, byPartner ? partner.id : agent,
      iso(opened + fr * 60_000), iso(opened + res * 60_000), firstReply ? iso(opened + firstReply[0] * HOUR) : null,
      resolvedAt == null ? null : iso(resolvedAt), closedAt == null ? null : iso(closedAt), plan.reopened ? 1 : 0, iso(opened), iso(updated)]);
    if (plan.reopened) {
      // What reopenCase records (the service reports read the undone resolution from it): status back, resolvedAt cleared, reopenCount + 1.
      auditRows.push([newId('AuditEvent'), 'ServiceCase', id, customerId, 'UPDATE', 'USER', byPartner ? partner.id : agent, iso(reopenedAt), JSON.stringify([
        { field: 'status', old: 'RESOLVED', new: 'IN_PROGRESS' }, { field: 'resolvedAt', old: iso(firstResolvedAt!), new: null },
        { field: 'reopenCount', old: 0, new: 1 }, { field: 'reopenReason', old: null, new: plan.reopened[2] }])]);
    }
    for (const [hours, visibility, by, body] of plan.comments) {
      commentRows.push([newId('CaseComment'), id, visibility, body, 'USER', by === 'agent' ? agent : partner.id, iso(opened + hours * HOUR)]);
    }
    if (firstResolvedAt != null) { // the survey is sent at the first resolution
      const answered = plan.answer;
      surveyRows.push([newId('Survey'), id, customerId, newSurveyToken(), answered?.[0] ?? null, answered?.[1] ?? null, answered?.[2] ?? null,
        iso(firstResolvedAt), answered ? iso(firstResolvedAt + 6 * HOUR) : null]);
    }
  });
  await insertRows(em, 'service_case', [['id', 'text'], ['number', 'text'], ['type', 'text'], ['channel', 'text'], ['priority', 'text'], ['status', 'text'],
    ['subject', 'text'], ['description', 'text'], ['customer_id', 'text'], ['asset_id', 'text'], ['queue_id', 'text'], ['assignee_id', 'text'],
    ['opened_by', 'text'], ['first_response_due_at', 'timestamptz'], ['resolution_due_at', 'timestamptz'], ['first_responded_at', 'timestamptz'],
    ['resolved_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['reopen_count', 'int'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], caseRows);
  await insertRows(em, 'audit_event', [['id', 'text'], ['entity_type', 'text'], ['entity_id', 'text'], ['customer_id', 'text'], ['action', 'text'],
    ['actor_type', 'text'], ['actor_id', 'text'], ['at', 'timestamptz'], ['changes', 'jsonb']], auditRows);
  await insertRows(em, 'case_comment', [['id', 'text'], ['case_id', 'text'], ['visibility', 'text'], ['body', 'text'], ['author_type', 'text'],
    ['author_id', 'text'], ['created_at', 'timestamptz']], commentRows);
  await insertRows(em, 'survey', [['id', 'text'], ['case_id', 'text'], ['customer_id', 'text'], ['token', 'text'], ['csat', 'int'], ['nps', 'int'],
    ['comment', 'text'], ['created_at', 'timestamptz'], ['submitted_at', 'timestamptz']], surveyRows);

  // ---- a follow-up on the resolved docking-station case, in the agent's agenda
  const followUp = PLANS.findIndex((p) => p.subject === 'Docking station not detected');
  await insertRows(em, 'task', [['id', 'text'], ['title', 'text'], ['type', 'text'], ['due_at', 'timestamptz'], ['assignee_id', 'text'], ['assigned_by_id', 'text'],
    ['customer_id', 'text'], ['case_id', 'text'], ['notes', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], [
    [newId('Task'), `Follow up: ${caseNumbers[followUp]} ${PLANS[followUp].subject}`, 'FOLLOW_UP', iso(now + 2 * DAY), agent, agent,
      customers[PLANS[followUp].customer as number], caseIds[followUp], 'Check the monitors still work after a week.', iso(now), iso(now)],
  ]);

  // ---- product feedback through the API's own rules (links audited on the customer): the toner suggestion,
  // accepted, and a NEW idea for the laptop without source cases yet
  const ctx = { em, principal: { type: 'USER' as const, id: agent, role: Role.SERVICE_AGENT, scopes: [], partnerCustomerId: null } };
  const suggestion = PLANS.findIndex((p) => p.type === 'SUGGESTION');
  const toner = await createFeedback(ctx, {
    productId: printer, summary: 'Show the toner levels of all printers in the web portal',
    description: 'Customers with several printers want one overview instead of checking each printer.', caseIds: [caseIds[suggestion]],
  });
  const accepted = toner.feedback && await updateFeedback(ctx, { id: toner.feedback.id, version: toner.feedback.version, status: FeedbackStatus.ACCEPTED });
  const idea = await createFeedback(ctx, { productId: laptop, summary: 'Ship the laptops with dock firmware 1.8 installed' });
  if (!accepted?.feedback || !idea.feedback) throw new Error(`Demo feedback refused: ${JSON.stringify([toner.errors, accepted?.errors, idea.errors])}`);

  // ---- what the SLA job would have done by now (the P1 repair is past its resolution due time)
  const job = await escalateBreachedCases(em, new Date(now));
  return {
    queues: 2, products: 2, assets: assetPlans.length, cases: PLANS.length, comments: commentRows.length, surveys: surveyRows.length, feedback: 2, ...job,
  };
}

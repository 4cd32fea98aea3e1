import { z } from 'zod';
import { Campaign } from '../entities/campaign.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { AuditAction, CustomerKind, CustomerSource, LeadSource, LeadStatus, Role, Sector } from '../entities/enums';
import { refId } from '../entities/ids';
import { Lead } from '../entities/lead.entity';
import type { Opportunity } from '../entities/opportunity.entity';
import { User } from '../entities/user.entity';
import { recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { campaignErrors } from './campaign.service';
import { assignDefined } from './assign';
import { readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { visibleCustomerId } from './customer.service';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { insertOpportunity } from './opportunity.service';
import { assignableUserScope, customerScope, leadScope } from './scope';
import { likeEscape, rows, sql } from './sql';
import { fail, inTransaction } from './transaction';
import { EMAIL, ID, PHONE, optionalText, parseInput, text, CURRENCY, MONEY, LOCAL_DATE, type InputOf } from './validation';
import { CUSTOMER_OWNERS } from '../auth/roles';

/**
 * Leads: people who may buy, from a campaign or the web. Record scope `leadScope` (ADMIN and
 * MARKETING all; a manager their team's and unassigned ones; a rep their own); converted in one
 * transaction into a customer, a contact and optionally an opportunity.
 */

export type LeadRow = Lead;
export type LeadOrderField = SortFieldOf<typeof LEAD_ORDER>;

/** The sort enum `LeadOrderField` (schema/lead.inputs.ts registers it from this table). */
export const LEAD_ORDER = {
  CREATED_AT: { expr: 'l.created_at', get: (r) => r.createdAt, description: 'When the lead came in.' },
  UPDATED_AT: { expr: 'l.updated_at', get: (r) => r.updatedAt, description: 'When the lead was last changed.' },
  SCORE: { expr: 'l.score', get: (r) => r.score, description: 'The lead score (0–100, higher is more promising).' },
  NAME: { expr: 'l.last_name', get: (r) => r.lastName, then: [{ expr: 'l.first_name', get: (r) => r.firstName }], description: 'Last name, then first name.' },
} satisfies SortTable<LeadRow>;

/** The fields of the GraphQL `LeadFilter` (which checks it names the same ones). */
export const LEAD_FILTER = {
  id: { expr: 'l.id', kind: 'scalar' },
  status: { expr: 'l.status', kind: 'scalar' },
  source: { expr: 'l.source', kind: 'scalar' },
  campaignId: { expr: 'l.campaign_id', kind: 'scalar' },
  ownerId: { expr: 'l.owner_id', kind: 'scalar' },
  score: { expr: 'l.score', kind: 'scalar' },
  company: { expr: 'l.company', kind: 'text' },
  marketingConsent: { expr: 'l.marketing_consent', kind: 'scalar' },
  createdAt: { expr: 'l.created_at', kind: 'scalar' },
  updatedAt: { expr: 'l.updated_at', kind: 'scalar' },
  convertedAt: { expr: 'l.converted_at', kind: 'scalar' },
} satisfies FilterSpec;

export const leadReads = readModel<LeadRow>()({
  entity: 'Lead', table: 'lead', alias: 'l',
  visible: (ctx) => leadScope(ctx.principal, 'l'),
  filter: LEAD_FILTER,
  order: { list: 'leads', table: LEAD_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listLeads = leadReads.list;
export const getLead = leadReads.get;

// ---------------------------------------------------------------------------------------------- writes

/** Optional text where an empty string means "none". */
const blankToNull = (max: number) => optionalText(max).transform((v) => (v === '' ? null : v));

const fields = {
  firstName: text(100),
  lastName: text(100),
  company: blankToNull(200),
  title: blankToNull(150),
  email: EMAIL.nullish(),
  phone: PHONE.nullish(),
  source: z.nativeEnum(LeadSource),
  campaignId: ID('cmp').nullish(),
  score: z.number().int('The score is a whole number.').min(0, 'The score is 0 to 100.').max(100, 'The score is 0 to 100.'),
  marketingConsent: z.boolean(),
};

const CreateLead = z.object({
  ...fields,
  source: fields.source.optional(),
  score: fields.score.optional(),
  marketingConsent: fields.marketingConsent.optional(),
  ownerId: ID('usr').nullish(),
});

const UpdateLead = z.object({
  id: ID('led'),
  version: z.number().int(),
  firstName: fields.firstName.optional(),
  lastName: fields.lastName.optional(),
  company: fields.company,
  title: fields.title,
  email: fields.email,
  phone: fields.phone,
  source: fields.source.optional(),
  campaignId: fields.campaignId,
  score: fields.score.optional(),
  marketingConsent: fields.marketingConsent.optional(),
  status: z.nativeEnum(LeadStatus).optional(),
  disqualifiedReason: blankToNull(500),
});

const AssignLead = z.object({ leadId: ID('led'), ownerId: ID('usr'), version: z.number().int().nullish() });

const ConvertLead = z.object({
  leadId: ID('led'),
  customerId: ID('cus').nullish(),
  ownerId: ID('usr').nullish(),
  createOpportunity: z.object({
    name: text(200),
    amount: MONEY,
    currency: CURRENCY.optional(),
    expectedCloseDate: LOCAL_DATE,
  }).nullish(),
});

export type CreateLeadInput = InputOf<typeof CreateLead>;
export type UpdateLeadInput = InputOf<typeof UpdateLead>;
export type AssignLeadInput = InputOf<typeof AssignLead>;
export type ConvertLeadInput = InputOf<typeof ConvertLead>;

/**
 * Who may own a lead: an active SALES_REP or SALES_MANAGER; a manager may only pick someone in their
 * subtree (an outsider is NOT_FOUND, as if the user did not exist).
 */
async function assigneeErrors(tx: ServiceContext, ownerId: string, field: string[]): Promise<UserError[]> {
  const manager = tx.principal.role === Role.SALES_MANAGER;
  const [owner] = await rows<{ active: boolean; role: Role }>(tx.em, sql`select u.active, u.role from app_user u where u.id = ${ownerId} and ${assignableUserScope(tx.principal)}`);
  if (!owner) return [userError('NOT_FOUND', manager ? 'No such user in your team.' : 'No such user.', field)];
  if (!owner.active) return [userError('VALIDATION', 'This user is deactivated.', field)];
  if (owner.role !== Role.SALES_REP && owner.role !== Role.SALES_MANAGER) return [userError('VALIDATION', 'Leads are assigned to sales reps or sales managers.', field)];
  return [];
}

/** The owner of a new lead, by who creates it (see `CreateLeadInput.ownerId`). */
async function ownerOfNewLead(tx: ServiceContext, requested: string | null | undefined): Promise<string | null> {
  const { principal } = tx;
  const field = ['input', 'ownerId'];
  if (principal.type !== 'USER') {
    if (requested) fail([userError('FORBIDDEN', 'API keys cannot assign leads; they stay unassigned until a manager or marketing assigns them.', field)]);
    return null;
  }
  if (principal.role === Role.SALES_REP) {
    if (requested && requested !== principal.id) fail([userError('FORBIDDEN', 'A sales rep owns the leads they create.', field)]);
    return principal.id;
  }
  const ownerId = requested ?? (principal.role === Role.SALES_MANAGER ? principal.id : null);
  if (ownerId) fail(await assigneeErrors(tx, ownerId, field));
  return ownerId;
}

function apply(tx: ServiceContext, lead: Lead, data: Partial<z.infer<typeof UpdateLead>> & { ownerId?: string | null }) {
  const { id: _id, version: _version, ownerId: _owner, campaignId, ...fields } = data;
  assignDefined(lead, fields);
  if (campaignId !== undefined) lead.campaign = campaignId ? tx.em.getReference(Campaign, campaignId) : null;
}

export async function createLead(ctx: ServiceContext, input: CreateLeadInput) {
  const parsed = parseInput(CreateLead, input);
  if (!parsed.ok) return { lead: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const ownerId = await ownerOfNewLead(tx, data.ownerId);
    fail(await campaignErrors(tx, data.campaignId));
    const source = data.source ?? (data.campaignId ? LeadSource.CAMPAIGN : ctx.principal.type === 'USER' ? LeadSource.OTHER : LeadSource.WEB);
    const lead = tx.em.create(Lead, {
      firstName: data.firstName, lastName: data.lastName, source,
      owner: ownerId ? tx.em.getReference(User, ownerId) : null,
      createdBy: ctx.principal.id,
    });
    apply(tx, lead, { ...data, source, ownerId: undefined });
    await tx.em.flush();
    return lead;
  });
  return { lead: result, errors };
}

/** Loads a lead in the caller's scope as a managed entity, locking its row for the transaction. */
async function loadForWrite(tx: ServiceContext, id: string, field = ['input', 'id']): Promise<Lead> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select l.id from lead l where l.id = ${id} and ${leadScope(tx.principal, 'l')} for update`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Lead not found.', field)]);
  return tx.em.findOneOrFail(Lead, id, { refresh: true });
}

const conflict = (lead: Lead) =>
  userError('CONFLICT', `This lead was changed meanwhile (now version ${lead.version}): reload it and apply your change again.`, ['input', 'version']);

const alreadyConverted = (field: string[]) =>
  userError('BUSINESS_RULE', 'This lead is already converted; a converted lead cannot be changed or converted again.', field);

export async function updateLead(ctx: ServiceContext, input: UpdateLeadInput) {
  const parsed = parseInput(UpdateLead, input);
  if (!parsed.ok) return { lead: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const lead = await loadForWrite(tx, data.id);
    if (lead.version !== data.version) fail([conflict(lead)]);
    if (lead.status === LeadStatus.CONVERTED) fail([alreadyConverted(['input', 'id'])]);
    if (data.status === LeadStatus.CONVERTED) fail([userError('BUSINESS_RULE', 'A lead becomes CONVERTED only through `convertLead`.', ['input', 'status'])]);
    fail(await campaignErrors(tx, data.campaignId));
    const status = data.status ?? lead.status;
    if (status === LeadStatus.DISQUALIFIED) {
      const reason = data.disqualifiedReason !== undefined ? data.disqualifiedReason : lead.disqualifiedReason;
      if (!reason) fail([userError('VALIDATION', 'A DISQUALIFIED lead needs a disqualifiedReason.', ['input', 'disqualifiedReason'])]);
    } else if (data.disqualifiedReason) {
      fail([userError('VALIDATION', 'disqualifiedReason is only set when status is DISQUALIFIED.', ['input', 'disqualifiedReason'])]);
    }
    apply(tx, lead, data);
    if (status !== LeadStatus.DISQUALIFIED) lead.disqualifiedReason = null;
    await tx.em.flush();
    return lead;
  });
  return { lead: result, errors };
}

export async function assignLead(ctx: ServiceContext, input: AssignLeadInput) {
  const parsed = parseInput(AssignLead, input);
  if (!parsed.ok) return { lead: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const lead = await loadForWrite(tx, data.leadId, ['input', 'leadId']);
    if (data.version != null && lead.version !== data.version) fail([conflict(lead)]);
    if (lead.status === LeadStatus.CONVERTED) fail([alreadyConverted(['input', 'leadId'])]);
    fail(await assigneeErrors(tx, data.ownerId, ['input', 'ownerId']));
    if (refId(lead.owner) !== data.ownerId) {
      lead.owner = tx.em.getReference(User, data.ownerId);
      await tx.em.flush();
    }
    return lead;
  });
  return { lead: result, errors };
}

// ------------------------------------------------------------------------------------------ conversion

const CUSTOMER_SOURCE: Record<LeadSource, CustomerSource> = {
  WEB: CustomerSource.WEB,
  CAMPAIGN: CustomerSource.CAMPAIGN,
  REFERRAL: CustomerSource.REFERRAL,
  TRADE_SHOW: CustomerSource.TRADE_SHOW,
  CALL: CustomerSource.CALL_CENTRE,
  PARTNER: CustomerSource.PARTNER,
  OTHER: CustomerSource.OTHER,
};

export interface ConvertLeadResult {
  lead: Lead;
  customer: Customer;
  contact: Contact;
  opportunity: Opportunity | null;
  customerCreated: boolean;
}

interface Match { customerId: string; contactId: string | null }

const ambiguous = (what: string) =>
  userError('BUSINESS_RULE', `Several of your customers ${what}: pick one with \`customerId\`.`, ['input', 'customerId']);

/** Live, visible contacts with this e-mail address (the trigram index narrows, the JSON test decides). */
async function contactsWithEmail(tx: ServiceContext, email: string, customerId: string | null): Promise<{ id: string; customerId: string }[]> {
  return rows<{ id: string; customerId: string }>(tx.em, sql`select k.id, k.customer_id as "customerId"
    from contact k join customer c on c.id = k.customer_id
    where k.deleted_at is null and c.deleted_at is null and ${customerScope(tx.principal, 'c')}
      ${customerId ? sql`and c.id = ${customerId}` : sql``}
      and k.search_text like ${`%${likeEscape(email)}%`}
      and exists (select 1 from jsonb_array_elements(k.emails) e where lower(e->>'address') = ${email})
    order by k.created_at, k.id`);
}

/**
 * The customer (and maybe the contact) a lead converts into: the given customer; else the one visible
 * customer with a contact having the lead's e-mail; else the one visible BUSINESS customer named like
 * the lead's company. People are not matched by name alone (two people may share a name). Several
 * candidates: the caller must pick (`customerId`). Null: create one.
 */
async function matchCustomer(tx: ServiceContext, lead: Lead, customerId: string | null | undefined): Promise<Match | null> {
  if (customerId) {
    if (!(await visibleCustomerId(tx, customerId))) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const [contact] = lead.email ? await contactsWithEmail(tx, lead.email, customerId) : [];
    return { customerId, contactId: contact?.id ?? null };
  }
  if (lead.email) {
    const contacts = await contactsWithEmail(tx, lead.email, null);
    if (new Set(contacts.map((k) => k.customerId)).size > 1) fail([ambiguous('have a contact with this e-mail')]);
    if (contacts.length) return { customerId: contacts[0].customerId, contactId: contacts[0].id };
  }
  if (lead.company) {
    const named = await rows<{ id: string }>(tx.em, sql`select c.id from customer c
      where lower(c.name) = lower(${lead.company}) and c.kind = 'BUSINESS' and c.deleted_at is null and ${customerScope(tx.principal, 'c')}
      order by c.created_at, c.id limit 2`);
    if (named.length > 1) fail([ambiguous(`are named "${lead.company}"`)]);
    if (named.length) return { customerId: named[0].id, contactId: null };
  }
  return null;
}

/**
 * The owner of what a conversion creates (the new customer, the deal): `ownerId` when given (an active
 * sales rep or manager the caller may assign to; a SALES_REP may only name themselves); else the lead's
 * owner; else the caller, except an ADMIN, who must name a sales owner (`ownerId`) for an unassigned lead
 * so that the deal counts for a rep (an ADMIN's deals are in no rep's performance). Active and in sales.
 */
async function conversionOwner(tx: ServiceContext, lead: Lead, requested: string | null | undefined): Promise<string> {
  if (requested) {
    const field = ['input', 'ownerId'];
    if (tx.principal.role === Role.SALES_REP && requested !== tx.principal.id) {
      fail([userError('FORBIDDEN', 'Only a manager or admin can give what a conversion creates to someone else.', field)]);
    }
    fail(await assigneeErrors(tx, requested, field));
    return requested;
  }
  const leadOwner = refId(lead.owner);
  if (!leadOwner && tx.principal.role === Role.ADMIN) {
    fail([userError('VALIDATION', 'This lead has no owner: name the sales rep or manager who will own the customer and the deal (`ownerId`).', ['input', 'ownerId'])]);
  }
  const ownerId = leadOwner ?? tx.principal.id;
  const [owner] = await rows<{ active: boolean; role: Role }>(tx.em, sql`select u.active, u.role from app_user u where u.id = ${ownerId}`);
  if (!owner?.active) fail([userError('VALIDATION', 'The lead\'s owner is deactivated: assign the lead to an active user first.', ['input', 'leadId'])]);
  if (!CUSTOMER_OWNERS.includes(owner.role)) {
    fail([userError('VALIDATION', 'Customers are owned by sales reps, sales managers or admins: assign the lead first.', ['input', 'leadId'])]);
  }
  return ownerId;
}

function newCustomer(tx: ServiceContext, lead: Lead, ownerId: string): Customer {
  const individual = !lead.company;
  const customer = tx.em.create(Customer, {
    name: lead.company || `${lead.firstName} ${lead.lastName}`, // no company: an individual, named after the person
    kind: individual ? CustomerKind.INDIVIDUAL : CustomerKind.BUSINESS,
    sector: individual ? Sector.CONSUMER : Sector.OTHER,
    owner: tx.em.getReference(User, ownerId),
    source: lead.campaign ? CustomerSource.CAMPAIGN : CUSTOMER_SOURCE[lead.source],
    // An individual customer is the person: their details and consent are the customer's too.
    emails: individual && lead.email ? [{ label: 'personal', address: lead.email }] : [],
    phones: individual && lead.phone ? [{ label: 'mobile', number: lead.phone }] : [],
    marketingConsent: individual ? lead.marketingConsent : false,
    consentAt: individual ? new Date() : null,
    consentSource: individual ? 'lead' : null,
    createdBy: tx.principal.id,
  });
  recordAudit(tx.em, tx.principal, {
    entityType: 'Customer', entityId: customer.id, customerId: customer.id, action: AuditAction.CREATE,
    changes: [
      { field: 'name', old: null, new: customer.name },
      { field: 'kind', old: null, new: customer.kind },
      { field: 'sector', old: null, new: customer.sector },
      { field: 'ownerId', old: null, new: ownerId },
      { field: 'source', old: null, new: customer.source ?? null },
      ...(customer.emails.length ? [{ field: 'emails', old: null, new: customer.emails }] : []),
      ...(customer.phones.length ? [{ field: 'phones', old: null, new: customer.phones }] : []),
      { field: 'marketingConsent', old: null, new: customer.marketingConsent },
    ],
  });
  // A customer made by a conversion is news like any other (webhooks, live screens): as createCustomer does.
  recordEvent(tx.em, tx.principal, { type: 'customer.created', entityType: 'Customer', entityId: customer.id, customerId: customer.id });
  return customer;
}

async function newContact(tx: ServiceContext, lead: Lead, customerId: string, customerCreated: boolean): Promise<Contact> {
  const [hasPrimary] = customerCreated ? [] : await rows(tx.em, sql`select 1 from contact where customer_id = ${customerId} and "primary" and deleted_at is null`);
  const contact = tx.em.create(Contact, {
    customer: tx.em.getReference(Customer, customerId),
    firstName: lead.firstName, lastName: lead.lastName, title: lead.title ?? null,
    emails: lead.email ? [{ label: 'work', address: lead.email }] : [],
    phones: lead.phone ? [{ label: 'work', number: lead.phone }] : [],
    marketingConsent: lead.marketingConsent, consentAt: new Date(), consentSource: 'lead',
    primary: !hasPrimary,
    createdBy: tx.principal.id,
  });
  recordAudit(tx.em, tx.principal, {
    entityType: 'Contact', entityId: contact.id, customerId, action: AuditAction.CREATE,
    changes: [
      { field: 'firstName', old: null, new: contact.firstName },
      { field: 'lastName', old: null, new: contact.lastName },
      ...(contact.title ? [{ field: 'title', old: null, new: contact.title }] : []),
      ...(contact.emails.length ? [{ field: 'emails', old: null, new: contact.emails }] : []),
      ...(contact.phones.length ? [{ field: 'phones', old: null, new: contact.phones }] : []),
      { field: 'marketingConsent', old: null, new: contact.marketingConsent },
      { field: 'primary', old: null, new: contact.primary },
    ],
  });
  return contact;
}

/**
 * Converts a lead in one transaction: customer (matched or created), contact (matched or created),
 * optionally an opportunity, and the lead marked CONVERTED. Any failure leaves nothing behind.
 */
export async function convertLead(ctx: ServiceContext, input: ConvertLeadInput) {
  const parsed = parseInput(ConvertLead, input);
  const none = { lead: null, customer: null, contact: null, opportunity: null, customerCreated: false };
  if (!parsed.ok) return { ...none, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx): Promise<ConvertLeadResult> => {
    const lead = await loadForWrite(tx, data.leadId, ['input', 'leadId']);
    if (lead.status === LeadStatus.CONVERTED) fail([alreadyConverted(['input', 'leadId'])]);
    if (lead.status === LeadStatus.DISQUALIFIED) {
      fail([userError('BUSINESS_RULE', 'A disqualified lead cannot be converted: change its status first.', ['input', 'leadId'])]);
    }
    const ownerId = await conversionOwner(tx, lead, data.ownerId);
    const match = await matchCustomer(tx, lead, data.customerId);
    const customerCreated = !match;
    const customer = match ? await tx.em.findOneOrFail(Customer, match.customerId) : newCustomer(tx, lead, ownerId);
    const contact = match?.contactId ? await tx.em.findOneOrFail(Contact, match.contactId) : await newContact(tx, lead, customer.id, customerCreated);
    const campaignId = refId(lead.campaign);
    const opportunity = data.createOpportunity
      ? insertOpportunity(tx, {
        customerId: customer.id, name: data.createOpportunity.name, amount: data.createOpportunity.amount,
        currency: data.createOpportunity.currency, expectedCloseDate: data.createOpportunity.expectedCloseDate,
        ownerId, campaignId, leadId: lead.id,
      })
      : null;
    const before = lead.status;
    lead.status = LeadStatus.CONVERTED;
    lead.convertedCustomer = customer;
    lead.convertedContact = contact;
    lead.convertedOpportunity = opportunity;
    lead.convertedAt = new Date();
    recordAudit(tx.em, tx.principal, {
      entityType: 'Lead', entityId: lead.id, customerId: customer.id, action: AuditAction.UPDATE,
      changes: [
        { field: 'status', old: before, new: LeadStatus.CONVERTED },
        { field: 'convertedContactId', old: null, new: contact.id },
        ...(opportunity ? [{ field: 'convertedOpportunityId', old: null, new: opportunity.id }] : []),
      ],
    });
    await tx.em.flush();
    return { lead, customer, contact, opportunity, customerCreated };
  });
  return result ? { ...result, errors } : { ...none, errors };
}


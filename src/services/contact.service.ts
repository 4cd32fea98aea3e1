import { z } from 'zod';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { AuditAction, BuyingRole, ContactChannel } from '../entities/enums';
import { diff, recordAudit } from './audit.service';
import { assignDefined } from './assign';
import type { ServiceContext } from './context';
import { visibleCustomerId } from './customer.service';
import { fail, inTransaction } from './transaction';
import { RollbackWithErrors, userError } from './errors';
import type { FilterSpec } from './filter';
import { readModel, type SortFieldOf, type SortTable } from './read-model';
import { maskedSql, personNameVisibleSql, visibleCustomer } from './scope';
import { contactSearchSql } from './search';
import { rows, sql, raw } from './sql';
import { ADDRESSES, EMAILS, ID, PHONES, optionalText, parseInput, text, type InputOf } from './validation';

export type ContactRow = Contact;
export type ContactOrderField = SortFieldOf<typeof CONTACT_ORDER>;

/** The sort enum `ContactOrderField` (schema/contact.inputs.ts registers it from this table). */
export const CONTACT_ORDER = {
  NAME: { expr: 'k.last_name', get: (r) => r.lastName, then: [{ expr: 'k.first_name', get: (r) => r.firstName }], description: 'Last name, then first name.' },
  CREATED_AT: { expr: 'k.created_at', get: (r) => r.createdAt, description: 'When the contact was created.' },
  UPDATED_AT: { expr: 'k.updated_at', get: (r) => r.updatedAt, description: 'When the contact was last changed.' },
} satisfies SortTable<ContactRow>;

/** The fields of the GraphQL `ContactFilter` (which checks it names the same ones). */
export const CONTACT_FILTER = {
  id: { expr: 'k.id', kind: 'scalar' },
  customerId: { expr: 'k.customer_id', kind: 'scalar' },
  firstName: { expr: 'k.first_name', kind: 'text' },
  lastName: { expr: 'k.last_name', kind: 'text' },
  title: { expr: 'k.title', kind: 'text' },
  department: { expr: 'k.department', kind: 'text' },
  buyingRole: { expr: 'k.buying_role', kind: 'scalar' },
  preferredChannel: { expr: 'k.preferred_channel', kind: 'scalar' },
  marketingConsent: { expr: 'k.marketing_consent', kind: 'scalar' },
  primary: { expr: 'k."primary"', kind: 'scalar' },
  createdAt: { expr: 'k.created_at', kind: 'scalar' },
  updatedAt: { expr: 'k.updated_at', kind: 'scalar' },
} satisfies FilterSpec;

export const contactReads = readModel<ContactRow>()({
  entity: 'Contact', table: 'contact', alias: 'k', parentColumn: 'k.customer_id',
  // Live contacts of live customers the caller can see; under a customer the caller already sees it.
  visible: (ctx) => sql`k.deleted_at is null and ${visibleCustomer(ctx.principal, 'k.customer_id')}`,
  visibleUnderParent: () => raw('k.deleted_at is null'),
  filter: CONTACT_FILTER,
  // Names the caller may not read are null to its filters (no probing).
  filterFor: (ctx, spec) => {
    const nameVisible = personNameVisibleSql(ctx.principal, 'k');
    return {
      ...spec,
      firstName: { expr: maskedSql('k.first_name', nameVisible), kind: 'text' },
      lastName: { expr: maskedSql('k.last_name', nameVisible), kind: 'text' },
    };
  },
  listWhere: (ctx, args: { search?: string | null }) => contactSearchSql(ctx.principal, args.search),
  order: { list: 'contacts', table: CONTACT_ORDER, default: { field: 'NAME', direction: 'ASC' } },
});

export const listContacts = contactReads.list;
export const contactsByIds = contactReads.byIds;
export const getContact = contactReads.get;

// ---------------------------------------------------------------------------------------- writes

const fields = {
  firstName: text(100),
  lastName: text(100),
  title: optionalText(150),
  department: optionalText(150),
  phones: PHONES,
  emails: EMAILS,
  addresses: ADDRESSES,
  buyingRole: z.nativeEnum(BuyingRole).nullish(),
  preferredChannel: z.nativeEnum(ContactChannel).nullish(),
  marketingConsent: z.boolean(),
  consentSource: optionalText(100),
  primary: z.boolean(),
};
const optionalFields = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> };

export const CreateContact = z.object({ customerId: ID('cus'), ...optionalFields, firstName: fields.firstName, lastName: fields.lastName });
const UpdateContact = z.object({ id: ID('con'), version: z.number().int(), ...optionalFields });

export type CreateContactInput = InputOf<typeof CreateContact>;
export type UpdateContactInput = InputOf<typeof UpdateContact>;

export const AUDITED = ['firstName', 'lastName', 'title', 'department', 'phones', 'emails', 'addresses', 'buyingRole', 'preferredChannel',
  'marketingConsent', 'consentAt', 'consentSource', 'primary', 'deletedAt'];
const NON_NULLABLE = ['firstName', 'lastName', 'phones', 'emails', 'addresses', 'marketingConsent', 'primary'];


function apply(contact: Contact, data: Partial<z.infer<typeof UpdateContact>> & { customerId?: string }) {
  const { marketingConsent, id: _id, version: _v, customerId: _customer, ...rest } = data;
  assignDefined(contact, rest);
  if (marketingConsent !== undefined && marketingConsent !== contact.marketingConsent) {
    contact.marketingConsent = marketingConsent;
    contact.consentAt = new Date();
  }
}

/** Only one primary contact per customer: making one primary demotes the previous one (audited). */
async function demoteOtherPrimary(tx: ServiceContext, contact: Contact, customerId: string) {
  // Plain SQL, before the new primary is flushed: `em.find` would auto-flush it first, and the unique
  // index `contact_one_primary` refuses two primaries even for that moment (a DUPLICATE error).
  const others = await rows<{ id: string }>(tx.em, sql`update contact set "primary" = false, updated_at = now(), version = version + 1
    where customer_id = ${customerId} and "primary" and deleted_at is null and id <> ${contact.id} returning id`);
  for (const other of others) {
    recordAudit(tx.em, tx.principal, { entityType: 'Contact', entityId: other.id, customerId, action: AuditAction.UPDATE, changes: [{ field: 'primary', old: true, new: false }] });
  }
}

export async function createContact(ctx: ServiceContext, input: CreateContactInput) {
  const parsed = parseInput(CreateContact, input);
  if (!parsed.ok) return { contact: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    if (!(await visibleCustomerId(tx, data.customerId))) fail([userError('NOT_FOUND', 'Customer not found.', ['input', 'customerId'])]);
    const contact = tx.em.create(Contact, { customer: tx.em.getReference(Customer, data.customerId), firstName: data.firstName, lastName: data.lastName, createdBy: ctx.principal.id });
    apply(contact, data);
    if (data.marketingConsent === undefined) contact.consentAt = null;
    if (contact.primary) await demoteOtherPrimary(tx, contact, data.customerId);
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Contact', entityId: contact.id, customerId: data.customerId, action: AuditAction.CREATE,
      changes: diff({}, { ...contact }, AUDITED).filter((ch) => ch.new !== null && !(Array.isArray(ch.new) && !ch.new.length)),
    });
    await tx.em.flush();
    return contact;
  });
  return { contact: result, errors };
}

async function loadForWrite(tx: ServiceContext, id: string): Promise<Contact> {
  const [row] = await contactsByIds(tx, [id]);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Contact not found.', ['input', 'id'])]);
  return tx.em.findOneOrFail(Contact, id);
}

export async function updateContact(ctx: ServiceContext, input: UpdateContactInput) {
  const parsed = parseInput(UpdateContact, input);
  if (!parsed.ok) return { contact: null, errors: parsed.errors };
  const data = parsed.data as z.infer<typeof UpdateContact> & Record<string, unknown>;
  const nullErrors = NON_NULLABLE.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { contact: null, errors: nullErrors };
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const contact = await loadForWrite(tx, data.id);
    if (contact.version !== data.version) {
      fail([userError('CONFLICT', `This contact was changed meanwhile (now version ${contact.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const customerId = refId(contact.customer)!;
    const before = { ...contact };
    apply(contact, data);
    const changes = diff(before, { ...contact }, AUDITED);
    if (!changes.length) return contact;
    if (data.primary === true && !before.primary) await demoteOtherPrimary(tx, contact, customerId);
    contact.updatedAt = new Date();
    recordAudit(tx.em, ctx.principal, { entityType: 'Contact', entityId: contact.id, customerId, action: AuditAction.UPDATE, changes });
    await tx.em.flush();
    return contact;
  });
  return { contact: result, errors };
}

export async function deleteContact(ctx: ServiceContext, id: string) {
  const parsed = parseInput(z.object({ id: ID('con') }), { id });
  if (!parsed.ok) return { contact: null, errors: parsed.errors };
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const contact = await loadForWrite(tx, id);
    contact.deletedAt = new Date();
    const customerId = refId(contact.customer)!;
    recordAudit(tx.em, ctx.principal, { entityType: 'Contact', entityId: contact.id, customerId, action: AuditAction.DELETE, changes: [{ field: 'deletedAt', old: null, new: contact.deletedAt.toISOString() }] });
    await tx.em.flush();
    return contact;
  });
  return { contact: result, errors };
}

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
import { filterSql, type Filter, type FilterSpec } from './filter';
import {
  type Connection, type ConnectionArgs, type Direction, keysetSql, lazyCount, orderKeys, orderSql, pageRequest, type SortKey, toConnection,
} from './pagination';
import { pagesByParent } from './pages-by-parent';
import { maskedSql, personNameVisibleSql, visibleCustomer } from './scope';
import { contactSearchSql } from './search';
import { and, columnsOf, list, rows, sql, type Sql } from './sql';
import { ADDRESSES, EMAILS, ID, PHONES, optionalText, parseInput, text, type InputOf } from './validation';

export type ContactRow = Contact;
export type ContactOrderField = 'NAME' | 'CREATED_AT' | 'UPDATED_AT';
export interface ContactOrderBy { field: ContactOrderField; direction: Direction }
export interface ContactListArgs extends ConnectionArgs {
  filter?: Filter | null;
  orderBy?: ContactOrderBy[] | null;
  search?: string | null;
}

const ORDER: Record<ContactOrderField, Omit<SortKey<ContactRow>, 'dir'>[]> = {
  NAME: [{ expr: 'k.last_name', get: (r) => r.lastName }, { expr: 'k.first_name', get: (r) => r.firstName }],
  CREATED_AT: [{ expr: 'k.created_at', get: (r) => r.createdAt }],
  UPDATED_AT: [{ expr: 'k.updated_at', get: (r) => r.updatedAt }],
};

const CONTACT_FILTER: FilterSpec = {
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
};

/** The filter fields for a caller: names it may not read are null to its filters (no probing). */
function contactFilter(ctx: ServiceContext): FilterSpec {
  const nameVisible = personNameVisibleSql(ctx.principal, 'k');
  return {
    ...CONTACT_FILTER,
    firstName: { expr: maskedSql('k.first_name', nameVisible), kind: 'text' },
    lastName: { expr: maskedSql('k.last_name', nameVisible), kind: 'text' },
  };
}

const sortKeys = (orderBy: ContactOrderBy[] | null | undefined) =>
  orderKeys('contacts', ORDER, orderBy, { field: 'NAME', direction: 'ASC' }, 'k.id');

/** Live contacts of live customers the caller can see. */
function visible(ctx: ServiceContext): Sql {
  return sql`k.deleted_at is null and ${visibleCustomer(ctx.principal, 'k.customer_id')}`;
}

export async function listContacts(ctx: ServiceContext, args: ContactListArgs) {
  const { keys, signature } = sortKeys(args.orderBy);
  const req = pageRequest(args, signature);
  const where = and([visible(ctx), filterSql(args.filter, contactFilter(ctx)), contactSearchSql(ctx.principal, args.search)]);
  const fetched = await rows<ContactRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Contact', 'k')} from contact k
    where ${where} and ${keysetSql(keys, req.cursor, req.backward)}
    order by ${orderSql(keys, req.backward)} limit ${req.limit + 1}`);
  const count = lazyCount(async () => (await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from contact k where ${where}`))[0].n);
  return toConnection(fetched, req, keys, signature, count);
}

/** One page of contacts for each of several (already visible) customers, in one statement. */
export async function contactPagesByCustomer(
  ctx: ServiceContext,
  customerIds: readonly string[],
  args: Omit<ContactListArgs, 'search'>,
  countFor: (customerId: string) => Promise<number>,
): Promise<Map<string, Connection<ContactRow>>> {
  const { keys, signature } = sortKeys(args.orderBy);
  return pagesByParent<ContactRow>(ctx.em, {
    parentIds: customerIds, columns: columnsOf(ctx.em, 'Contact', 'k'), from: 'contact k', parentColumn: 'k.customer_id',
    where: sql`k.deleted_at is null and ${filterSql(args.filter, contactFilter(ctx))}`,
    keys, req: pageRequest(args, signature), signature, countFor,
  });
}

/** Contact counts per customer (filtered like the pages), for `totalCount` of nested connections. */
export async function contactCountsByCustomer(ctx: ServiceContext, customerIds: readonly string[], filter: Filter | null | undefined) {
  if (!customerIds.length) return new Map<string, number>();
  const counted = await rows<{ id: string; n: number }>(ctx.em, sql`select k.customer_id as id, count(*)::int as n from contact k
    where k.customer_id in ${list([...customerIds])} and k.deleted_at is null and ${filterSql(filter, contactFilter(ctx))}
    group by k.customer_id`);
  return new Map(counted.map((r) => [r.id, r.n]));
}

export async function contactsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<ContactRow[]> {
  if (!ids.length) return [];
  return rows<ContactRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Contact', 'k')} from contact k where k.id in ${list([...ids])} and ${visible(ctx)}`);
}

export async function getContact(ctx: ServiceContext, id: string): Promise<ContactRow | null> {
  const [row] = await contactsByIds(ctx, [id]);
  return row ?? null;
}

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

const CreateContact = z.object({ customerId: ID('cus'), ...optionalFields, firstName: fields.firstName, lastName: fields.lastName });
const UpdateContact = z.object({ id: ID('con'), version: z.number().int(), ...optionalFields });

export type CreateContactInput = InputOf<typeof CreateContact>;
export type UpdateContactInput = InputOf<typeof UpdateContact>;

const AUDITED = ['firstName', 'lastName', 'title', 'department', 'phones', 'emails', 'addresses', 'buyingRole', 'preferredChannel',
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

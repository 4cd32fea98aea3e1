import { z } from 'zod';
import { Customer } from '../entities/customer.entity';
import { AuditAction, ChannelType, ChurnReason, CustomerKind, CustomerSource, CustomerStatus, Role, Sector, Tier } from '../entities/enums';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { refId } from '../entities/ids';
import { User } from '../entities/user.entity';
import { actorOf, diff, recordAudit } from './audit.service';
import { recordEvent } from './outbox';
import { assignDefined } from './assign';
import type { ServiceContext } from './context';
import { CUSTOM_ATTRIBUTES } from './custom-attributes';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { fail, inTransaction } from './transaction';
import type { FilterSpec } from './filter';
import {
  METRICS_JOIN, METRIC_FILTER, METRIC_FILTER_NULL, METRIC_SORT_FIELDS, isMetricSort, listByMetrics, metricFilterFor, refuseMetricSorts, sortAlias,
  type MetricSortKey,
} from './customer-metrics-list';
import { filterSql, type FilterOf } from './filter';
import type { OrderBy } from './pagination';
import { readModel, type Embed, type ListArgs, type SortField, type SortFieldOf, type SortTable } from './read-model';
import { assignableUserScope, customerNameVisibleSql, customerScope, maskedSql } from './scope';
import { searchSql } from './search';
import { and, newIdSql, or, rows, sql, textArray, type Sql } from './sql';
import { ADDRESSES, EMAILS, ID, MONEY, PHONES, TAGS, URL_TEXT, optionalText, parseInput, text, type InputOf, type NullOrOmitted } from './validation';
import { CUSTOMER_OWNERS, SETS_RESELLER } from '../auth/roles';

export type CustomerRow = Customer;

export type CustomerOrderField = SortFieldOf<typeof CUSTOMER_ORDER>;

/** The sort enum `CustomerOrderField` (schema/customer.inputs.ts registers it from this table). */
export const CUSTOMER_ORDER = {
  NAME: { expr: 'c.name', get: (r) => r.name, description: 'The name, alphabetically.' },
  CREATED_AT: { expr: 'c.created_at', get: (r) => r.createdAt, description: 'When the customer was created (the default, newest first).' },
  UPDATED_AT: {
    expr: 'c.updated_at', get: (r) => r.updatedAt,
    description: 'When the customer last changed (`Customer.updatedAt`); ties are broken by id, so cursors are stable for polling.',
  },
  ANNUAL_REVENUE: {
    expr: 'c.annual_revenue', nullable: true, get: (r) => r.annualRevenue,
    description: 'Annual revenue as a number; customers without one come last in both directions.',
  },
  EMPLOYEE_COUNT: {
    expr: 'c.employee_count', nullable: true, get: (r) => r.employeeCount,
    description: 'Number of employees; customers without one come last in both directions.',
  },
  ...metricOrder(),
} satisfies SortTable<CustomerRow>;

/** The metric sort keys (issue 12), read from `customer_metrics` (see customer-metrics-list.ts). */
function metricOrder(): Record<MetricSortKey, SortField<CustomerRow>> {
  const entries = Object.entries(METRIC_SORT_FIELDS).map(([field, f]) => [field, {
    expr: `m.${f.column}`, nullable: true, description: f.description,
    get: (r: CustomerRow) => (r as unknown as Record<string, unknown>)[sortAlias(field as MetricSortKey)] ?? null,
  }]);
  return Object.fromEntries(entries) as Record<MetricSortKey, SortField<CustomerRow>>;
}

/** The fields of the GraphQL `CustomerFilter` (which checks it names the same ones). */
export const CUSTOMER_FILTER = {
  id: { expr: 'c.id', kind: 'scalar' },
  name: { expr: 'c.name', kind: 'text' },
  kind: { expr: 'c.kind', kind: 'scalar' },
  sector: { expr: 'c.sector', kind: 'scalar' },
  tier: { expr: 'c.tier', kind: 'scalar' },
  vip: { expr: 'c.vip', kind: 'scalar' },
  industry: { expr: 'c.industry', kind: 'text' },
  status: { expr: 'c.status', kind: 'scalar' },
  churnReason: { expr: 'c.churn_reason', kind: 'scalar' },
  source: { expr: 'c.source', kind: 'scalar' },
  isPartner: { expr: 'c.is_partner', kind: 'scalar' },
  channelType: { expr: 'c.channel_type', kind: 'scalar' },
  ownerId: { expr: 'c.owner_id', kind: 'scalar' },
  referredById: { expr: 'c.referred_by_id', kind: 'scalar' },
  resoldById: { expr: 'c.resold_by_id', kind: 'scalar' },
  tags: { expr: 'c.tags', kind: 'tags' },
  annualRevenue: { expr: 'c.annual_revenue', kind: 'scalar' },
  employeeCount: { expr: 'c.employee_count', kind: 'scalar' },
  createdAt: { expr: 'c.created_at', kind: 'scalar' },
  updatedAt: { expr: 'c.updated_at', kind: 'scalar' },
  ...METRIC_FILTER,
} satisfies FilterSpec;

/** Visible, not deleted customers: the one base condition of every customer read. */
function visible(ctx: ServiceContext): Sql {
  return sql`c.deleted_at is null and ${customerScope(ctx.principal)}`;
}

/** The filter fields for a caller: a name it may not read, and metrics it may not use, are null to its filters (no probing). */
function customerFilterFor(ctx: ServiceContext, spec: typeof CUSTOMER_FILTER): FilterSpec {
  return { ...spec, name: { expr: maskedSql('c.name', customerNameVisibleSql(ctx.principal)), kind: 'text' }, ...metricFilterFor(ctx.principal) };
}

const listWhere = (ctx: ServiceContext, args: { search?: string | null }) => searchSql(ctx.principal, args.search);
const DEFAULT_ORDER: OrderBy<CustomerOrderField> = { field: 'CREATED_AT', direction: 'DESC' };

export const customerReads = readModel<CustomerRow>()({
  entity: 'Customer', table: 'customer', alias: 'c',
  // For the metric filters; unused (no metric filtered on), PostgreSQL removes the join, so plain lists and reads by id are unchanged.
  join: METRICS_JOIN,
  // Field resolvers that read only the id and the references (projection: see ReadModelSpec.fieldNeeds).
  fieldNeeds: { contacts: [], externalRefs: [], history: [], opportunities: [], orders: [], cases: [], membership: [], metrics: [], timeline: [] },
  visible,
  visibleUnderParent: visible,
  filter: CUSTOMER_FILTER,
  filterFor: customerFilterFor,
  listWhere,
  order: { list: 'customers', table: CUSTOMER_ORDER, default: DEFAULT_ORDER },
});

export type CustomerListArgs = ListArgs<typeof CUSTOMER_ORDER, typeof CUSTOMER_FILTER> & { search?: string | null; embed?: readonly Embed[] };

/**
 * The customer list. Sorted by a metric, it is read by `listByMetrics` (index-served, see there), after
 * refusing a metric the caller may not use; otherwise by the read model.
 */
export async function listCustomers(ctx: ServiceContext, args: CustomerListArgs) {
  const orderBy = args.orderBy ?? [];
  if (!orderBy.some((o) => isMetricSort(o.field))) return customerReads.list(ctx, args);
  refuseMetricSorts(ctx.principal, orderBy);
  const spec = customerFilterFor(ctx, CUSTOMER_FILTER);
  const filter = args.filter as FilterOf<typeof CUSTOMER_FILTER> | null | undefined;
  const base = (filterSpec: FilterSpec) => and([visible(ctx), filterSql(filter, filterSpec), listWhere(ctx, args)]);
  // For customers without a metrics row every metric is null: spelled so in SQL, PostgreSQL folds e.g. `paretoClass: { eq: A }` to false.
  const withoutMetrics = { ...spec, ...METRIC_FILTER_NULL };
  const table: SortTable<CustomerRow> = CUSTOMER_ORDER;
  const columns = Object.fromEntries(Object.entries(table).map(([field, { expr, nullable, get }]) => [field, [{ expr, nullable, get }]]));
  return listByMetrics<CustomerRow>(ctx, { columns, orderBy, where: base(spec), whereWithoutMetrics: base(withoutMetrics), args });
}
/** Customers by id, visible to the caller only; the order of the result is not guaranteed. */
export const customersByIds = customerReads.byIds;
export const getCustomer = customerReads.get;

export async function externalRefsByCustomerIds(ctx: ServiceContext, ids: readonly string[]) {
  if (!ids.length) return [];
  return rows<{ customerId: string; system: string; ref: string }>(ctx.em, sql`select r.customer_id as "customerId", r.system, r.ref
    from customer_external_ref r where r.customer_id = any(${textArray([...ids])}) order by r.system, r.ref`);
}

// ---------------------------------------------------------------------------------------- writes

const EXTERNAL_REFS = z
  .array(z.object({ system: text(40).transform((s) => s.toLowerCase()), ref: text(120) }))
  .max(20, 'At most 20 external references.')
  .superRefine((refs, c) => {
    const seen = new Set<string>();
    refs.forEach((r, i) => {
      if (seen.has(r.system)) c.addIssue({ code: 'custom', path: [i, 'system'], message: `Only one reference per system (\`${r.system}\` twice).` });
      seen.add(r.system);
    });
  });

const fields = {
  name: text(200),
  kind: z.nativeEnum(CustomerKind),
  sector: z.nativeEnum(Sector),
  tier: z.nativeEnum(Tier),
  vip: z.boolean(),
  industry: optionalText(100),
  employeeCount: z.number().int().min(0, 'Must be 0 or more.').max(10_000_000).nullish(),
  annualRevenue: MONEY.nullish(),
  annualCategoryBudget: MONEY.nullish(),
  website: URL_TEXT.nullish(),
  phones: PHONES,
  emails: EMAILS,
  addresses: ADDRESSES,
  ownerId: ID('usr'),
  source: z.nativeEnum(CustomerSource).nullish(),
  referredById: ID('cus').nullish(),
  resoldById: ID('cus').nullish(),
  status: z.nativeEnum(CustomerStatus),
  churnReason: z.nativeEnum(ChurnReason).nullish(),
  churnNote: optionalText(2000),
  isPartner: z.boolean(),
  channelType: z.nativeEnum(ChannelType).nullish(),
  tags: TAGS,
  customAttributes: CUSTOM_ATTRIBUTES,
  marketingConsent: z.boolean(),
  consentSource: optionalText(100),
  externalRefs: EXTERNAL_REFS,
};

export const CreateCustomer = z.object({
  ...fields,
  sector: fields.sector.nullish(),
  tier: fields.tier.optional(),
  vip: fields.vip.optional(),
  phones: fields.phones.optional(),
  emails: fields.emails.optional(),
  addresses: fields.addresses.optional(),
  ownerId: fields.ownerId.nullish(),
  status: fields.status.optional(),
  isPartner: fields.isPartner.optional(),
  tags: fields.tags.optional(),
  customAttributes: fields.customAttributes.optional(),
  marketingConsent: fields.marketingConsent.optional(),
  externalRefs: fields.externalRefs.optional(),
});

const UpdateCustomer = z.object(fields).partial().extend({ id: ID('cus'), version: z.number().int() });

export type CreateCustomerInput = InputOf<typeof CreateCustomer>;
export type UpdateCustomerInput = { id: string; version: number } & NullOrOmitted<Partial<CreateCustomerInput>>;

/** Fields recorded in the audit log (everything a user can change). */
export const AUDITED = [
  'name', 'kind', 'sector', 'tier', 'vip', 'industry', 'employeeCount', 'annualRevenue', 'annualCategoryBudget', 'website', 'phones', 'emails',
  'addresses', 'ownerId', 'source', 'referredById', 'resoldById', 'status', 'churnReason', 'churnNote', 'isPartner', 'channelType',
  'tags', 'customAttributes', 'marketingConsent', 'consentAt', 'consentSource', 'externalRefs', 'deletedAt',
];

const NON_NULLABLE = ['name', 'kind', 'sector', 'tier', 'vip', 'ownerId', 'status', 'isPartner', 'marketingConsent', 'tags', 'phones', 'emails', 'addresses', 'customAttributes', 'externalRefs'];

type Snapshot = Record<string, unknown>;

function snapshot(c: Customer, externalRefs: { system: string; ref: string }[]): Snapshot {
  return {
    ...c,
    ownerId: refId(c.owner),
    referredById: refId(c.referredBy),
    resoldById: refId(c.resoldBy),
    externalRefs: [...externalRefs].sort((a, b) => a.system.localeCompare(b.system)),
  };
}

/** Rules across fields, checked on the state a write would produce. */
export function businessRules(s: Snapshot): UserError[] {
  const errors: UserError[] = [];
  const f = (name: string) => ['input', name];
  if (s.sector === Sector.ENTERPRISE && typeof s.employeeCount === 'number' && s.employeeCount < 400) {
    errors.push(userError('VALIDATION', 'ENTERPRISE means 400 or more employees; this headcount is lower.', f('sector')));
  }
  if (s.kind === CustomerKind.INDIVIDUAL && s.sector !== Sector.CONSUMER && s.sector !== Sector.OTHER) {
    errors.push(userError('VALIDATION', 'An INDIVIDUAL customer is in the CONSUMER (or OTHER) sector.', f('sector')));
  }
  if (s.vip && s.tier !== Tier.KEY) errors.push(userError('VALIDATION', 'Only KEY accounts can be VIP.', f('vip')));
  if (s.status === CustomerStatus.CHURNED && !s.churnReason) errors.push(userError('VALIDATION', 'A CHURNED customer needs a churnReason.', f('churnReason')));
  if (s.status !== CustomerStatus.CHURNED && s.churnReason) errors.push(userError('VALIDATION', 'churnReason is only set when status is CHURNED.', f('churnReason')));
  if (s.channelType && !s.isPartner) errors.push(userError('VALIDATION', 'channelType is only set for partners (isPartner: true).', f('channelType')));
  if (s.referredById && s.referredById === s.id) errors.push(userError('VALIDATION', 'A customer cannot refer itself.', f('referredById')));
  if (s.resoldById && s.resoldById === s.id) errors.push(userError('VALIDATION', 'A customer cannot resell to itself.', f('resoldById')));
  return errors;
}

export function defaultSector(kind: CustomerKind, employeeCount: number | null | undefined): Sector {
  if (kind === CustomerKind.INDIVIDUAL) return Sector.CONSUMER;
  if (employeeCount == null) return Sector.OTHER;
  return employeeCount >= 400 ? Sector.ENTERPRISE : Sector.SMALL_BUSINESS;
}

/**
 * Who may own a customer or a deal (`what`): reps only themselves, managers anyone active in their
 * subtree, ADMIN and keys anyone active in sales.
 */
export async function ownerErrors(ctx: ServiceContext, ownerId: string, field = ['input', 'ownerId'], what = 'customers'): Promise<UserError[]> {
  const { principal } = ctx;
  if (principal.role === Role.SALES_REP && ownerId !== principal.id) {
    return [userError('FORBIDDEN', `A sales rep can only own ${what} themselves.`, field)];
  }
  const [owner] = await rows<{ active: boolean; role: Role }>(ctx.em, sql`select u.active, u.role from app_user u
    where u.id = ${ownerId} and ${assignableUserScope(principal)}`);
  if (!owner) return [userError('NOT_FOUND', 'No such user in your team.', field)];
  if (!owner.active) return [userError('VALIDATION', 'The owner is deactivated.', field)];
  if (!CUSTOMER_OWNERS.includes(owner.role)) {
    return [userError('VALIDATION', `${what[0].toUpperCase()}${what.slice(1)} are owned by sales reps, sales managers or admins.`, field)];
  }
  return [];
}

/** The id of a live customer the caller can see, or null (inside a write's transaction). */
export async function visibleCustomerId(tx: ServiceContext, customerId: string): Promise<string | null> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select c.id from customer c where c.id = ${customerId} and ${visible(tx)}`);
  return row?.id ?? null;
}

export async function referenceErrors(ctx: ServiceContext, referredById: string | null | undefined): Promise<UserError[]> {
  if (!referredById) return [];
  const found = await customersByIds(ctx, [referredById]);
  return found.length ? [] : [userError('NOT_FOUND', 'The referring customer does not exist.', ['input', 'referredById'])];
}

/**
 * `resoldById` names the partner that resells to the customer: staff only; a live customer visible
 * to the caller (NOT_FOUND otherwise) with isPartner (VALIDATION), never the customer itself.
 */
export async function resellerErrors(ctx: ServiceContext, resoldById: string | null | undefined, selfId: string | null): Promise<UserError[]> {
  const field = ['input', 'resoldById'];
  if (resoldById === undefined) return [];
  if (ctx.principal.type !== 'USER' || !SETS_RESELLER.includes(ctx.principal.role)) {
    return [userError('FORBIDDEN', 'Only ADMIN, sales managers and sales reps link a customer to the partner reselling to it.', field)];
  }
  if (!resoldById) return [];
  if (resoldById === selfId) return [userError('VALIDATION', 'A customer cannot resell to itself.', field)];
  const [partner] = await customersByIds(ctx, [resoldById]);
  if (!partner) return [userError('NOT_FOUND', 'The reselling partner does not exist.', field)];
  if (!partner.isPartner) return [userError('VALIDATION', 'That customer is not a partner (isPartner: false).', field)];
  return [];
}

/** A partner that still resells to customers (deleted ones included) cannot stop being a partner. */
async function stillResellsErrors(ctx: ServiceContext, customerId: string): Promise<UserError[]> {
  const [{ n }] = await rows<{ n: number }>(ctx.em, sql`select count(*)::int as n from customer c where c.resold_by_id = ${customerId}`);
  return n ? [userError('BUSINESS_RULE', `This partner still resells to ${n} customer(s): link them to another partner (or none) first.`, ['input', 'isPartner'])] : [];
}

async function externalRefErrors(ctx: ServiceContext, refs: { system: string; ref: string }[] | undefined, selfId: string | null): Promise<UserError[]> {
  if (!refs?.length) return [];
  const pairs = refs.map((r) => sql`(r.system = ${r.system} and r.ref = ${r.ref})`);
  const taken = await rows<{ system: string; ref: string }>(ctx.em, sql`select r.system, r.ref from customer_external_ref r
    where ${or(pairs)} ${selfId ? sql`and r.customer_id <> ${selfId}` : sql``}`);
  return taken.map((t) => userError('DUPLICATE', `Another customer already has ${t.system} reference "${t.ref}".`,
    ['input', 'externalRefs', String(refs.findIndex((r) => r.system === t.system)), 'ref']));
}

function applyFields(em: ServiceContext['em'], c: Customer, data: Partial<z.infer<typeof CreateCustomer>>): void {
  const { ownerId, referredById, resoldById, externalRefs: _refs, marketingConsent, consentSource, ...rest } = data;
  assignDefined(c, rest);
  if (ownerId) c.owner = em.getReference(User, ownerId);
  if (referredById !== undefined) c.referredBy = referredById ? em.getReference(Customer, referredById) : null;
  if (resoldById !== undefined) c.resoldBy = resoldById ? em.getReference(Customer, resoldById) : null;
  if (marketingConsent !== undefined && marketingConsent !== c.marketingConsent) {
    c.marketingConsent = marketingConsent;
    c.consentAt = new Date();
  }
  if (consentSource !== undefined) c.consentSource = consentSource;
  // When it churned: stamped when the status becomes CHURNED, cleared when it leaves it (churn analysis, issue 12).
  if (c.status === CustomerStatus.CHURNED) c.churnedAt ??= new Date();
  else c.churnedAt = null;
}

async function replaceExternalRefs(em: ServiceContext['em'], customer: Customer, refs: { system: string; ref: string }[]) {
  await em.nativeDelete(CustomerExternalRef, { customer: customer.id });
  for (const r of refs) em.persist(em.create(CustomerExternalRef, { customer, system: r.system, ref: r.ref }));
}

export async function createCustomer(ctx: ServiceContext, input: CreateCustomerInput) {
  const parsed = parseInput(CreateCustomer, input);
  if (!parsed.ok) return { customer: null, errors: parsed.errors };
  const data = parsed.data;
  const isUser = ctx.principal.type === 'USER';
  const ownerId = data.ownerId ?? (isUser ? ctx.principal.id : null);
  if (!ownerId) return { customer: null, errors: [userError('VALIDATION', 'API keys must name the owner of a new customer.', ['input', 'ownerId'])] };

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    fail([
      ...(await ownerErrors(tx, ownerId)), ...(await referenceErrors(tx, data.referredById)), ...(await resellerErrors(tx, data.resoldById ?? undefined, null)),
      ...(await externalRefErrors(tx, data.externalRefs, null)),
    ]);
    const customer = tx.em.create(Customer, {
      name: data.name, kind: data.kind, sector: data.sector ?? defaultSector(data.kind, data.employeeCount), owner: tx.em.getReference(User, ownerId),
      createdBy: ctx.principal.id,
    });
    // The sector is set above (null or omitted: the default); applying a null one would reach the NOT NULL column.
    applyFields(tx.em, customer, { ...data, sector: undefined, ownerId });
    if (data.marketingConsent === undefined) customer.consentAt = null;
    fail(businessRules(snapshot(customer, data.externalRefs ?? [])));
    await replaceExternalRefs(tx.em, customer, data.externalRefs ?? []);
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Customer', entityId: customer.id, customerId: customer.id, action: AuditAction.CREATE,
      changes: diff({}, snapshot(customer, data.externalRefs ?? []), AUDITED).filter((ch) => ch.new !== null && !(Array.isArray(ch.new) && !ch.new.length)),
    });
    recordEvent(tx.em, ctx.principal, { type: 'customer.created', entityType: 'Customer', entityId: customer.id, customerId: customer.id });
    await tx.em.flush();
    return customer;
  });
  return { customer: result, errors };
}

/** Loads a visible, live customer as a managed entity inside the transaction. */
async function loadForWrite(tx: ServiceContext, id: string, deleted = false): Promise<Customer> {
  const [row] = await rows<{ id: string }>(tx.em, sql`select c.id from customer c
    where c.id = ${id} and c.deleted_at is ${deleted ? sql`not null` : sql`null`} and ${customerScope(tx.principal)}`);
  if (!row) throw new RollbackWithErrors([userError('NOT_FOUND', 'Customer not found.', ['input', 'id'])]);
  return tx.em.findOneOrFail(Customer, id);
}

async function refsOf(tx: ServiceContext, id: string) {
  return (await externalRefsByCustomerIds(tx, [id])).map(({ system, ref }) => ({ system, ref }));
}

export async function updateCustomer(ctx: ServiceContext, input: UpdateCustomerInput) {
  const parsed = parseInput(UpdateCustomer, input);
  if (!parsed.ok) return { customer: null, errors: parsed.errors };
  const data = parsed.data as z.infer<typeof UpdateCustomer> & Record<string, unknown>;
  const nullErrors = NON_NULLABLE.filter((k) => data[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { customer: null, errors: nullErrors };

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const customer = await loadForWrite(tx, data.id);
    if (customer.version !== data.version) {
      fail([userError('CONFLICT', `This customer was changed meanwhile (now version ${customer.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    const refsBefore = await refsOf(tx, customer.id);
    const before = snapshot(customer, refsBefore);
    if (data.ownerId && data.ownerId !== before.ownerId) {
      if (ctx.principal.role === Role.SALES_REP) fail([userError('FORBIDDEN', 'Only a manager or admin can change the owner.', ['input', 'ownerId'])]);
      fail(await ownerErrors(tx, data.ownerId));
    }
    if (data.referredById) fail(await referenceErrors(tx, data.referredById));
    if (data.resoldById !== undefined && data.resoldById !== before.resoldById) fail(await resellerErrors(tx, data.resoldById, customer.id));
    if (data.isPartner === false && before.isPartner === true) fail(await stillResellsErrors(tx, customer.id));
    if (data.externalRefs) fail(await externalRefErrors(tx, data.externalRefs, customer.id));
    applyFields(tx.em, customer, data);
    const after = snapshot(customer, data.externalRefs ?? refsBefore);
    fail(businessRules(after));
    const changes = diff(before, after, AUDITED);
    if (changes.length === 0) return customer;
    if (data.externalRefs) await replaceExternalRefs(tx.em, customer, data.externalRefs);
    customer.updatedAt = new Date();
    recordAudit(tx.em, ctx.principal, { entityType: 'Customer', entityId: customer.id, customerId: customer.id, action: AuditAction.UPDATE, changes });
    // No field names or values in the event: the reader's rendering of the record shows what it may see.
    recordEvent(tx.em, ctx.principal, { type: 'customer.updated', entityType: 'Customer', entityId: customer.id, customerId: customer.id });
    await tx.em.flush();
    return customer;
  });
  return { customer: result, errors };
}

/**
 * Why a customer cannot be deleted (issue 14, definition 1): money it still owes is accounts receivable,
 * so a customer with receivables OPEN or OVERDUE (outstanding money; SETTLED and WRITTEN_OFF ones owe nothing), with contract instalments still
 * SCHEDULED for billing, or with ON_ACCOUNT orders billed to it and not billed yet (PENDING_CREDIT_APPROVAL, PENDING,
 * CONFIRMED: fulfilling one would issue a receivable on the deleted customer) is refused, naming how much is open per currency.
 */
async function openMoneyErrors(tx: ServiceContext, customerId: string): Promise<UserError[]> {
  // Locks the customer row first: signing and billing on account lock it too (the credit check), so no new
  // receivable or scheduled instalment can slip in between this check and the delete.
  await rows(tx.em, sql`select c.id from customer c where c.id = ${customerId} for update`);
  const open = await rows<{ currency: string; outstanding: string; scheduled: string; ordered: string }>(tx.em, sql`
    with m as (
      select r.currency, r.amount - r.paid_amount as outstanding, 0::numeric as scheduled, 0::numeric as ordered
        from receivable r where r.customer_id = ${customerId} and r.status in ('OPEN', 'OVERDUE') and r.paid_amount < r.amount
      union all
      select s.currency, 0::numeric, s.amount, 0::numeric from billing_schedule s where s.customer_id = ${customerId} and s.status = 'SCHEDULED'
      union all
      select o.currency, 0::numeric, 0::numeric, o.total from sales_order o
        where o.bill_to_id = ${customerId} and o.payment_terms = 'ON_ACCOUNT' and o.status in ('PENDING_CREDIT_APPROVAL', 'PENDING', 'CONFIRMED')
    )
    select m.currency, sum(m.outstanding)::numeric(18, 2)::text as outstanding, sum(m.scheduled)::numeric(18, 2)::text as scheduled,
      sum(m.ordered)::numeric(18, 2)::text as ordered
    from m group by m.currency order by m.currency`);
  if (!open.length) return [];
  const parts = open.map((o) => [
    `${o.outstanding} ${o.currency} outstanding`,
    o.scheduled !== '0.00' ? `${o.scheduled} ${o.currency} scheduled for billing` : null,
    o.ordered !== '0.00' ? `${o.ordered} ${o.currency} ordered on account, not billed yet` : null,
  ].filter(Boolean).join(' and '));
  return [userError('BUSINESS_RULE', `This customer still has open money (${parts.join('; ')}): a customer with receivables not settled, `
    + 'contract instalments still scheduled or on-account orders not billed yet cannot be deleted. Settle the receivables (recordPayment) or write them off, '
    + 'terminate its contracts (which cancels their scheduled instalments) and complete or cancel its on-account orders, then delete it.', ['input', 'id'])];
}

async function setDeleted(ctx: ServiceContext, id: string, deleted: boolean) {
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const customer = await loadForWrite(tx, id, !deleted);
    if (deleted) fail(await openMoneyErrors(tx, customer.id));
    // A merged duplicate is an empty shell whose records live on at the survivor (mergeCustomers): it stays deleted.
    if (!deleted && customer.mergedInto) {
      fail([userError('BUSINESS_RULE', `This customer was merged into ${refId(customer.mergedInto)}: its records are there; it cannot be restored.`, ['input', 'id'])]);
    }
    const before = customer.deletedAt ?? null;
    customer.deletedAt = deleted ? new Date() : null;
    recordAudit(tx.em, ctx.principal, {
      entityType: 'Customer', entityId: customer.id, customerId: customer.id,
      action: deleted ? AuditAction.DELETE : AuditAction.RESTORE,
      changes: diff({ deletedAt: before }, { deletedAt: customer.deletedAt }, ['deletedAt']),
    });
    await tx.em.flush();
    return customer;
  });
  return { customer: result, errors };
}

/** Soft delete: the customer and its contacts disappear from every read; `restoreCustomer` brings them back. */
export const deleteCustomer = (ctx: ServiceContext, id: string) => setDeleted(ctx, id, true);
export const restoreCustomer = (ctx: ServiceContext, id: string) => setDeleted(ctx, id, false);

/** Moves every customer (deleted ones too) from one user to another in one statement, each move audited. */
export async function reassignCustomers(ctx: ServiceContext, input: { fromUserId: string; toUserId: string }) {
  const parsed = parseInput(z.object({ fromUserId: ID('usr'), toUserId: ID('usr') }), input);
  if (!parsed.ok) return { movedCount: 0, errors: parsed.errors };
  const { fromUserId, toUserId } = parsed.data;
  if (fromUserId === toUserId) return { movedCount: 0, errors: [userError('VALIDATION', 'Pick two different users.', ['input', 'toUserId'])] };

  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const [from] = await rows<{ id: string }>(tx.em, sql`select u.id from app_user u where u.id = ${fromUserId} and ${assignableUserScope(ctx.principal)}`);
    if (!from) fail([userError('NOT_FOUND', 'No such user in your team.', ['input', 'fromUserId'])]);
    fail(await ownerErrors(tx, toUserId, ['input', 'toUserId']));
    const { actorType, actorId } = actorOf(ctx.principal);
    const moved = await rows<{ id: string }>(tx.em, sql`with moved as (
        update customer set owner_id = ${toUserId}, updated_at = now(), version = version + 1
        where owner_id = ${fromUserId} returning id
      )
      insert into audit_event (id, entity_type, entity_id, customer_id, action, actor_type, actor_id, at, changes)
      select ${newIdSql('AuditEvent')}, 'Customer', id, id, 'REASSIGN', ${actorType}, ${actorId}, now(),
        jsonb_build_array(jsonb_build_object('field', 'ownerId', 'old', ${fromUserId}::text, 'new', ${toUserId}::text))
      from moved returning entity_id as id`);
    return moved.length;
  });
  return { movedCount: result ?? 0, errors };
}


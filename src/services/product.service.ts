import Decimal from 'decimal.js';
import { z } from 'zod';
import { Product } from '../entities/product.entity';
import { assignDefined } from './assign';
import { readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { InputError, RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { TRUE, columnsOf, likeEscape, raw, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, parseInput, text, CURRENCY, MONEY, type InputOf } from './validation';

export type ProductRow = Product;

export type ProductOrderField = SortFieldOf<typeof PRODUCT_ORDER>;

/** The sort enum `ProductOrderField` (schema/product.inputs.ts registers it from this table). */
export const PRODUCT_ORDER = {
  NAME: { expr: 'p.name', get: (r) => r.name, description: 'The product name (the default sort).' },
  SKU: { expr: 'p.sku', get: (r) => r.sku, description: 'The stock-keeping unit.' },
  LIST_PRICE: { expr: 'p.list_price', get: (r) => r.listPrice, description: 'The list price as a number, regardless of currency.' },
  CREATED_AT: { expr: 'p.created_at', get: (r) => r.createdAt, description: 'When the product was added to the catalogue.' },
} satisfies SortTable<ProductRow>;

/** The fields of the GraphQL `ProductFilter` (which checks it names the same ones). */
export const PRODUCT_FILTER = {
  id: { expr: 'p.id', kind: 'scalar' },
  sku: { expr: 'p.sku', kind: 'text' },
  name: { expr: 'p.name', kind: 'text' },
  category: { expr: 'p.category', kind: 'text' },
  active: { expr: 'p.active', kind: 'scalar' },
  listPrice: { expr: 'p.list_price', kind: 'scalar' },
  currency: { expr: 'p.currency', kind: 'text' },
  createdAt: { expr: 'p.created_at', kind: 'scalar' },
} satisfies FilterSpec;

/** Case-insensitive substring match on name and SKU (trigram indexes on both). */
function productSearchSql(term: string | null | undefined): Sql {
  if (term == null) return raw('true');
  const trimmed = term.trim();
  if (trimmed.length < 2) throw new InputError('Search needs at least 2 characters.', 'search');
  if (trimmed.length > 100) throw new InputError('Search takes at most 100 characters.', 'search');
  const pattern = `%${likeEscape(trimmed)}%`;
  return sql`(p.name ilike ${pattern} or p.sku ilike ${pattern})`;
}

export const productReads = readModel<ProductRow>()({
  entity: 'Product', table: 'product', alias: 'p',
  // The catalogue is not record-scoped: whoever may read products reads all of them (the root field's rule decides).
  visible: () => TRUE,
  filter: PRODUCT_FILTER,
  listWhere: (_ctx, args: { search?: string | null }) => productSearchSql(args.search),
  order: { list: 'products', table: PRODUCT_ORDER, default: { field: 'NAME', direction: 'ASC' } },
});

export const listProducts = productReads.list;
export const getProduct = productReads.get;

export async function getProductBySku(ctx: ServiceContext, sku: string): Promise<ProductRow | null> {
  const [row] = await rows<ProductRow>(ctx.em, sql`select ${columnsOf(ctx.em, 'Product', 'p')} from product p where p.sku = ${sku.trim().toUpperCase()}`);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------- margins

/** listPrice − cost, 2 decimals; null without a cost. */
export function margin(p: Pick<Product, 'listPrice' | 'cost'>): string | null {
  if (p.cost == null) return null;
  return new Decimal(p.listPrice).minus(p.cost).toFixed(2);
}

/** Margin as % of the list price, 2 decimals (half-up); null without a cost or with a list price of 0. */
export function marginPercent(p: Pick<Product, 'listPrice' | 'cost'>): string | null {
  if (p.cost == null) return null;
  const price = new Decimal(p.listPrice);
  if (price.isZero()) return null;
  return price.minus(p.cost).div(price).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

// ---------------------------------------------------------------------------------------- writes


const SKU = z.string().trim().transform((v) => v.toUpperCase())
  .refine((v) => /^[A-Z0-9._-]{1,64}$/.test(v), 'A SKU is 1–64 characters of A–Z, 0–9, ".", "_" and "-".');

const required = z.boolean().optional();
const OPTION = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('enum'),
    values: z.array(z.string().trim().min(1, 'Values must not be empty.').max(100, 'A value is at most 100 characters.'))
      .min(1, 'An enum option needs at least one value.').max(100, 'At most 100 values.')
      .refine((v) => new Set(v).size === v.length, 'Values must be unique.'),
    required,
  }).strict(),
  z.object({ type: z.literal('string'), maxLength: z.number().int('A whole number.').min(1).max(1000).optional(), required }).strict(),
  z.object({ type: z.literal('integer'), min: z.number().int('A whole number.').optional(), max: z.number().int('A whole number.').optional(), required }).strict(),
  z.object({ type: z.literal('boolean'), required }).strict(),
], { errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'type is one of enum, string, integer, boolean.' } : { message: ctx.defaultError }) })
  .refine((o) => o.type !== 'integer' || o.min == null || o.max == null || o.min <= o.max, { message: 'min must not exceed max.', path: ['min'] });

/** The options schema itself must be well-formed: option names → one option definition each. */
const OPTIONS_SCHEMA = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'Option names start with a letter; letters, digits and "_" only, at most 40 characters.'),
  OPTION,
).refine((o) => Object.keys(o).length <= 50, 'At most 50 options.');

/** A percentage 0–100 with at most 2 decimals, normalised to 2 decimals: "12.5" → "12.50". */
const PERCENT = z.string().trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'A percentage with at most 2 decimals, e.g. "12.50".')
  .refine((v) => new Decimal(v).lte(100), 'At most 100 percent.')
  .transform((v) => new Decimal(v).toFixed(2));

const fields = {
  sku: SKU,
  name: text(200),
  category: text(100),
  listPrice: MONEY,
  memberPrice: MONEY.nullish(),
  cost: MONEY.nullish(),
  maxDiscountPercent: PERCENT,
  currency: CURRENCY,
  active: z.boolean(),
  optionsSchema: OPTIONS_SCHEMA,
  serialised: z.boolean(),
  warrantyMonths: z.number().int('A whole number of months.').min(0, 'At least 0 (0: no warranty).').max(240, 'At most 240 months.'),
};

export const CreateProduct = z.object({
  ...fields,
  maxDiscountPercent: fields.maxDiscountPercent.optional(),
  currency: fields.currency.optional(),
  active: fields.active.optional(),
  optionsSchema: fields.optionsSchema.optional(),
  serialised: fields.serialised.optional(),
  warrantyMonths: fields.warrantyMonths.optional(),
});

const UpdateProduct = z.object({
  id: ID('prd'),
  version: z.number().int(),
  sku: fields.sku.optional(),
  name: fields.name.optional(),
  category: fields.category.optional(),
  listPrice: fields.listPrice.optional(),
  memberPrice: fields.memberPrice,
  cost: fields.cost,
  maxDiscountPercent: fields.maxDiscountPercent.nullish(),
  currency: fields.currency.optional(),
  active: fields.active.optional(),
  optionsSchema: fields.optionsSchema.optional(),
  serialised: fields.serialised.nullish(),
  warrantyMonths: fields.warrantyMonths.nullish(),
});

/** `optionsSchema` is any JSON object on the way in (a GraphQL JSONObject); the schema checks its shape. */
type LooseOptions<T> = Omit<T, 'optionsSchema'> & { optionsSchema?: Record<string, unknown> | null };
export type CreateProductInput = LooseOptions<InputOf<typeof CreateProduct>>;
export type UpdateProductInput = LooseOptions<InputOf<typeof UpdateProduct>>;

const NON_NULLABLE = ['sku', 'name', 'category', 'listPrice', 'maxDiscountPercent', 'currency', 'active', 'optionsSchema', 'serialised', 'warrantyMonths'] as const;

async function skuErrors(ctx: ServiceContext, sku: string, exceptId: string | null): Promise<UserError[]> {
  const [taken] = await rows(ctx.em, sql`select 1 as x from product p where p.sku = ${sku} and p.id <> ${exceptId ?? ''}`);
  return taken ? [userError('DUPLICATE', `Another product already has SKU "${sku}".`, ['input', 'sku'])] : [];
}

export function memberPriceErrors(listPrice: string, memberPrice: string | null | undefined): UserError[] {
  if (memberPrice == null || new Decimal(memberPrice).lte(listPrice)) return [];
  return [userError('VALIDATION', 'The member price must not exceed the list price.', ['input', 'memberPrice'])];
}

async function withRow(ctx: ServiceContext, outcome: { result: Product | null; errors: UserError[] }) {
  if (!outcome.result) return { product: null, errors: outcome.errors };
  return { product: await getProduct(ctx, outcome.result.id), errors: outcome.errors };
}

export async function createProduct(ctx: ServiceContext, input: CreateProductInput) {
  const parsed = parseInput(CreateProduct, input);
  if (!parsed.ok) return { product: null, errors: parsed.errors };
  const data = parsed.data;
  const priceErrors = memberPriceErrors(data.listPrice, data.memberPrice);
  if (priceErrors.length) return { product: null, errors: priceErrors };
  const outcome = await inTransaction(ctx, async (tx) => {
    fail(await skuErrors(tx, data.sku, null));
    const product = tx.em.create(Product, {
      sku: data.sku, name: data.name, category: data.category, listPrice: data.listPrice,
      memberPrice: data.memberPrice ?? null, cost: data.cost ?? null, maxDiscountPercent: data.maxDiscountPercent ?? '0.00', currency: data.currency ?? 'EUR',
      active: data.active ?? true, optionsSchema: data.optionsSchema ?? {},
      serialised: data.serialised ?? false, warrantyMonths: data.warrantyMonths ?? 0,
    });
    tx.em.persist(product);
    await tx.em.flush();
    return product;
  });
  return withRow(ctx, outcome);
}

export async function updateProduct(ctx: ServiceContext, input: UpdateProductInput) {
  const parsed = parseInput(UpdateProduct, input);
  if (!parsed.ok) return { product: null, errors: parsed.errors };
  const data = parsed.data;
  const nullErrors = NON_NULLABLE.filter((k) => (data as Record<string, unknown>)[k] === null).map((k) => userError('VALIDATION', `${k} cannot be null.`, ['input', k]));
  if (nullErrors.length) return { product: null, errors: nullErrors };

  const outcome = await inTransaction(ctx, async (tx) => {
    const product = await tx.em.findOne(Product, data.id);
    if (!product) throw new RollbackWithErrors([userError('NOT_FOUND', 'Product not found.', ['input', 'id'])]);
    if (product.version !== data.version) {
      fail([userError('CONFLICT', `This product was changed meanwhile (now version ${product.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    if (data.sku !== undefined && data.sku !== product.sku) fail(await skuErrors(tx, data.sku, product.id));
    const listPrice = data.listPrice ?? new Decimal(product.listPrice).toFixed(2);
    const memberPrice = data.memberPrice !== undefined ? data.memberPrice : product.memberPrice;
    fail(memberPriceErrors(listPrice, memberPrice));
    const { id: _id, version: _version, ...fields } = data;
    assignDefined(product, fields);
    product.updatedAt = new Date();
    await tx.em.flush();
    return product;
  });
  return withRow(ctx, outcome);
}

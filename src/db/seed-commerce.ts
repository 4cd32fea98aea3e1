import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { PaymentTerms } from '../entities/finance.enums';
import { newId } from '../entities/ids';
import { OrderStatus } from '../entities/order.entity';
import { pushOrder, updateOrderStatus, type PushOrderInput } from '../services/order.service';
import { insertRows } from './seed-sql';

/**
 * The demo's catalogue and orders, on top of the demo users, customers and money side (`seedDemo(em, {
 * sales: true })`: `npm start` and `npm run seed`; not the tests):
 * - a small catalogue: the build-to-order laptop `LAP-14-PRO` (options ram, engraving, gift; the one the
 *   README's order examples push), a dock, a monitor, a support pack, and a discontinued laptop;
 * - orders pushed through the API's own `pushOrder` rules, so totals, credit checks, holds and audit
 *   entries are exactly what the API makes: two PREPAID web-shop orders (one CONFIRMED), the partner's
 *   order for its own shop (ON_ACCOUNT, within the dealer's limit; no new customer), and an ON_ACCOUNT order of
 *   rep2's customer over its credit limit, waiting for FINANCE (PENDING_CREDIT_APPROVAL with a PENDING hold).
 *
 * Deterministic apart from ids: fixed customers (the first matching ones by creation time), products and
 * quantities. Runs inside the caller's transaction (the services' own transactions become savepoints).
 */

export interface CommerceSeedCounts {
  products: number;
  orders: number;
  creditHolds: number;
}

/** [sku, name, category, list price, member price, cost, serialised, warranty months, options schema, active] */
type ProductPlan = [string, string, string, string, string | null, string | null, boolean, number, Record<string, unknown>, boolean];

const PRODUCTS: ProductPlan[] = [
  ['LAP-14-PRO', 'ProBook 14 Pro laptop (build to order)', 'Laptops', '1299.00', '1199.00', '880.00', true, 24, {
    ram: { type: 'enum', values: ['16GB', '32GB'], required: true },
    engraving: { type: 'string', maxLength: 30 },
    gift: { type: 'boolean' },
  }, true],
  ['DOCK-USB-C', 'USB-C docking station', 'Accessories', '189.00', null, '120.00', false, 12, {}, true],
  ['MON-27-4K', '27" 4K monitor', 'Monitors', '349.00', '329.00', '250.00', true, 36, {}, true],
  ['SUP-NBD-3Y', 'Next-business-day support, 3 years', 'Services', '249.00', null, null, false, 0, {}, true],
  ['LAP-13-OLD', 'ProBook 13 laptop (discontinued)', 'Laptops', '899.00', null, '700.00', true, 24, {}, false],
];

export async function seedCommerce(em: EntityManager): Promise<CommerceSeedCounts> {
  const none: CommerceSeedCounts = { products: 0, orders: 0, creditHolds: 0 };
  const users = await em.execute<{ id: string; email: string; partner_customer_id: string | null }[]>(
    `select id, email, partner_customer_id from app_user where email in ('admin@demo.crm', 'rep1@demo.crm', 'rep2@demo.crm', 'partner@demo.crm')`);
  const user = (email: string) => users.find((u) => u.email === email);
  const admin = user('admin@demo.crm');
  const partner = user('partner@demo.crm');
  const rep1 = user('rep1@demo.crm');
  const rep2 = user('rep2@demo.crm');
  if (!admin || !partner?.partner_customer_id || !rep1 || !rep2) return none;

  await insertRows(em, 'product', [['id', 'text'], ['sku', 'text'], ['name', 'text'], ['category', 'text'], ['list_price', 'numeric'],
    ['member_price', 'numeric'], ['cost', 'numeric'], ['currency', 'text'], ['serialised', 'boolean'], ['warranty_months', 'int'],
    ['options_schema', 'jsonb'], ['active', 'boolean']],
  PRODUCTS.map(([sku, name, category, list, member, cost, serialised, warranty, options, active]) =>
    [newId('Product'), sku, name, category, list, member, cost, 'EUR', serialised, warranty, JSON.stringify(options), active]));

  // Customers: an individual of rep1 (web shop), a business of rep1 (web shop), and the business of rep2 whose
  // credit the finance seed rated (B, 25,000 EUR, with a contract of 9,000 EUR open): the first of each by creation.
  const first = async (where: string, params: unknown[]) =>
    (await em.execute<{ id: string }[]>(`select id from customer where deleted_at is null and status <> 'CHURNED' and ${where} order by created_at, id limit 1`, params))[0]?.id;
  const shopper = await first(`kind = 'INDIVIDUAL' and owner_id = ?`, [rep1.id]);
  const business = await first(`kind = 'BUSINESS' and not is_partner and owner_id = ?`, [rep1.id]);
  const heldCustomer = await first(`kind = 'BUSINESS' and not is_partner and owner_id = ? and credit_currency = 'EUR' and credit_limit is not null`, [rep2.id]);
  if (!shopper || !business || !heldCustomer) return none;

  const as = (principal: Principal) => ({ em, principal });
  const adminCtx = as({ type: 'USER', id: admin.id, role: Role.ADMIN, scopes: [], partnerCustomerId: null });
  const partnerCtx = as({ type: 'USER', id: partner.id, role: Role.PARTNER, scopes: [], partnerCustomerId: partner.partner_customer_id });
  const push = async (ctx: ReturnType<typeof as>, input: PushOrderInput) => {
    const { order, errors } = await pushOrder(ctx, input);
    if (!order) throw new Error(`Demo order ${input.externalRef} refused: ${JSON.stringify(errors)}`);
    return order;
  };

  const web1 = await push(adminCtx, {
    idempotencyKey: 'demo-web-10001', externalRef: 'WEB-10001', channel: 'WEB', currency: 'EUR', paymentTerms: PaymentTerms.PREPAID,
    customer: { customerId: shopper },
    lines: [{ sku: 'LAP-14-PRO', quantity: 1, unitPrice: '1299.00', configuration: { ram: '16GB', gift: true } },
      { sku: 'DOCK-USB-C', quantity: 1, unitPrice: '189.00' }],
  });
  const confirmed = await updateOrderStatus(adminCtx, { id: web1.id, version: web1.version, status: OrderStatus.CONFIRMED });
  if (!confirmed.order) throw new Error(`Demo order WEB-10001 not confirmed: ${JSON.stringify(confirmed.errors)}`);
  await push(adminCtx, {
    idempotencyKey: 'demo-web-10002', externalRef: 'WEB-10002', channel: 'WEB', currency: 'EUR', paymentTerms: PaymentTerms.PREPAID,
    customer: { customerId: business },
    lines: [{ sku: 'MON-27-4K', quantity: 4, unitPrice: '349.00' }, { sku: 'SUP-NBD-3Y', quantity: 4, unitPrice: '249.00' }],
  });
  // The dealer orders demo units for its own shop, on account (within its limit).
  await push(partnerCtx, {
    idempotencyKey: 'demo-partner-0001', externalRef: 'D-0001', channel: 'PARTNER', currency: 'EUR',
    customer: { customerId: partner.partner_customer_id },
    lines: [{ sku: 'LAP-14-PRO', quantity: 2, unitPrice: '1299.00', configuration: { ram: '32GB', engraving: 'Vogel' } }],
  });
  // Twenty laptops on account: over the customer's limit, so the order waits for a credit decision.
  const held = await push(adminCtx, {
    idempotencyKey: 'demo-web-10003', externalRef: 'WEB-10003', channel: 'WEB', currency: 'EUR', paymentTerms: PaymentTerms.ON_ACCOUNT,
    customer: { customerId: heldCustomer },
    lines: [{ sku: 'LAP-14-PRO', quantity: 20, unitPrice: '1299.00', configuration: { ram: '32GB' } }],
  });
  if (held.status !== OrderStatus.PENDING_CREDIT_APPROVAL) throw new Error(`Demo order WEB-10003 should wait for credit approval, is ${held.status}.`);
  return { products: PRODUCTS.length, orders: 4, creditHolds: 1 };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { Role } from '../entities/enums';
import { PaymentTerms } from '../entities/finance.enums';
import { OrderStatus } from '../entities/order.entity';
import { expirePoints } from '../services/loyalty-ledger';
import { enrolInTx } from '../services/loyalty.service';
import { createOffer, registerInterest } from '../services/offer.service';
import { MembershipTier, OfferAppliesTo, OfferDiscountType, OfferTarget } from '../entities/loyalty.enums';
import { pushOrder, updateOrderStatus, type PushOrderInput } from '../services/order.service';

/**
 * The demo's loyalty programme (issue 11), on top of the catalogue (`seedCommerce`), through the API's own
 * services so that every point is what the rules make:
 * - four members of rep1, one per tier, their tiers earned by completed web-shop orders at member prices
 *   (PLATINUM 17 laptops, GOLD 5, SILVER 1, STANDARD none);
 * - the SILVER member's ledger shows BONUS, EARN, REDEEM (orders paid partly with points) and REVERSAL (a
 *   returned order: redeemed points back, earned points taken back); the STANDARD member's an EXPIRE (300
 *   points migrated from the previous programme 25 months ago, expired by the job);
 * - two offers through `createOffer`: GOLD10 (10 % off the order for GOLD members and above, limited to
 *   the first 100 orders, once per customer), and MON-LAUNCH (the 27" monitor at 50.00 off per unit,
 *   for everyone, 20 units, with 48 hours of early access for the customers who asked to be notified:
 *   the STANDARD and SILVER members registered interest first, so their owner got a task each).
 */
export async function seedLoyalty(em: EntityManager): Promise<{ members: number }> {
  const [admin] = await em.execute<{ id: string }[]>(`select id from app_user where email = 'admin@demo.crm'`);
  const [rep1] = await em.execute<{ id: string }[]>(`select id from app_user where email = 'rep1@demo.crm'`);
  if (!admin || !rep1) return { members: 0 };
  const members = (await em.execute<{ id: string }[]>(`select id from customer where deleted_at is null and status <> 'CHURNED' and not is_partner
    and resold_by_id is null and owner_id = ? order by created_at, id offset 2 limit 4`, [rep1.id])).map((c) => c.id);
  if (members.length < 4) return { members: 0 };
  const ctx = { em, principal: { type: 'USER', id: admin.id, role: Role.ADMIN, scopes: [], partnerCustomerId: null } as Principal };
  let n = 0;
  const push = async (customerId: string, input: Partial<PushOrderInput>) => {
    n += 1;
    const { order, errors } = await pushOrder(ctx, {
      idempotencyKey: `demo-loyalty-${n}`, externalRef: `WEB-2${String(n).padStart(4, '0')}`, channel: 'WEB', currency: 'EUR',
      paymentTerms: PaymentTerms.PREPAID, customer: { customerId }, lines: [], ...input,
    });
    if (!order) throw new Error(`Demo loyalty order ${n} refused: ${JSON.stringify(errors)}`);
    return order;
  };
  const move = async (order: { id: string }, ...statuses: OrderStatus[]) => {
    for (const status of statuses) {
      const [{ version }] = await em.execute<{ version: number }[]>('select version from sales_order where id = ?', [order.id]);
      const res = await updateOrderStatus(ctx, { id: order.id, version, status });
      if (!res.order) throw new Error(`Demo loyalty order not ${status}: ${JSON.stringify(res.errors)}`);
    }
  };
  const complete = (order: { id: string }) => move(order, OrderStatus.CONFIRMED, OrderStatus.FULFILLED, OrderStatus.COMPLETED);
  const laptops = (quantity: number) => [{ sku: 'LAP-14-PRO', quantity, configuration: { ram: '16GB' } }];

  const [platinum, gold, silver, standard] = members;
  for (const id of members) await enrolInTx(ctx, id);
  await complete(await push(platinum, { lines: laptops(17) })); // 17 × 1199 = 20,383.00
  await complete(await push(gold, { lines: laptops(5) })); // 5,995.00
  // SILVER: a laptop (1,199.00 → 1,199 points), then a monitor paid partly with 1,000 points, then a dock returned.
  await complete(await push(silver, { lines: laptops(1) }));
  await complete(await push(silver, { lines: [{ sku: 'MON-27-4K', quantity: 1 }], pointsToRedeem: 1000 }));
  const returned = await push(silver, { lines: [{ sku: 'DOCK-USB-C', quantity: 1 }], pointsToRedeem: 500 });
  await complete(returned);
  await move(returned, OrderStatus.RETURNED);
  // Points migrated from the previous programme, credited 25 months ago: expired by the job.
  await em.execute(`insert into points_entry (id, membership_id, customer_id, kind, points, balance_after, expires_on, reason, created_by, created_at)
    select 'pte_' || replace(gen_random_uuid()::text, '-', ''), m.id, m.customer_id, 'ADJUST', 300,
      (select e.balance_after from points_entry e where e.membership_id = m.id order by e.seq desc limit 1) + 300,
      (current_date - interval '1 month')::date, 'Points migrated from the previous programme', ?, now() - interval '25 months'
    from loyalty_membership m where m.customer_id = ?`, [admin.id, standard]);
  await expirePoints(em, new Date());

  const [monitor] = await em.execute<{ id: string }[]>(`select id from product where sku = 'MON-27-4K'`);
  for (const customerId of [standard, silver]) {
    const interest = await registerInterest(ctx, { customerId, productId: monitor.id });
    if (!interest.interest) throw new Error(`Demo interest refused: ${JSON.stringify(interest.errors)}`);
  }
  const now = Date.now();
  const day = 86400_000;
  for (const input of [
    { code: 'GOLD10', name: '10 % for Gold members', description: 'Thank you for your loyalty: 10 % off your next order.', discountType: OfferDiscountType.PERCENT,
      appliesTo: OfferAppliesTo.ORDER, percent: '10', target: OfferTarget.TIER, targetTier: MembershipTier.GOLD, quantityLimit: 100, oncePerCustomer: true,
      validFrom: new Date(now - day), validUntil: new Date(now + 60 * day) },
    { code: 'MON-LAUNCH', name: '27" 4K monitor launch', description: '50.00 off each of the first 20 monitors.', discountType: OfferDiscountType.AMOUNT,
      appliesTo: OfferAppliesTo.PRODUCT, productId: monitor.id, amount: '50.00', currency: 'EUR', target: OfferTarget.EVERYONE, quantityLimit: 20,
      validFrom: new Date(now - day), validUntil: new Date(now + 30 * day), earlyAccessUntil: new Date(now + 2 * day) },
  ]) {
    const made = await createOffer(ctx, input);
    if (!made.offer) throw new Error(`Demo offer ${input.code} refused: ${JSON.stringify(made.errors)}`);
  }
  return { members: members.length };
}

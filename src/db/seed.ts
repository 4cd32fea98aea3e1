import type { EntityManager } from '@mikro-orm/postgresql';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import {
  BuyingRole, ChannelType, ChurnReason, ContactChannel, CreditRating, CustomerKind, CustomerSource, CustomerStatus, Role, Sector, Tier,
} from '../entities/enums';
import { CustomerExternalRef } from '../entities/external-ref.entity';
import { User } from '../entities/user.entity';
import { hashPassword } from '../services/user.service';
import { seedCommerce } from './seed-commerce';
import { seedLoyalty } from './seed-loyalty';
import { seedRevenue } from './seed-revenue';
import { refreshMetrics } from '../services/metrics-refresh';
import { seedFinance } from './seed-finance';
import { seedWriteOffs } from './seed-write-off';
import { seedSales } from './seed-sales';
import { seedService } from './seed-service';

export const DEMO_PASSWORD = 'demo1234';

import { prng } from './prng';

export { prng };

const FIRST = ['Anna', 'Ben', 'Chen', 'Daria', 'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Lena', 'Marco', 'Nadia', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wei', 'Yusuf', 'Zoe'];
const LAST = ['Adler', 'Brandt', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Huang', 'Ivanova', 'Jensen', 'Kowalski', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Újvári', 'Vogel', 'Weber', 'Young', 'Zhang'];
const COMPANY_A = ['Northwind', 'Bluebird', 'Granite', 'Silverline', 'Harbor', 'Summit', 'Redwood', 'Evergreen', 'Ironbridge', 'Lakeside', 'Maple', 'Orion', 'Pioneer', 'Quartz', 'Riverside', 'Sterling', 'Horizon', 'Atlas', 'Beacon', 'Cobalt'];
const COMPANY_B = ['Logistics', 'Foods', 'Electronics', 'Retail', 'Health', 'Motors', 'Systems', 'Textiles', 'Energy', 'Media', 'Furniture', 'Appliances', 'Pharma', 'Builders', 'Telecom'];
const SUFFIX = ['GmbH', 'Ltd', 'Inc', 'SA', 'AB', 'BV', 'Co'];
const INDUSTRIES = ['Retail', 'Logistics', 'Manufacturing', 'Healthcare', 'Education', 'Public sector', 'Finance', 'Hospitality', 'Telecom', 'Energy'];
const CITIES: [string, string][] = [['Berlin', 'DE'], ['Lyon', 'FR'], ['Milan', 'IT'], ['Madrid', 'ES'], ['Leeds', 'GB'], ['Utrecht', 'NL'], ['Malmö', 'SE'], ['Austin', 'US'], ['Osaka', 'JP'], ['Shanghai', 'CN']];
const TAGS = ['priority', 'north', 'south', 'newsletter', 'trade-show', 'renewal', 'upsell', 'pilot', 'reference'];

export interface DemoUsers { [email: string]: User }

/** One user per role; the manager has two reps; the partner user belongs to a dealer customer. */
async function seedUsers(em: EntityManager): Promise<DemoUsers> {
  const hash = await hashPassword(DEMO_PASSWORD);
  const make = (email: string, name: string, role: Role, extra: Partial<User> = {}) =>
    em.create(User, { email, name, role, passwordHash: hash, ...extra });
  const admin = make('admin@demo.crm', 'Ada Admin', Role.ADMIN);
  const manager = make('manager@demo.crm', 'Max Manager', Role.SALES_MANAGER, { team: 'Direct sales' });
  const rep1 = make('rep1@demo.crm', 'Rita Rep', Role.SALES_REP, { manager, team: 'Direct sales' });
  const rep2 = make('rep2@demo.crm', 'Raj Rep', Role.SALES_REP, { manager, team: 'Direct sales' });
  const users = [admin, manager, rep1, rep2,
    make('service@demo.crm', 'Sam Service', Role.SERVICE_AGENT, { team: 'Call centre' }),
    make('marketing@demo.crm', 'Mia Marketing', Role.MARKETING),
    make('finance@demo.crm', 'Fred Finance', Role.FINANCE),
    make('analyst@demo.crm', 'Alex Analyst', Role.ANALYST)];
  await em.persistAndFlush(users);
  return Object.fromEntries(users.map((u) => [u.email, u]));
}

/**
 * Demo data: users (password `demo1234`), `customers` customers across every sector, tier and channel
 * type owned by the two reps, 1–5 contacts each, and a dealer with its partner user. With `sales`
 * (`npm start`, `npm run seed`; not the tests, which build their own sales fixtures), also a sales
 * pipeline: campaigns, leads, opportunities with stage history, activities and tasks (seed-sales.ts), and
 * the money side: credit assessments, signed contracts, receivables (one overdue), a payment (seed-finance.ts), a
 * receivable written off as bad debt (seed-write-off.ts), a
 * catalogue and orders, one held for credit (seed-commerce.ts), and the service desk (seed-service.ts).
 * Idempotent: does nothing when the demo admin already exists.
 */
export async function seedDemo(em: EntityManager, opts: { customers?: number; seed?: number; sales?: boolean } = {}): Promise<boolean> {
  const [existing] = await em.getConnection().execute(`select 1 from app_user where email = 'admin@demo.crm'`);
  if (existing) return false;
  const count = opts.customers ?? 200;
  const rnd = prng(opts.seed ?? 42);
  await em.transactional(async (tx) => {
    const users = await seedUsers(tx as EntityManager);
    const reps = [users['rep1@demo.crm'], users['rep2@demo.crm']];
    const base = Date.now() - count * 3_600_000;
    const sectors = Object.values(Sector);
    const tiers = Object.values(Tier);
    const channels = Object.values(ChannelType);
    const created: Customer[] = [];
    for (let i = 0; i < count; i++) {
      const individual = i % 5 === 4;
      const isPartner = !individual && i % 10 === 3;
      const [city, country] = rnd.pick(CITIES);
      const first = rnd.pick(FIRST);
      const last = rnd.pick(LAST);
      const sector = individual ? Sector.CONSUMER : sectors[i % sectors.length] === Sector.CONSUMER ? Sector.SMALL_BUSINESS : sectors[i % sectors.length];
      const employees = individual ? null : sector === Sector.ENTERPRISE ? rnd.int(400, 50000) : rnd.chance(0.8) ? rnd.int(2, 399) : null;
      const tier = tiers[i % tiers.length];
      const status = i % 17 === 0 ? CustomerStatus.CHURNED : i % 11 === 0 ? CustomerStatus.AT_RISK : CustomerStatus.ACTIVE;
      const name = individual ? `${first} ${last}` : `${rnd.pick(COMPANY_A)} ${rnd.pick(COMPANY_B)} ${rnd.pick(SUFFIX)}`;
      const slug = name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '');
      const createdAt = new Date(base + i * 3_600_000);
      const customer = tx.create(Customer, {
        name, kind: individual ? CustomerKind.INDIVIDUAL : CustomerKind.BUSINESS, sector, tier,
        vip: tier === Tier.KEY && i % 3 === 0,
        industry: individual ? null : rnd.pick(INDUSTRIES),
        employeeCount: employees,
        annualRevenue: individual ? null : `${rnd.int(50, 500000)}000.00`,
        website: individual ? null : `https://www.${slug}.example`,
        phones: [{ label: individual ? 'mobile' : 'switchboard', number: `+49 30 ${rnd.int(1000000, 9999999)}` }],
        emails: [{ label: individual ? 'personal' : 'info', address: individual ? `${slug}${i}@mail.example` : `info@${slug}.example` }],
        addresses: [{ label: 'main', line1: `${rnd.int(1, 200)} Market Street`, city, country, postalCode: String(rnd.int(10000, 99999)) }],
        owner: reps[i % 2],
        source: rnd.pick(Object.values(CustomerSource)),
        status,
        churnReason: status === CustomerStatus.CHURNED ? rnd.pick(Object.values(ChurnReason)) : null,
        // churned over the last six months (churn analysis needs the moment)
        churnedAt: status === CustomerStatus.CHURNED ? new Date(Date.now() - ((i * 7) % 180 + 1) * 86_400_000) : null,
        isPartner,
        channelType: isPartner ? channels[(i / 10) % channels.length | 0] : null,
        tags: TAGS.filter(() => rnd.chance(0.2)),
        customAttributes: i % 4 === 0 ? { newsletter: rnd.chance(0.5), preferredDeliveryDay: rnd.pick(['MON', 'WED', 'FRI']) } : {},
        marketingConsent: rnd.chance(0.6),
        consentAt: createdAt,
        consentSource: 'web form',
        creditRating: individual ? null : rnd.pick(Object.values(CreditRating)),
        creditLimit: individual ? null : `${rnd.int(5, 500)}000.00`,
        creditCurrency: individual ? null : 'EUR',
        createdAt, updatedAt: createdAt,
      });
      if (i > 10 && rnd.chance(0.1)) customer.referredBy = created[rnd.int(0, created.length - 1)];
      created.push(customer);
      if (i % 3 === 0) tx.persist(tx.create(CustomerExternalRef, { customer, system: 'erp', ref: `ERP-${100000 + i}` }));
      const contacts = individual ? 1 : rnd.int(1, 5);
      for (let j = 0; j < contacts; j++) {
        const cf = individual && j === 0 ? first : rnd.pick(FIRST);
        const cl = individual && j === 0 ? last : rnd.pick(LAST);
        tx.persist(tx.create(Contact, {
          customer, firstName: cf, lastName: cl,
          title: individual ? null : rnd.pick(['CEO', 'Head of Purchasing', 'IT Manager', 'Office Manager', 'CFO', 'Store Manager']),
          department: individual ? null : rnd.pick(['Management', 'Purchasing', 'IT', 'Finance', 'Operations']),
          phones: [{ label: 'mobile', number: `+49 151 ${rnd.int(1000000, 9999999)}` }],
          emails: [{ label: 'work', address: `${cf}.${cl}.${i}${j}@${individual ? 'mail' : slug}.example`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '') }],
          buyingRole: rnd.pick(Object.values(BuyingRole)),
          preferredChannel: rnd.pick(Object.values(ContactChannel)),
          marketingConsent: rnd.chance(0.5),
          primary: j === 0,
          createdAt: new Date(createdAt.getTime() + j * 1000), updatedAt: new Date(createdAt.getTime() + j * 1000),
        }));
      }
    }
    tx.persist(created);
    // The partner user acts for the first dealer.
    const dealer = created.find((c) => c.isPartner)!;
    tx.persist(tx.create(User, {
      email: 'partner@demo.crm', name: 'Pat Partner', role: Role.PARTNER, partnerCustomer: dealer,
      passwordHash: users['admin@demo.crm'].passwordHash,
    }));
    await tx.flush();
    if (opts.sales) {
      await seedSales(tx as EntityManager, prng((opts.seed ?? 42) + 1));
      await seedFinance(tx as EntityManager);
      await seedWriteOffs(tx as EntityManager);
      await seedCommerce(tx as EntityManager);
      await seedLoyalty(tx as EntityManager);
      await seedRevenue(tx as EntityManager);
      await seedService(tx as EntityManager);
      // Metrics of every customer as of the seed, so the demo's value figures and segments are there from the start.
      await refreshMetrics(tx as EntityManager, new Date());
    }
  });
  return true;
}

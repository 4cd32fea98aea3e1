import DataLoader from 'dataloader';
import type { AuditEvent } from '../entities/audit-event.entity';
import { historyCountsByCustomer, historyPagesByCustomer } from '../services/audit.service';
import { contactCountsByCustomer, contactPagesByCustomer, contactsByIds, type ContactListArgs, type ContactRow } from '../services/contact.service';
import { customersByIds, externalRefsByCustomerIds, type CustomerRow } from '../services/customer.service';
import type { Connection } from '../services/pagination';
import { usersByIds, type UserRow } from '../services/user.service';
import type { CallerContext, ServiceContext } from '../services/context';
import { byKey, byKeyFor, groupBy, perArgs } from './batch';
import { readsCustomers } from '../auth/rules';

/** Loaders of customers, their contacts, external references and history, and of users. */
export function createCustomerLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const customer = new DataLoader<string, CustomerRow | null>(async (ids) => byKeyFor(ctx, readsCustomers, ids, () => customersByIds(svc(), ids)));
  const contact = new DataLoader<string, ContactRow | null>(async (ids) => byKeyFor(ctx, readsCustomers, ids, () => contactsByIds(svc(), ids)));
  const user = new DataLoader<string, UserRow | null>(async (ids) => byKey(ids, await usersByIds(ctx.em, ids)));
  const externalRefs = new DataLoader<string, { system: string; ref: string }[]>(async (ids) =>
    groupBy(ids, await externalRefsByCustomerIds(svc(), ids), (r) => r.customerId));
  const contactCount = perArgs((argsKey) => new DataLoader<string, number>(async (ids) => {
    const counts = await contactCountsByCustomer(svc(), ids, JSON.parse(argsKey).filter);
    return ids.map((id) => counts.get(id) ?? 0);
  }));
  const contactPage = perArgs((argsKey) => new DataLoader<string, Connection<ContactRow>>(async (ids) => {
    const args = JSON.parse(argsKey) as ContactListArgs;
    const pages = await contactPagesByCustomer(svc(), ids, args, (id) => contactCount({ filter: args.filter ?? null }).load(id));
    return ids.map((id) => pages.get(id)!);
  }));
  const historyCount = new DataLoader<string, number>(async (ids) => {
    const counts = await historyCountsByCustomer(svc(), ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const historyPage = perArgs((argsKey) => new DataLoader<string, Connection<AuditEvent>>(async (ids) => {
    const pages = await historyPagesByCustomer(svc(), ids, JSON.parse(argsKey), (id) => historyCount.load(id));
    return ids.map((id) => pages.get(id)!);
  }));
  return { customer, contact, user, externalRefs, contactPage, contactCount, historyPage };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCustomerLoaders> {}
}

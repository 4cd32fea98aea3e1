import DataLoader from 'dataloader';
import { historyReads } from '../services/audit.service';
import { contactReads } from '../services/contact.service';
import { customerReads, externalRefsByCustomerIds } from '../services/customer.service';
import { usersByIds, type UserRow } from '../services/user.service';
import type { CallerContext, ServiceContext } from '../services/context';
import { byKey, groupBy } from './batch';
import { readLoaders } from './read-loaders';
import { readsCustomers } from '../auth/rules';

/** Loaders of customers, their contacts, external references and history, and of users. */
export function createCustomerLoaders(ctx: CallerContext) {
  const svc = (): ServiceContext => ({ em: ctx.em, principal: ctx.principal! });
  const customers = readLoaders(ctx, customerReads, readsCustomers);
  const contacts = readLoaders(ctx, contactReads, readsCustomers);
  // Read through `Customer.history` (the customer is visible, and the field's policy admits the caller) and node(id).
  const history = readLoaders(ctx, historyReads);
  const user = new DataLoader<string, UserRow | null>(async (ids) => byKey(ids, await usersByIds(ctx.em, ids)));
  const externalRefs = new DataLoader<string, { system: string; ref: string }[]>(async (ids) =>
    groupBy(ids, await externalRefsByCustomerIds(svc(), ids), (r) => r.customerId));
  return {
    customer: customers.byId, contact: contacts.byId, user, externalRefs,
    contactPage: contacts.page, contactEmbedded: contacts.embedded, contactCount: contacts.count, historyPage: history.page,
  };
}

// This domain's loaders, typed on the request's `Loaders` (see loaders/index.ts).
declare module './index' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the members of the factory's result
  interface Loaders extends ReturnType<typeof createCustomerLoaders> {}
}

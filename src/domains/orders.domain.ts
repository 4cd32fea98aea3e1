import { orderPermissions } from '../auth/order.permissions';
import { productPermissions } from '../auth/product.permissions';
import { Order } from '../entities/order.entity';
import { OrderLine } from '../entities/order-line.entity';
import { Product } from '../entities/product.entity';
import { createOrderLoaders } from '../loaders/order.loaders';
import { createProductLoaders } from '../loaders/product.loaders';
import { Migration20261201000000Products } from '../../migrations/Migration20261201000000Products';
import { Migration20261202000000Orders } from '../../migrations/Migration20261202000000Orders';
import { Migration20261209000000ShopRules } from '../../migrations/Migration20261209000000ShopRules';
import { CustomerOrdersResolver, OrderLineResolver, OrderResolver } from '../resolvers/order.resolver';
import { ProductResolver } from '../resolvers/product.resolver';
import { purgeIdempotencyKeys } from '../services/order.service';
import { orderScope } from '../services/scope';
import { raw, sql } from '../services/sql';
import { timelineRowsById } from '../services/timeline.service';
import type { Domain } from './domain';

/** The product catalogue and orders, pushed by web shops and partners or entered by staff. */
export const ordersDomain: Domain = {
  name: 'orders',
  entities: [Product, Order, OrderLine],
  migrations: [
    { name: 'Migration20261201000000Products', class: Migration20261201000000Products },
    { name: 'Migration20261202000000Orders', class: Migration20261202000000Orders },
    { name: 'Migration20261209000000ShopRules', class: Migration20261209000000ShopRules },
  ],
  resolvers: [ProductResolver, OrderResolver, OrderLineResolver, CustomerOrdersResolver],
  permissions: [productPermissions, orderPermissions],
  loaders: [createProductLoaders, createOrderLoaders],
  nodes: {
    Product: (ctx, ids) => ctx.loaders.productById.loadMany(ids),
    Order: (ctx, ids) => ctx.loaders.orderById.loadMany(ids),
  },
  audit: [{ types: ['Order'], visible: (p, a) => sql`exists (select 1 from sales_order o where o.id = ${raw(a)}.entity_id and ${orderScope(p)})` }],
  uniqueFields: {
    product_sku_key: ['input', 'sku'],
    sales_order_external_ref_key: ['input', 'externalRef'],
  },
  timeline: [{
    kind: 'ORDER', rank: 6, entity: Order,
    description: 'An order was placed: the node is an `Order`, `at` is its `createdAt`. Shown to those who read the customer\'s orders.',
    from: 'sales_order o', id: 'o.id', at: 'o.created_at', customer: 'o.customer_id',
    visible: (ctx) => orderScope(ctx.principal),
    load: timelineRowsById('Order', 'sales_order', 'o'),
  }],
  jobs: [{ name: 'purgeIdempotencyKeys', run: async (em, now) => ({ deleted: await purgeIdempotencyKeys(em, now) }) }],
};

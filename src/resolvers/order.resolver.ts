import type { GraphQLResolveInfo } from 'graphql';
import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Info, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nestedPage, registerNested } from './embed';
import { EDGE_NODE, selectedFields } from './selection';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { OrderLine } from '../entities/order-line.entity';
import { Order } from '../entities/order.entity';
import { Product } from '../entities/product.entity';
import * as orders from '../services/order.service';
import { OrderConnection, OrderFilter, OrderOrderBy, OrderPayload, PushOrderInput, UpdateOrderStatusInput } from '../schema/order.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class OrdersArgs extends ConnectionArgs {
  @Field(() => OrderFilter, { nullable: true, description: filterDescription('orders') }) filter?: OrderFilter | null;
  @Field(() => [OrderOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: OrderOrderBy[] | null;
}

const listArgs = (args: OrdersArgs): orders.OrderListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

/** The order domain's queries, mutations and field resolvers. */
@Resolver(() => Order)
export class OrderResolver {
  @Query(() => OrderConnection, {
    description: 'Orders of the customers visible to you, newest first (ADMIN, SALES_MANAGER, SALES_REP, SERVICE_AGENT, FINANCE, PARTNER for its own record); '
      + 'API keys with `orders:write` see the orders they pushed.',
  })
  orders(@Args() args: OrdersArgs, @Ctx() ctx: GraphQLContext) {
    return orders.listOrders(serviceContext(ctx), listArgs(args));
  }

  @Query(() => Order, { nullable: true, description: `One order; ${NULL_WHEN_ABSENT}.` })
  order(@IdArg('Order', 'order') id: string, @Ctx() ctx: GraphQLContext) {
    return orders.getOrder(serviceContext(ctx), id);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: 'Id of the customer who ordered. Callers who may read customers only (staff, partners, keys with a customers scope); '
      + 'others get FORBIDDEN, so that a push never tells a key whether an e-mail or reference matched a customer.',
  })
  customerId(@Root() order: Row<Order>) {
    return refId(order.customer);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: 'Id of the customer billed: the customer, or the partner that pushed the order for a customer it resells to. Same readers as `customerId`.',
  })
  billToId(@Root() order: Row<Order>) {
    return refId(order.billTo);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'Who ordered; null when the customer record is not visible to you (e.g. an API key without a customers scope).' })
  customer(@Root() order: Row<Order>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(order.customer)!);
  }

  @FieldResolver(() => [OrderLine], { description: 'The lines, by position (immutable once pushed).' })
  lines(@Root() order: Row<Order>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.orderLines.load(order.id);
  }

  @Mutation(() => OrderPayload, {
    description: 'Push an order (INTEGRATION keys with `orders:write`, ADMIN; partners — users and keys with `orders:write` — for themselves and the customers they resell to, billed to the partner). Idempotent by `idempotencyKey`: the same key and content return the first result, '
      + 'other content is a CONFLICT, concurrent duplicates create one order. Starts PENDING, or PENDING_CREDIT_APPROVAL when an ON_ACCOUNT order would exceed the credit limit. '
      + 'Every product must be sold in the order\'s `currency`, and each unit price must be the list price, the member price, or at most the product\'s `maxDiscountPercent` below the list price '
      + '(VALIDATION naming the line otherwise) — unless you are ADMIN or your key has `orders:price-override`. Nothing is written when any line is refused.',
  })
  pushOrder(@InputArg() input: PushOrderInput, @Ctx() ctx: GraphQLContext) {
    return orders.pushOrder(serviceContext(ctx), input);
  }

  @Mutation(() => OrderPayload, {
    description: 'Move an order along its lifecycle (ADMIN, SALES_MANAGER and SALES_REP on orders of customers in their scope; INTEGRATION keys with `orders:write` on orders they pushed). '
      + 'Partners (PARTNER users, PARTNER keys with `orders:write`) may only cancel (status CANCELLED) their orders — billed to them or of their own record — while PENDING or PENDING_CREDIT_APPROVAL '
      + '(BUSINESS_RULE at `status` otherwise; other orders: NOT_FOUND). Cancelling a PENDING_CREDIT_APPROVAL order withdraws its credit hold (WITHDRAWN). '
      + 'Illegal transitions: BUSINESS_RULE; stale `version`: CONFLICT.',
  })
  updateOrderStatus(@InputArg() input: UpdateOrderStatusInput, @Ctx() ctx: GraphQLContext) {
    return orders.updateOrderStatus(serviceContext(ctx), input);
  }
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  @FieldResolver(() => Product, { nullable: true, description: 'The product; null when you may not read the catalogue.' })
  product(@Root() line: Row<OrderLine>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.productById.load(refId(line.product)!);
  }
}

registerNested('Customer', 'orders', { model: orders.orderReads, listArgs });

/** Orders under a customer. */
@Resolver(() => Customer)
export class CustomerOrdersResolver {
  @FieldResolver(() => OrderConnection, {
    nullable: true,
    description: 'Orders of this customer visible to you, newest first (batched across customers: one query per page shape).',
  })
  orders(@Root() customer: Row<Customer>, @Args() args: OrdersArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return nestedPage(customer, info, { ...listArgs(args), select: selectedFields(info, EDGE_NODE) }, ctx.loaders.orderPage, ctx.loaders.orderEmbedded);
  }
}

import { PaymentTerms } from '../entities/finance.enums';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CustomerKind } from '../entities/enums';
import { Order, OrderStatus } from '../entities/order.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, DecimalFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, JSONObjectScalar } from './scalars';
import type * as orders from '../services/order.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { ORDER_FILTER, ORDER_ORDER } from '../services/order.service';
import type { SortFieldOf } from '../services/read-model';

export const OrderConnection = connectionType(Order, 'Order');

const OrderStatusFilter = enumFilter(OrderStatus, 'OrderStatus');

@InputType({ description: 'Which orders to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class OrderFilter {
  @Field(() => [OrderFilter], { nullable: true, description: 'All of these hold.' }) and?: OrderFilter[];
  @Field(() => [OrderFilter], { nullable: true, description: 'At least one of these holds.' }) or?: OrderFilter[];
  @Field(() => OrderFilter, { nullable: true, description: 'This does not hold.' }) not?: OrderFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The order id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer id (null to keys that may not read customers: such a filter then matches nothing but `isNull: true`).' }) customerId?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The external reference.' }) externalRef?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The channel (stored upper-case).' }) channel?: StringFilter;
  @Field(() => OrderStatusFilter, { nullable: true, description: 'The status.' }) status?: unknown;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency.' }) currency?: StringFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The total (regardless of currency).' }) total?: DecimalFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Time of the last change (see `Order.updatedAt`). Pollers: `{ gt: <the updatedAt of the last record you processed> }` with `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.' }) updatedAt?: DateTimeFilter;
}

export const OrderOrderField = sortEnum(ORDER_ORDER, 'OrderOrderField', 'Fields orders can be sorted by. TOTAL compares the number regardless of currency.');
export type OrderOrderField = SortFieldOf<typeof ORDER_ORDER>;
export type OrderFilterMatchesService = Assert<SameFilterFields<OrderFilter, typeof ORDER_FILTER>>;

@InputType({ description: 'One sort key for orders; list several to break ties. The id always breaks the last tie.' })
export class OrderOrderBy {
  @Field(() => OrderOrderField, { description: 'What to sort by.' }) field!: OrderOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'A customer\'s reference in an external system.' })
export class OrderCustomerExternalRefInput {
  @Field({ description: 'The system, e.g. "shopify" (1–50 characters).' }) system!: string;
  @Field({ description: 'The customer\'s id there (1–200 characters).' }) ref!: string;
}

@InputType({
  description: 'Who ordered: `customerId`, or `externalRef` and/or `email` to match (external ref first, then the e-mail of a customer or contact). '
    + 'When nothing matches, a customer is created in the same transaction from `name`, `kind`, `email`, `externalRef` and `ownerId`.',
})
export class OrderCustomerInput {
  @Field(() => ID, { nullable: true, description: 'An existing customer (NOT_FOUND otherwise).' }) customerId?: string | null;
  @Field(() => OrderCustomerExternalRefInput, { nullable: true, description: 'The shopper\'s reference in the pushing system.' }) externalRef?: OrderCustomerExternalRefInput | null;
  @Field(() => String, { nullable: true, description: 'The shopper\'s e-mail address.' }) email?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Name of a customer to create (1–200 characters): required when nothing matches — and always, unless `customerId` is given, for keys without a customers scope (they are not told whether anything matched).',
  }) name?: string | null;
  @Field(() => CustomerKind, { nullable: true, description: 'Kind of a customer to create; INDIVIDUAL when omitted.' }) kind?: CustomerKind | null;
  @Field(() => ID, { nullable: true, description: 'Owner of a customer to create (a sales user); the user who created the API key when omitted.' }) ownerId?: string | null;
}

@InputType({ description: 'One line of a pushed order.' })
export class OrderLineInput {
  @Field({ description: 'SKU of an active product (case-insensitive).' }) sku!: string;
  @Field(() => Int, { description: 'Quantity, 1 or more.' }) quantity!: number;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Price of one unit in the order\'s currency (the product\'s currency), at most 2 decimals: the list price, the member price (for members only), or at most the product\'s '
      + '`maxDiscountPercent` below the list price (also after `discount`); other prices only for ADMIN and keys with `orders:price-override` (VALIDATION at this line otherwise). '
      + 'Omit it to let the API price the line: the member price for a member of the loyalty programme (any tier) when the product has one, else the list price (`OrderLine.priceSource` says which).',
  }) unitPrice?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Discount amount on the line (at most quantity × unitPrice); 0 when omitted.' }) discount?: string | null;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'Chosen options, validated against the product\'s `optionsSchema` (required options present, enum values allowed, string length, integer bounds, booleans; unknown options refused). '
      + 'Errors name the option, e.g. ["input","lines","0","configuration","ram"].',
  }) configuration?: Record<string, unknown> | null;
}

@InputType({ description: 'An order pushed by an e-commerce site or partner.' })
export class PushOrderInput implements orders.PushOrderInput {
  @Field({
    description: 'Your idempotency key (1–100 characters), unique per request content: the same key with the same content returns the first result unchanged; '
      + 'with other content it is a CONFLICT. Kept at least 24 hours.',
  }) idempotencyKey!: string;
  @Field(() => String, { nullable: true, description: 'Your order number (1–100 characters); unique among your orders (DUPLICATE otherwise).' }) externalRef?: string | null;
  @Field({ description: 'Sales channel, e.g. "WEB" (1–50 characters, stored upper-case).' }) channel!: string;
  @Field({ description: 'ISO 4217 currency of every amount, e.g. "EUR"; every line\'s product must be sold in it (VALIDATION here, naming the line, otherwise).' }) currency!: string;
  @Field(() => OrderCustomerInput, { description: 'Who ordered.' }) customer!: OrderCustomerInput;
  @Field(() => [OrderLineInput], { description: 'The lines (1–500).' }) lines!: OrderLineInput[];
  @Field(() => Int, {
    nullable: true,
    description: 'Loyalty points to pay part of the order with (0 or omitted: none). The customer must be a member, the order in the programme\'s currency, the points at most the balance, and their value '
      + '(points × `loyaltyProgramme.pointValue`, rounded down to the cent) at most `maxRedeemPercent` of the total after line discounts and offers; BUSINESS_RULE at this field otherwise. '
      + 'The value is taken off the total (`Order.pointsValue`); the points leave the ledger in the order\'s transaction (REDEEM) and come back if it is RETURNED or CANCELLED.',
  }) pointsToRedeem?: number | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Offer codes to apply (at most 10, case-insensitive, each once), in this order, each on what the previous ones left. Each is checked for this customer now '
      + '(validity, target, quantity left, once per customer, early access); a refusal names the code\'s position, e.g. ["input","offerCodes","0"], and nothing is created.',
  }) offerCodes?: string[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Enrol the customer in the loyalty programme with this order (nothing happens when it is a member already). The order then gets member prices and counts for the new member.',
  }) enrol?: boolean | null;
  @Field(() => PaymentTerms, { nullable: true, description: 'PREPAID (paid at checkout) or ON_ACCOUNT (billed when FULFILLED; credit-checked: over the limit the order starts PENDING_CREDIT_APPROVAL). Default: ON_ACCOUNT for partners, PREPAID for everyone else. Keys without a customers scope may use ON_ACCOUNT only with `customer.customerId`.' }) paymentTerms?: PaymentTerms | null;
}

@InputType({ description: 'A status change. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateOrderStatusInput implements orders.UpdateOrderStatusInput {
  @Field(() => ID, { description: 'The order.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => OrderStatus, { description: 'The new status; an illegal transition is a BUSINESS_RULE error.' }) status!: OrderStatus;
}

@ObjectType({ description: 'Result of an order mutation.' })
export class OrderPayload {
  @Field(() => Order, { nullable: true, description: 'The order; null when `errors` is not empty.' }) order!: Order | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Customer } from '../entities/customer.entity';
import { ChannelType, ChurnReason, CustomerKind, CustomerSource, CustomerStatus, Sector, Tier } from '../entities/enums';
import { C3Segment, ChurnLevel, ParetoClass } from '../entities/metrics.enums';
import { connectionType } from './connection';
import { EmailInput, PhoneInput, PostalAddressInput } from './contact-point.inputs';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, DecimalFilter, IdFilter, IntFilter, StringFilter, TagsFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, JSONObjectScalar } from './scalars';
import type * as customers from '../services/customer.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { CUSTOMER_FILTER, CUSTOMER_ORDER } from '../services/customer.service';
import type { SortFieldOf } from '../services/read-model';

export const CustomerConnection = connectionType(Customer, 'Customer');

const TierFilter = enumFilter(Tier, 'Tier');
const SectorFilter = enumFilter(Sector, 'Sector');
const CustomerStatusFilter = enumFilter(CustomerStatus, 'CustomerStatus');
const CustomerKindFilter = enumFilter(CustomerKind, 'CustomerKind');
const ChurnReasonFilter = enumFilter(ChurnReason, 'ChurnReason');
const CustomerSourceFilter = enumFilter(CustomerSource, 'CustomerSource');
const ChannelTypeFilter = enumFilter(ChannelType, 'ChannelType');
const ParetoClassFilter = enumFilter(ParetoClass, 'ParetoClass');
const C3SegmentFilter = enumFilter(C3Segment, 'C3Segment');
const ChurnLevelFilter = enumFilter(ChurnLevel, 'ChurnLevel');

/** Said of every metric filter field. */
const NOT_COMPUTED = 'Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them.';
const METRICS_ROLES = 'Not for PARTNER or API keys (null to their filters: `isNull: true` matches every customer, any other condition none).';
const MONEY_ROLES = 'SALES_MANAGER, FINANCE and ADMIN only (null to other callers\' filters: `isNull: true` matches every customer, any other condition none).';

@InputType({ description: 'Which customers to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class CustomerFilter {
  @Field(() => [CustomerFilter], { nullable: true, description: 'All of these hold.' }) and?: CustomerFilter[];
  @Field(() => [CustomerFilter], { nullable: true, description: 'At least one of these holds.' }) or?: CustomerFilter[];
  @Field(() => CustomerFilter, { nullable: true, description: 'This does not hold.' }) not?: CustomerFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The customer\'s name (an individual\'s name your role may not read counts as null here).' }) name?: StringFilter;
  @Field(() => CustomerKindFilter, { nullable: true, description: 'INDIVIDUAL or BUSINESS.' }) kind?: object;
  @Field(() => SectorFilter, { nullable: true, description: 'The sector.' }) sector?: object;
  @Field(() => TierFilter, { nullable: true, description: 'The tier.' }) tier?: object;
  @Field(() => BooleanFilter, { nullable: true, description: 'VIP flag.' }) vip?: BooleanFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The industry.' }) industry?: StringFilter;
  @Field(() => CustomerStatusFilter, { nullable: true, description: 'The status.' }) status?: object;
  @Field(() => ChurnReasonFilter, { nullable: true, description: 'The churn reason.' }) churnReason?: object;
  @Field(() => CustomerSourceFilter, { nullable: true, description: 'The source.' }) source?: object;
  @Field(() => BooleanFilter, { nullable: true, description: 'Partners only (true) or non-partners (false).' }) isPartner?: BooleanFilter;
  @Field(() => ChannelTypeFilter, { nullable: true, description: 'The partner channel type.' }) channelType?: object;
  @Field(() => IdFilter, { nullable: true, description: 'The owner (a user id).' }) ownerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The referring customer.' }) referredById?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The partner that resells to the customer (`isNull: true`: customers served directly).' }) resoldById?: IdFilter;
  @Field(() => TagsFilter, { nullable: true, description: 'The customer\'s tags (compared lower-case).' }) tags?: TagsFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'Annual revenue as a number, regardless of currency (`isNull: true`: unknown).' }) annualRevenue?: DecimalFilter;
  @Field(() => IntFilter, { nullable: true, description: 'Headcount.' }) employeeCount?: IntFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Time of the last change (see `Customer.updatedAt`). Pollers: `{ gt: <the updatedAt of the last record you processed> }` with `orderBy: [{ field: UPDATED_AT, direction: ASC }]`.' }) updatedAt?: DateTimeFilter;
  @Field(() => ParetoClassFilter, { nullable: true, description: `The Pareto class by 12-month gross margin (\`CustomerMetrics.paretoClass\`). ${NOT_COMPUTED} ${METRICS_ROLES}` }) paretoClass?: object;
  @Field(() => C3SegmentFilter, { nullable: true, description: `The C3 segment (\`CustomerMetrics.c3Segment\`; null also for customers without a COMPLETED order). ${NOT_COMPUTED} ${METRICS_ROLES}` }) c3Segment?: object;
  @Field(() => ChurnLevelFilter, { nullable: true, description: `The churn risk level (see \`ChurnLevel\`). ${NOT_COMPUTED} ${METRICS_ROLES}` }) churnLevel?: object;
  @Field(() => IntFilter, { nullable: true, description: `The RFM score: R + F + M, each scored 1–5 by quintile over the customers with orders (3–15; null for customers without orders). ${NOT_COMPUTED} ${METRICS_ROLES}` }) rfmScore?: IntFilter;
  @Field(() => DecimalFilter, { nullable: true, description: `Historic customer lifetime value (\`CustomerMetrics.clvHistoric\`), in the metrics currency. ${NOT_COMPUTED} ${MONEY_ROLES}` }) clvHistoric?: DecimalFilter;
  @Field(() => DecimalFilter, { nullable: true, description: `Predicted margin of the next 12 months (\`CustomerMetrics.clvPredicted12m\`), in the metrics currency. ${NOT_COMPUTED} ${MONEY_ROLES}` }) clvPredicted12m?: DecimalFilter;
}

export const CustomerOrderField = sortEnum(CUSTOMER_ORDER, 'CustomerOrderField', 'Fields customers can be sorted by.');
export type CustomerOrderField = SortFieldOf<typeof CUSTOMER_ORDER>;
export type CustomerFilterMatchesService = Assert<SameFilterFields<CustomerFilter, typeof CUSTOMER_FILTER>>;

@InputType({ description: 'One sort key; list several to break ties. The id always breaks the last tie.' })
export class CustomerOrderBy {
  @Field(() => CustomerOrderField, { description: 'What to sort by.' }) field!: CustomerOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'A reference to this customer in another system.' })
export class ExternalRefInput {
  @Field({ description: 'The system, e.g. "erp" (stored lower-case).' }) system!: string;
  @Field({ description: 'The id in that system; unique per system.' }) ref!: string;
}

@InputType({ description: 'Fields shared by create and update. On update, an omitted field is left as it is; null clears an optional one.' })
class CustomerFields {
  @Field(() => Sector, { nullable: true, description: 'Sector; on create defaults from kind and employeeCount (CONSUMER, ENTERPRISE at 400+, SMALL_BUSINESS, or OTHER).' }) sector?: Sector | null;
  @Field(() => Tier, { nullable: true, description: 'Tier; POTENTIAL on create when omitted.' }) tier?: Tier | null;
  @Field(() => Boolean, { nullable: true, description: 'VIP flag; only for KEY accounts.' }) vip?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Industry (up to 100 characters).' }) industry?: string | null;
  @Field(() => Int, { nullable: true, description: 'Headcount (0 or more).' }) employeeCount?: number | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Annual revenue, e.g. "1250000.00".' }) annualRevenue?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'What the customer spends a year in our categories, in the loyalty programme\'s currency (base of `metrics.shareOfWallet`), e.g. "20000.00".' }) annualCategoryBudget?: string | null;
  @Field(() => String, { nullable: true, description: 'Web site (http:// or https://).' }) website?: string | null;
  @Field(() => [PhoneInput], { nullable: true, description: 'Phone numbers (replaces the list; at most 10).' }) phones?: PhoneInput[] | null;
  @Field(() => [EmailInput], { nullable: true, description: 'E-mail addresses (replaces the list; at most 10).' }) emails?: EmailInput[] | null;
  @Field(() => [PostalAddressInput], { nullable: true, description: 'Addresses (replaces the list; at most 10).' }) addresses?: PostalAddressInput[] | null;
  @Field(() => ID, { nullable: true, description: 'Owner. A rep always owns what they create; a manager may pick anyone in their team; API keys must pick.' }) ownerId?: string | null;
  @Field(() => CustomerSource, { nullable: true, description: 'Where the customer came from.' }) source?: CustomerSource | null;
  @Field(() => ID, { nullable: true, description: 'The customer who referred this one.' }) referredById?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The partner (a customer with isPartner: true, visible to you, not this customer) that resells to this customer; null: served directly. '
      + 'Set by ADMIN, sales managers and sales reps only (API keys: FORBIDDEN). The partner then sees this customer and its orders.',
  }) resoldById?: string | null;
  @Field(() => CustomerStatus, { nullable: true, description: 'Status; ACTIVE on create when omitted.' }) status?: CustomerStatus | null;
  @Field(() => ChurnReason, { nullable: true, description: 'Required exactly when status is CHURNED.' }) churnReason?: ChurnReason | null;
  @Field(() => String, { nullable: true, description: 'Note on the churn.' }) churnNote?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the customer is a partner (dealer/reseller).' }) isPartner?: boolean | null;
  @Field(() => ChannelType, { nullable: true, description: 'Partner channel type; only for partners.' }) channelType?: ChannelType | null;
  @Field(() => [String], { nullable: true, description: 'Tags (replaces the list; stored lower-case, at most 30).' }) tags?: string[] | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Custom attributes (replaces the object); keys and types per `customAttributeDefinitions`.' }) customAttributes?: Record<string, unknown> | null;
  @Field(() => Boolean, { nullable: true, description: 'Marketing consent; a change stamps `consentAt`.' }) marketingConsent?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Where consent was given, e.g. "web form".' }) consentSource?: string | null;
  @Field(() => [ExternalRefInput], { nullable: true, description: 'References in other systems (replaces the list; one per system).' }) externalRefs?: ExternalRefInput[] | null;
}

@InputType({ description: 'A new customer.' })
export class CreateCustomerInput extends CustomerFields implements customers.CreateCustomerInput {
  @Field({ description: 'Name (1–200 characters).' }) name!: string;
  @Field(() => CustomerKind, { description: 'INDIVIDUAL or BUSINESS.' }) kind!: CustomerKind;
}

@InputType({ description: 'Changes to a customer. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateCustomerInput extends CustomerFields implements customers.UpdateCustomerInput {
  @Field(() => ID, { description: 'The customer.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Name (1–200 characters).' }) name?: string | null;
  @Field(() => CustomerKind, { nullable: true, description: 'INDIVIDUAL or BUSINESS.' }) kind?: CustomerKind | null;
}

@InputType({ description: 'Identifies one customer.' })
export class CustomerIdInput {
  @Field(() => ID, { description: 'The customer.' }) id!: string;
}

@InputType({ description: 'Move every customer of one user to another (e.g. when a rep leaves).' })
export class ReassignCustomersInput {
  @Field(() => ID, { description: 'The current owner.' }) fromUserId!: string;
  @Field(() => ID, { description: 'The new owner: active, in sales (or ADMIN), and in your team if you are a manager.' }) toUserId!: string;
}

@ObjectType({ description: 'Result of a customer mutation.' })
export class CustomerPayload {
  @Field(() => Customer, { nullable: true, description: 'The customer after the change; null when `errors` is not empty.' }) customer!: Customer | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of `reassignCustomers`.' })
export class ReassignCustomersPayload {
  @Field(() => Int, { description: 'How many customers changed owner (deleted ones included).' }) movedCount!: number;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'A declared custom attribute of customers.' })
export class CustomAttributeDefinition {
  @Field({ description: 'The key in `customAttributes`.' }) key!: string;
  @Field({ description: 'STRING, INTEGER, DECIMAL (a string), BOOLEAN, DATE ("YYYY-MM-DD") or ENUM.' }) type!: string;
  @Field({ description: 'What the attribute means.' }) description!: string;
  @Field(() => [String], { nullable: true, description: 'Allowed values of an ENUM; null otherwise.' }) options?: string[];
}

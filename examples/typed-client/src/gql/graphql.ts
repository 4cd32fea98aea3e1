/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Condition on a yes/no field. */
export type BooleanFilter = {
  /** Equal. */
  eq?: boolean | null | undefined;
};

/** Attitude (latest NPS ≥ 9) × behaviour (revenue of the last 12 months above the 12 before, and completed orders in 365 days ≥ the median of customers with orders) × value (Pareto A). Only for customers with at least one completed order. */
export type C3Segment =
  /** High attitude, low behaviour, high value: worth most and likes us, but buys less. Win back before the attitude follows. */
  | 'AT_RISK_ADVOCATE'
  /** Low attitude, low behaviour, high value: worth most, neither attached nor growing. The highest-stakes churn risk. */
  | 'AT_RISK_VALUABLE'
  /** High attitude, high behaviour, high value: loves us, buys more, worth most. Keep and reward. */
  | 'CHAMPION'
  /** Low attitude, low behaviour, low value: low priority. */
  | 'DRIFTER'
  /** High attitude, low behaviour, low value: likes us but buys little. Activate. */
  | 'FRIENDLY_OCCASIONAL'
  /** Low attitude, high behaviour, low value: buys more out of habit or convenience, not attachment. */
  | 'HABITUAL_BUYER'
  /** Low attitude, high behaviour, high value: buys more and is worth most without being attached — no better choice yet. Vulnerable to a competitor. */
  | 'PASSIVE_LOYAL'
  /** High attitude, high behaviour, low value: likes us and buys more, not (yet) among the most valuable. Develop. */
  | 'RISING_FAN';

/** Conditions on a C3Segment value. */
export type C3SegmentFilter = {
  /** Equal. */
  eq?: C3Segment | null | undefined;
  /** One of these. */
  in?: Array<C3Segment> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: C3Segment | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<C3Segment> | null | undefined;
};

/** The kind of sales channel a partner runs (only partners, `isPartner: true`, have one). */
export type ChannelType =
  /** A department store. */
  | 'DEPARTMENT_STORE'
  /** A retail chain in one country. */
  | 'DOMESTIC_CHAIN'
  /** A store run by a franchisee under a chain's brand. */
  | 'FRANCHISE_STORE'
  /** A retail chain operating in several countries. */
  | 'MULTINATIONAL_CHAIN'
  /** An online shop or marketplace seller. */
  | 'ONLINE'
  /** Any other kind of reseller. */
  | 'OTHER'
  /** An independent specialist shop. */
  | 'SPECIALTY_STORE';

/** Conditions on a ChannelType value. */
export type ChannelTypeFilter = {
  /** Equal. */
  eq?: ChannelType | null | undefined;
  /** One of these. */
  in?: Array<ChannelType> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: ChannelType | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<ChannelType> | null | undefined;
};

/** Churn risk: HIGH when the score is 60 or more, or the customer is past twice its own typical interval between orders; MEDIUM from 30; LOW below. */
export type ChurnLevel =
  /** Score 60 or more, or beyond 2× the typical interval. */
  | 'HIGH'
  /** Score below 30. */
  | 'LOW'
  /** Score 30–59. */
  | 'MEDIUM';

/** Conditions on a ChurnLevel value. */
export type ChurnLevelFilter = {
  /** Equal. */
  eq?: ChurnLevel | null | undefined;
  /** One of these. */
  in?: Array<ChurnLevel> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: ChurnLevel | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<ChurnLevel> | null | undefined;
};

/** Why a customer was lost (only with status CHURNED). */
export type ChurnReason =
  /** Went to a competitor with a better product. */
  | 'BETTER_PRODUCT'
  /** The business closed down (or the person no longer buys at all). */
  | 'CLOSED_DOWN'
  /** Moved away, out of reach of our sales or service. */
  | 'MOVED'
  /** Any other reason (explain it in `churnNote`). */
  | 'OTHER'
  /** Left because of poor service. */
  | 'POOR_SERVICE'
  /** Left because of price. */
  | 'PRICE';

/** Conditions on a ChurnReason value. */
export type ChurnReasonFilter = {
  /** Equal. */
  eq?: ChurnReason | null | undefined;
  /** One of these. */
  in?: Array<ChurnReason> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: ChurnReason | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<ChurnReason> | null | undefined;
};

/** Which customers to list. Fields are and-ed; combine filters with `and`, `or`, `not`. */
export type CustomerFilter = {
  /** All of these hold. */
  and?: Array<CustomerFilter> | null | undefined;
  /** Annual revenue as a number, regardless of currency (`isNull: true`: unknown). */
  annualRevenue?: DecimalFilter | null | undefined;
  /** The C3 segment (`CustomerMetrics.c3Segment`; null also for customers without a COMPLETED order). Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. Not for PARTNER or API keys (null to their filters: `isNull: true` matches every customer, any other condition none). */
  c3Segment?: C3SegmentFilter | null | undefined;
  /** The partner channel type. */
  channelType?: ChannelTypeFilter | null | undefined;
  /** The churn risk level (see `ChurnLevel`). Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. Not for PARTNER or API keys (null to their filters: `isNull: true` matches every customer, any other condition none). */
  churnLevel?: ChurnLevelFilter | null | undefined;
  /** The churn reason. */
  churnReason?: ChurnReasonFilter | null | undefined;
  /** Historic customer lifetime value (`CustomerMetrics.clvHistoric`), in the metrics currency. Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. SALES_MANAGER, FINANCE and ADMIN only (null to other callers' filters: `isNull: true` matches every customer, any other condition none). */
  clvHistoric?: DecimalFilter | null | undefined;
  /** Predicted margin of the next 12 months (`CustomerMetrics.clvPredicted12m`), in the metrics currency. Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. SALES_MANAGER, FINANCE and ADMIN only (null to other callers' filters: `isNull: true` matches every customer, any other condition none). */
  clvPredicted12m?: DecimalFilter | null | undefined;
  /** Creation time. */
  createdAt?: DateTimeFilter | null | undefined;
  /** Headcount. */
  employeeCount?: IntFilter | null | undefined;
  /** The customer id. */
  id?: IdFilter | null | undefined;
  /** The industry. */
  industry?: StringFilter | null | undefined;
  /** Partners only (true) or non-partners (false). */
  isPartner?: BooleanFilter | null | undefined;
  /** INDIVIDUAL or BUSINESS. */
  kind?: CustomerKindFilter | null | undefined;
  /** The customer's name (an individual's name your role may not read counts as null here). */
  name?: StringFilter | null | undefined;
  /** This does not hold. */
  not?: CustomerFilter | null | undefined;
  /** At least one of these holds. */
  or?: Array<CustomerFilter> | null | undefined;
  /** The owner (a user id). */
  ownerId?: IdFilter | null | undefined;
  /** The Pareto class by 12-month gross margin (`CustomerMetrics.paretoClass`). Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. Not for PARTNER or API keys (null to their filters: `isNull: true` matches every customer, any other condition none). */
  paretoClass?: ParetoClassFilter | null | undefined;
  /** The referring customer. */
  referredById?: IdFilter | null | undefined;
  /** The partner that resells to the customer (`isNull: true`: customers served directly). */
  resoldById?: IdFilter | null | undefined;
  /** The RFM score: R + F + M, each scored 1–5 by quintile over the customers with orders (3–15; null for customers without orders). Customers without metrics yet (created after the last refresh) have none: `isNull: true` finds them. Not for PARTNER or API keys (null to their filters: `isNull: true` matches every customer, any other condition none). */
  rfmScore?: IntFilter | null | undefined;
  /** The sector. */
  sector?: SectorFilter | null | undefined;
  /** The source. */
  source?: CustomerSourceFilter | null | undefined;
  /** The status. */
  status?: CustomerStatusFilter | null | undefined;
  /** The customer's tags (compared lower-case). */
  tags?: TagsFilter | null | undefined;
  /** The tier. */
  tier?: TierFilter | null | undefined;
  /** Time of the last change (see `Customer.updatedAt`). Pollers: `{ gt: <the updatedAt of the last record you processed> }` with `orderBy: [{ field: UPDATED_AT, direction: ASC }]`. */
  updatedAt?: DateTimeFilter | null | undefined;
  /** VIP flag. */
  vip?: BooleanFilter | null | undefined;
};

/** A consumer (INDIVIDUAL) or an organisation (BUSINESS). */
export type CustomerKind =
  /** A company or other organisation. */
  | 'BUSINESS'
  /** A private person; its sector is CONSUMER (or OTHER), and its name is personal data (hidden from ANALYST). */
  | 'INDIVIDUAL';

/** Conditions on a CustomerKind value. */
export type CustomerKindFilter = {
  /** Equal. */
  eq?: CustomerKind | null | undefined;
  /** One of these. */
  in?: Array<CustomerKind> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: CustomerKind | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<CustomerKind> | null | undefined;
};

/** One sort key; list several to break ties. The id always breaks the last tie. */
export type CustomerOrderBy = {
  /** ASC (the default) or DESC; rows without a value come last either way. */
  direction?: SortDirection;
  /** What to sort by. */
  field: CustomerOrderField;
};

/** Fields customers can be sorted by. */
export type CustomerOrderField =
  /** Annual revenue as a number; customers without one come last in both directions. */
  | 'ANNUAL_REVENUE'
  /** Churn risk score 0–100 (see `ChurnRiskReason`); customers without metrics come last in both directions. Not for PARTNER or API keys. */
  | 'CHURN_SCORE'
  /** Historic customer lifetime value (`CustomerMetrics.clvHistoric`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only. */
  | 'CLV_HISTORIC'
  /** Predicted margin of the next 12 months (`CustomerMetrics.clvPredicted12m`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only. */
  | 'CLV_PREDICTED_12M'
  /** When the customer was created (the default, newest first). */
  | 'CREATED_AT'
  /** Number of employees; customers without one come last in both directions. */
  | 'EMPLOYEE_COUNT'
  /** Gross margin of the last 12 months (`CustomerMetrics.margin12m`); customers without metrics come last in both directions. SALES_MANAGER, FINANCE and ADMIN only. */
  | 'MARGIN_12M'
  /** The name, alphabetically. */
  | 'NAME'
  /** RFM score: R + F + M, each 1–5 by quintile (3–15); customers without orders or without metrics come last in both directions. Not for PARTNER or API keys. */
  | 'RFM_SCORE'
  /** When the customer last changed (`Customer.updatedAt`); ties are broken by id, so cursors are stable for polling. */
  | 'UPDATED_AT';

/** Where a customer came from. */
export type CustomerSource =
  /** A call to or from our call centre. */
  | 'CALL_CENTRE'
  /** A marketing campaign (also set when a lead from a campaign is converted). */
  | 'CAMPAIGN'
  /** Our own sales force. */
  | 'DIRECT_SALES'
  /** A web-shop order (set when a pushed order creates the customer). */
  | 'E_COMMERCE'
  /** Anything else, or unknown. */
  | 'OTHER'
  /** Brought in by a partner (set when a partner's order creates the customer). */
  | 'PARTNER'
  /** Referred by another customer (see `referredBy`). */
  | 'REFERRAL'
  /** A trade show or other event. */
  | 'TRADE_SHOW'
  /** Our website (e.g. a contact form). */
  | 'WEB';

/** Conditions on a CustomerSource value. */
export type CustomerSourceFilter = {
  /** Equal. */
  eq?: CustomerSource | null | undefined;
  /** One of these. */
  in?: Array<CustomerSource> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: CustomerSource | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<CustomerSource> | null | undefined;
};

/** Relationship status. */
export type CustomerStatus =
  /** A normal, live relationship. */
  | 'ACTIVE'
  /** Drifting away (e.g. no recent orders, open complaints): worth a retention effort. */
  | 'AT_RISK'
  /** Lost; `churnReason` says why (required with this status, refused with the others). */
  | 'CHURNED';

/** Conditions on a CustomerStatus value. */
export type CustomerStatusFilter = {
  /** Equal. */
  eq?: CustomerStatus | null | undefined;
  /** One of these. */
  in?: Array<CustomerStatus> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: CustomerStatus | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<CustomerStatus> | null | undefined;
};

/** Conditions on a timestamp (UTC ISO-8601). */
export type DateTimeFilter = {
  /** After. */
  gt?: string | null | undefined;
  /** At or after. */
  gte?: string | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Before. */
  lt?: string | null | undefined;
  /** At or before. */
  lte?: string | null | undefined;
};

/** Conditions on a decimal amount (pass decimals as strings). */
export type DecimalFilter = {
  /** Equal. */
  eq?: string | null | undefined;
  /** Greater than. */
  gt?: string | null | undefined;
  /** Greater than or equal. */
  gte?: string | null | undefined;
  /** true: unknown; false: known. */
  isNull?: boolean | null | undefined;
  /** Less than. */
  lt?: string | null | undefined;
  /** Less than or equal. */
  lte?: string | null | undefined;
};

/** Conditions on an id field. */
export type IdFilter = {
  /** Equal to this id. */
  eq?: string | number | null | undefined;
  /** One of these ids (at most 500). */
  in?: Array<string | number> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
};

/** Conditions on a whole number. */
export type IntFilter = {
  /** Equal. */
  eq?: number | null | undefined;
  /** Greater than. */
  gt?: number | null | undefined;
  /** Greater than or equal. */
  gte?: number | null | undefined;
  /** true: unknown; false: known. */
  isNull?: boolean | null | undefined;
  /** Less than. */
  lt?: number | null | undefined;
  /** Less than or equal. */
  lte?: number | null | undefined;
};

/** Lifecycle of an order: PENDING_CREDIT_APPROVAL (held: an ON_ACCOUNT order over the customer's credit limit) → PENDING (approveCredit) | CANCELLED (rejectCredit); PENDING → CONFIRMED | CANCELLED; CONFIRMED → FULFILLED | CANCELLED; FULFILLED → COMPLETED | RETURNED; COMPLETED → RETURNED. */
export type OrderStatus =
  /** Cancelled before it was fulfilled, or refused by FINANCE; final. */
  | 'CANCELLED'
  /** Done: delivered and accepted by the customer (it may still be RETURNED). */
  | 'COMPLETED'
  /** Accepted by us; being prepared. */
  | 'CONFIRMED'
  /** Delivered; an ON_ACCOUNT order is billed now (a receivable due 30 days later). */
  | 'FULFILLED'
  /** Received, not yet confirmed (the status of a new order that passed the credit check). */
  | 'PENDING'
  /** Held: an ON_ACCOUNT order that would take the customer over its credit limit waits for FINANCE (approveCredit → PENDING, rejectCredit → CANCELLED). */
  | 'PENDING_CREDIT_APPROVAL'
  /** The customer sent the goods back after fulfilment; final. */
  | 'RETURNED';

/** Customers ordered by 12-month gross margin (highest first, ties by id): A make up the first 80 % of the total positive margin, C have zero or negative margin, B are the rest. */
export type ParetoClass =
  /** Among those whose margins, from the highest down, make up the first 80 % of the total (the customer whose margin crosses 80 % is A too). */
  | 'A'
  /** Positive margin, after the first 80 %. */
  | 'B'
  /** Zero or negative 12-month margin (including customers without orders). */
  | 'C';

/** Conditions on a ParetoClass value. */
export type ParetoClassFilter = {
  /** Equal. */
  eq?: ParetoClass | null | undefined;
  /** One of these. */
  in?: Array<ParetoClass> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: ParetoClass | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<ParetoClass> | null | undefined;
};

/** Market sector of a customer. */
export type Sector =
  /** Private persons (the sector of INDIVIDUAL customers). */
  | 'CONSUMER'
  /** Schools, universities and other educational institutions. */
  | 'EDUCATION'
  /** Large organisations: 400 or more employees when the headcount is known (enforced). */
  | 'ENTERPRISE'
  /** Public administration and government bodies. */
  | 'GOVERNMENT'
  /** None of the above. */
  | 'OTHER'
  /** Small and medium businesses (typically under 400 employees). */
  | 'SMALL_BUSINESS';

/** Conditions on a Sector value. */
export type SectorFilter = {
  /** Equal. */
  eq?: Sector | null | undefined;
  /** One of these. */
  in?: Array<Sector> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: Sector | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<Sector> | null | undefined;
};

/** ASC: smallest first (A→Z, oldest first); DESC: largest first. Nulls always sort last. */
export type SortDirection =
  /** Ascending: smallest, earliest or A first. */
  | 'ASC'
  /** Descending: largest, latest or Z first. */
  | 'DESC';

/** Conditions on a text field. `contains` and `startsWith` ignore case. */
export type StringFilter = {
  /** Contains this text, ignoring case. */
  contains?: string | null | undefined;
  /** Exactly equal (case-sensitive). */
  eq?: string | null | undefined;
  /** Equal to one of these (at most 500). */
  in?: Array<string> | null | undefined;
  /** true: has no value; false: has a value. */
  isNull?: boolean | null | undefined;
  /** Not equal (nulls count as different). */
  ne?: string | null | undefined;
  /** Starts with this text, ignoring case. */
  startsWith?: string | null | undefined;
};

/** Conditions on a list of tags (tags are compared lower-case). */
export type TagsFilter = {
  /** Has all of these tags. */
  hasAll?: Array<string> | null | undefined;
  /** Has at least one of these tags. */
  hasAny?: Array<string> | null | undefined;
};

/** Value ranking of a customer: POTENTIAL < TARGET < KEY. */
export type Tier =
  /** Highest rank: a key account (only KEY accounts may be flagged `vip`). */
  | 'KEY'
  /** Lowest rank: a customer with potential that is not yet actively targeted. */
  | 'POTENTIAL'
  /** A customer sales actively develops. */
  | 'TARGET';

/** Conditions on a Tier value. */
export type TierFilter = {
  /** Equal. */
  eq?: Tier | null | undefined;
  /** One of these. */
  in?: Array<Tier> | null | undefined;
  /** true: not set; false: set. */
  isNull?: boolean | null | undefined;
  /** Not equal (a missing value counts as different). */
  ne?: Tier | null | undefined;
  /** None of these (a missing value counts as none of these). */
  notIn?: Array<Tier> | null | undefined;
};

export type CustomerDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerDetailQuery = { customer: { id: string, name: string | null, kind: CustomerKind, sector: Sector, tier: Tier, vip: boolean, status: CustomerStatus, industry: string | null, website: string | null, annualRevenue: string | null, createdAt: string, updatedAt: string, version: number, phones: Array<{ label: string, number: string }> | null, emails: Array<{ label: string, address: string }> | null, owner: { id: string, name: string | null, email: string | null }, contacts: { totalCount: number, edges: Array<{ node: { id: string, firstName: string | null, lastName: string | null, title: string | null, primary: boolean, emails: Array<{ label: string, address: string }> | null, phones: Array<{ label: string, number: string }> | null } }> }, orders: { totalCount: number, edges: Array<{ node: { id: string, externalRef: string | null, status: OrderStatus, total: string, currency: string, createdAt: string } }> } | null } | null };

export type CustomerListQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: CustomerFilter | null | undefined;
  orderBy?: Array<CustomerOrderBy> | CustomerOrderBy | null | undefined;
}>;


export type CustomerListQuery = { customers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string | null, kind: CustomerKind, tier: Tier, vip: boolean, status: CustomerStatus, owner: { name: string | null }, contacts: { edges: Array<{ node: { firstName: string | null, lastName: string | null, emails: Array<{ address: string }> | null } }> } } }> } };

export type OrderStatusChangedSubscriptionVariables = Exact<{
  orderId?: string | number | null | undefined;
}>;


export type OrderStatusChangedSubscription = { orderStatusChanged: { eventId: string, occurredAt: string, from: OrderStatus, to: OrderStatus, order: { id: string, externalRef: string | null, status: OrderStatus, total: string, currency: string, updatedAt: string, version: number } } };


export const CustomerDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"vip"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"industry"}},{"kind":"Field","name":{"kind":"Name","value":"website"}},{"kind":"Field","name":{"kind":"Name","value":"annualRevenue"}},{"kind":"Field","name":{"kind":"Name","value":"phones"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"number"}}]}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"address"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"contacts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"primary"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"address"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phones"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalRef"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CustomerDetailQuery, CustomerDetailQueryVariables>;
export const CustomerListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerOrderBy"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"vip"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"contacts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"primary"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"eq"},"value":{"kind":"BooleanValue","value":true}}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"address"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CustomerListQuery, CustomerListQueryVariables>;
export const OrderStatusChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"OrderStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalRef"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<OrderStatusChangedSubscription, OrderStatusChangedSubscriptionVariables>;
import { Role } from '../entities/enums';

/**
 * Which roles may do what, named once. The permission map (`*.permissions.ts`) grants fields to these
 * lists and the services scope their SQL and business rules by the same lists, so the two cannot drift
 * apart. Record-level rules (whose records, which customers) stay in `services/scope.ts`.
 */

// Customers and search
/** Roles that read every customer record (each through its field rules); the others see a scope. */
export const ALL_CUSTOMER_READERS: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST];
/** Roles whose users may own customers (and so the customers a lead converts into). */
export const CUSTOMER_OWNERS: readonly Role[] = [Role.SALES_REP, Role.SALES_MANAGER, Role.ADMIN];
/** Roles that link a customer to the partner reselling to it (keys never do). */
export const SETS_RESELLER: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP];
/** Roles whose search may match contact details (phones, e-mails): those who may read them. */
export const PII_SEARCH: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.FINANCE, Role.PARTNER];

/** The roles an API key can have: a system (INTEGRATION) or a partner. */
export const KEY_ROLES = [Role.INTEGRATION, Role.PARTNER] as const;

// Sales
/** Roles that read campaigns (all of them). */
export const CAMPAIGN_READERS: readonly Role[] = [Role.ADMIN, Role.MARKETING, Role.SALES_MANAGER, Role.SALES_REP, Role.FINANCE, Role.ANALYST];
/** Roles that read activities (of the customers they can see). */
export const ACTIVITY_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE];
/** Roles that log activities. */
export const ACTIVITY_WRITERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT];

// Orders
/** Staff roles (and partners) that read orders, of the customers they can see. */
export const ORDER_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.FINANCE, Role.PARTNER];
/** Roles that change orders within their order scope (partners only cancel, see the order service). */
export const ORDER_WRITERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.INTEGRATION, Role.PARTNER];

// Loyalty
/** Staff who read memberships and tiers (of the customers they can see); PARTNER its own, keys with `customers:read` too. */
export const LOYALTY_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST];
/** Who moves points by hand (goodwill after a complaint, corrections). */
export const POINTS_ADJUSTERS: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT];
/** Who enrols customers: those who write customers (reps and managers within their scope). */
export const MEMBER_ENROLLERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP];

// Customer value (issue 12)
/** Who reads customer metrics (of the customers in their scope), lists by them and sees the analytics over them: staff users, never partners or keys. */
export const METRICS_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST];
/** Who reads the cost-based figures (margins, CLV), and filters or sorts by them: those who see product costs. */
export const MARGIN_READERS: readonly Role[] = [Role.ADMIN, Role.SALES_MANAGER, Role.FINANCE];

// Finance
/** Roles that write contracts (ADMIN/FINANCE any, managers and reps those of customers in their scope). */
export const CONTRACT_WRITERS: readonly Role[] = [Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.SALES_REP];
/** Who reads credit holds (rows by `accountScope`). */
export const CREDIT_HOLD_READERS: readonly Role[] = [Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.SALES_REP];
/** Who reads assessments and the credit terms on a hold (limit, its currency). */
export const CREDIT_ASSESSMENT_READERS: readonly Role[] = [Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER];
/** The "one" owner of credit decisions. */
export const CREDIT_DECIDERS: readonly Role[] = [Role.FINANCE];

// Service
/** Staff roles that read cases, SLA policies and queues (SALES_* read-only, their customers' cases only). */
export const CASE_STAFF: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT, Role.SALES_MANAGER, Role.SALES_REP];
/** Roles whose users can be assigned cases and manage queues: they work every case. */
export const CASE_WORKERS: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT];
/** Who reads product feedback (all of it: it is not customer-keyed). */
export const FEEDBACK_READERS: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT, Role.SALES_MANAGER, Role.SALES_REP, Role.ANALYST, Role.MARKETING];
/** Who creates and changes feedback and links cases to it. */
export const FEEDBACK_WRITERS: readonly Role[] = [Role.ADMIN, Role.SERVICE_AGENT];
/** Who sees the cases behind feedback: the staff who read cases (each within its case scope). */
export const SOURCE_CASE_READERS = CASE_STAFF;
/** Who reads a customer's suggestion value: staff, not partners, not API keys. */
export const SUGGESTION_VALUE_READERS: readonly Role[] = [
  Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETING, Role.FINANCE, Role.ANALYST,
];

import { registerEnumType } from 'type-graphql';

/** Enumerations of the service side (issue 5). */

export enum CaseType {
  TECH_SUPPORT = 'TECH_SUPPORT', PRE_SALES = 'PRE_SALES', COMPLAINT = 'COMPLAINT', REPAIR = 'REPAIR',
  INSTALLATION = 'INSTALLATION', DELIVERY = 'DELIVERY', RETURN = 'RETURN', SUGGESTION = 'SUGGESTION',
}
registerEnumType(CaseType, {
  name: 'CaseType',
  description: 'What a service case is about.',
  valuesConfig: {
    TECH_SUPPORT: { description: 'A technical problem with a product.' },
    PRE_SALES: { description: 'A question before buying.' },
    COMPLAINT: { description: 'The customer is unhappy (may become product feedback).' },
    REPAIR: { description: 'Something must be repaired.' },
    INSTALLATION: { description: 'Installation or set-up.' },
    DELIVERY: { description: 'A delivery problem.' },
    RETURN: { description: 'The customer returns a product.' },
    SUGGESTION: { description: 'An idea for a product (may become product feedback).' },
  },
});

export enum CaseChannel { PHONE = 'PHONE', EMAIL = 'EMAIL', WEB = 'WEB', CHAT = 'CHAT', FAX = 'FAX', IN_PERSON = 'IN_PERSON', PARTNER = 'PARTNER' }
registerEnumType(CaseChannel, {
  name: 'CaseChannel',
  description: 'How the case reached us.',
  valuesConfig: {
    PHONE: { description: 'A call to the call centre.' },
    EMAIL: { description: 'An e-mail.' },
    WEB: { description: 'A web form or portal.' },
    CHAT: { description: 'A chat conversation.' },
    FAX: { description: 'A fax.' },
    IN_PERSON: { description: 'At a store or service point.' },
    PARTNER: { description: 'Opened by a partner for itself or a customer it resells to (forced for partner callers).' },
  },
});

export enum CasePriority { P1 = 'P1', P2 = 'P2', P3 = 'P3', P4 = 'P4' }
registerEnumType(CasePriority, {
  name: 'CasePriority',
  description: 'Urgency; each priority has SLA targets (see `slaPolicies`).',
  valuesConfig: {
    P1: { description: 'Critical: the customer cannot work.' },
    P2: { description: 'High.' },
    P3: { description: 'Normal.' },
    P4: { description: 'Low.' },
  },
});

export enum CaseStatus {
  NEW = 'NEW', ASSIGNED = 'ASSIGNED', IN_PROGRESS = 'IN_PROGRESS', WAITING_ON_CUSTOMER = 'WAITING_ON_CUSTOMER', RESOLVED = 'RESOLVED', CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description: 'Where a case stands. CLOSED only from RESOLVED; RESOLVED and CLOSED cases can be reopened within the reopen window.',
  valuesConfig: {
    NEW: { description: 'Opened, nobody assigned yet.' },
    ASSIGNED: { description: 'An agent is assigned.' },
    IN_PROGRESS: { description: 'Being worked on.' },
    WAITING_ON_CUSTOMER: { description: 'Waiting for the customer\'s answer.' },
    RESOLVED: { description: 'Solved; the customer is asked for satisfaction (a survey).' },
    CLOSED: { description: 'Finished.' },
  },
});

export enum CommentVisibility { PUBLIC = 'PUBLIC', INTERNAL = 'INTERNAL' }
registerEnumType(CommentVisibility, {
  name: 'CommentVisibility',
  description: 'Who may read a case comment.',
  valuesConfig: {
    PUBLIC: { description: 'A reply the customer (and a partner) sees; the first one by staff sets `firstRespondedAt`.' },
    INTERNAL: { description: 'A note for staff only — never shown to PARTNER or API-key callers, in any query.' },
  },
});

export enum FeedbackStatus { NEW = 'NEW', ACCEPTED = 'ACCEPTED', REJECTED = 'REJECTED', SHIPPED = 'SHIPPED' }
registerEnumType(FeedbackStatus, {
  name: 'FeedbackStatus',
  description: 'Where product feedback stands.',
  valuesConfig: {
    NEW: { description: 'Not yet decided by the product team.' },
    ACCEPTED: { description: 'The product team will act on it (counts toward the customers\' suggestion value).' },
    REJECTED: { description: 'Not pursued (can be reconsidered: back to NEW).' },
    SHIPPED: { description: 'The change is out (counts toward the customers\' suggestion value).' },
  },
});

import { billingPermissions } from '../auth/billing.permissions';
import { contractPermissions } from '../auth/contract.permissions';
import { creditPermissions } from '../auth/credit.permissions';
import { exchangeRatePermissions } from '../auth/exchange-rate.permissions';
import { financeReportPermissions } from '../auth/finance-report.permissions';
import { financeReportsPermissions } from '../auth/finance-reports.permissions';
import { partnerPermissions } from '../auth/partner.permissions';
import { receivablePermissions } from '../auth/receivable.permissions';
import { writeOffPermissions } from '../auth/write-off.permissions';
import { Contract } from '../entities/contract.entity';
import { CreditAssessment, CreditHold } from '../entities/credit.entity';
import { Role } from '../entities/enums';
import { ExchangeRate } from '../entities/exchange-rate.entity';
import { Payment, PaymentAllocation } from '../entities/payment.entity';
import { Receivable } from '../entities/receivable.entity';
import { createBillingLoaders } from '../loaders/billing.loaders';
import { createContractLoaders } from '../loaders/contract.loaders';
import { createCreditLoaders } from '../loaders/credit.loaders';
import { createReceivableLoaders } from '../loaders/receivable.loaders';
import { Migration20261203000000Finance } from '../../migrations/Migration20261203000000Finance';
import { Migration20261221000000ExchangeRates } from '../../migrations/Migration20261221000000ExchangeRates';
import { Migration20261222000000WriteOff } from '../../migrations/Migration20261222000000WriteOff';
import { Migration20261220000000BillingSchedule } from '../../migrations/Migration20261220000000BillingSchedule';
import { billingResolvers } from '../resolvers/billing.resolver';
import { contractResolvers } from '../resolvers/contract.resolver';
import { creditResolvers } from '../resolvers/credit.resolver';
import { exchangeRateResolvers } from '../resolvers/exchange-rate.resolver';
import { financeReportResolvers } from '../resolvers/finance-report.resolver';
import { financeReportsResolvers } from '../resolvers/finance-reports.resolver';
import { partnerResolvers } from '../resolvers/partner.resolver';
import { receivableResolvers } from '../resolvers/receivable.resolver';
import { writeOffResolvers } from '../resolvers/write-off.resolver';
import { runOverdueJob } from '../services/collection.service';
import { accountScope, contractScope } from '../services/scope';
import { FALSE, TRUE } from '../services/sql';
import { timelineRowsById } from '../services/timeline.service';
import type { Domain } from './domain';

/** Contracts and their instalments, receivables and payments, credit ("3+1"), collections, statements and finance reports. */
export const financeDomain: Domain = {
  name: 'finance',
  entities: [Contract, Receivable, Payment, PaymentAllocation, CreditAssessment, CreditHold, ExchangeRate],
  migrations: [
    { name: 'Migration20261203000000Finance', class: Migration20261203000000Finance },
    { name: 'Migration20261220000000BillingSchedule', class: Migration20261220000000BillingSchedule },
    { name: 'Migration20261221000000ExchangeRates', class: Migration20261221000000ExchangeRates },
    { name: 'Migration20261222000000WriteOff', class: Migration20261222000000WriteOff },
  ],
  resolvers: [
    ...contractResolvers, ...receivableResolvers, ...creditResolvers, ...financeReportResolvers, ...financeReportsResolvers,
    ...exchangeRateResolvers, ...partnerResolvers, ...writeOffResolvers, ...billingResolvers,
  ],
  permissions: [
    contractPermissions, receivablePermissions, creditPermissions, financeReportPermissions, financeReportsPermissions,
    exchangeRatePermissions, partnerPermissions, writeOffPermissions, billingPermissions,
  ],
  loaders: [createContractLoaders, createReceivableLoaders, createCreditLoaders, createBillingLoaders],
  nodes: {
    Contract: (ctx, ids) => ctx.loaders.contractById.loadMany(ids),
    Receivable: (ctx, ids) => ctx.loaders.receivableById.loadMany(ids),
    Payment: (ctx, ids) => ctx.loaders.paymentById.loadMany(ids),
    CreditAssessment: (ctx, ids) => ctx.loaders.creditAssessmentById.loadMany(ids),
    CreditHold: (ctx, ids) => ctx.loaders.creditHoldById.loadMany(ids),
  },
  audit: [
    // Money and credit only for those who see the customer's account; contracts also for service.
    { types: ['Receivable', 'Payment', 'CreditHold', 'CreditAssessment'], visible: (p, a) => accountScope(p, `${a}.customer_id`) },
    { types: ['Contract'], visible: (p, a) => contractScope(p, `${a}.customer_id`) },
    // Exchange rates belong to no customer: their entries only for those who set rates.
    { types: ['ExchangeRate'], visible: (p) => (p.type === 'USER' && (p.role === Role.ADMIN || p.role === Role.FINANCE) ? TRUE : FALSE) },
  ],
  timeline: [
    {
      kind: 'CONTRACT', rank: 5, entity: Contract,
      description: 'A contract was drawn up: the node is a `Contract`, `at` is its `createdAt`. Shown to those who read contracts.',
      from: 'contract k', id: 'k.id', at: 'k.created_at', customer: 'k.customer_id',
      visible: (ctx) => contractScope(ctx.principal, 'k.customer_id'),
      load: timelineRowsById('Contract', 'contract', 'k'),
    },
    {
      kind: 'PAYMENT', rank: 4, entity: Payment,
      description: 'A payment was recorded: the node is a `Payment`, `at` is when it was recorded. Shown to those who read the customer\'s account.',
      from: 'payment y', id: 'y.id', at: 'y.created_at', customer: 'y.customer_id',
      visible: (ctx) => accountScope(ctx.principal, 'y.customer_id'),
      load: timelineRowsById('Payment', 'payment', 'y'),
    },
  ],
  jobs: [{ name: 'overdue', run: (em, now) => runOverdueJob(em, now) }],
};

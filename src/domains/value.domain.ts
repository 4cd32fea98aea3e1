import { CustomerMetrics } from '../entities/metrics.entity';
import { Migration20261216000000CustomerValue } from '../../migrations/Migration20261216000000CustomerValue';
import { valueAnalyticsPermissions } from '../auth/value-analytics.permissions';
import { valuePermissions } from '../auth/value.permissions';
import { createValueLoaders } from '../loaders/value.loaders';
import { ChurnGroupResolver, ValueAnalyticsResolver } from '../resolvers/value-analytics.resolver';
import { CustomerMetricsFieldsResolver, CustomerMetricsResolver } from '../resolvers/value.resolver';
import { metricsJob } from '../services/metrics-refresh';
import type { Domain } from './domain';

/** Customer value and loyalty metrics (issue 12): RFM, CLV, trend, Pareto, C3 segments, churn risk, and the analytics over them. */
export const valueDomain: Domain = {
  name: 'value',
  entities: [CustomerMetrics],
  migrations: [
    { name: 'Migration20261216000000CustomerValue', class: Migration20261216000000CustomerValue },
  ],
  resolvers: [CustomerMetricsResolver, CustomerMetricsFieldsResolver, ValueAnalyticsResolver, ChurnGroupResolver],
  permissions: [valuePermissions, valueAnalyticsPermissions],
  loaders: [createValueLoaders],
  jobs: [{ name: 'metrics', run: (em, now) => metricsJob(em, now) }],
};

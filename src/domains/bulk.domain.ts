import { bulkPermissions } from '../auth/bulk.permissions';
import { ImportJob } from '../entities/import-job.entity';
import { ImportResolver } from '../resolvers/import.resolver';
import { importJobsByIds } from '../services/import.service';
import { Migration20261231000000ImportJob } from '../../migrations/Migration20261231000000ImportJob';
import type { Domain } from './domain';

/**
 * Bulk data (issue 15): CSV import jobs (`importCsv`, `importJob`, `importJobs`). The CSV export
 * (`GET /export/<list>.csv`, src/http/export.ts) runs the GraphQL lists themselves and adds no types.
 */
export const bulkDomain: Domain = {
  name: 'bulk',
  entities: [ImportJob],
  migrations: [
    { name: 'Migration20261231000000ImportJob', class: Migration20261231000000ImportJob },
  ],
  resolvers: [ImportResolver],
  permissions: [bulkPermissions],
  nodes: {
    ImportJob: async (ctx, ids) => {
      if (!ctx.principal) return ids.map(() => null);
      const found = new Map((await importJobsByIds({ em: ctx.em, principal: ctx.principal }, ids)).map((j) => [j.id, j]));
      return ids.map((id) => found.get(id) ?? null);
    },
  },
};

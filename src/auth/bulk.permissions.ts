import { writesContacts } from './contact.permissions';
import { writesCustomers } from './customer.permissions';
import { writesProducts } from './product.permissions';
import type { PermissionMap } from './permission-map';
import { anyOf, reachable } from './rules';

/**
 * Bulk data (issue 15). `importCsv` is open to whoever may write at least one importable kind (the union
 * of `createCustomer`, `createContact` and `createProduct`); the resolver then requires the create and
 * update policies of the kind asked for, so an import never lets anyone write what the mutations would not.
 * Jobs are read by the same callers (the service shows each caller its own jobs; ADMIN all).
 */
export const importsData = anyOf(writesCustomers, writesContacts, writesProducts);

export const bulkPermissions: PermissionMap = {
  Query: { importJob: importsData, importJobs: importsData },
  Mutation: { importCsv: importsData },
  ImportJob: { '*': reachable },
  ImportJobConnection: { '*': reachable },
  ImportJobEdge: { '*': reachable },
  ImportRowError: { '*': reachable },
  ImportRowErrorConnection: { '*': reachable },
  ImportRowErrorEdge: { '*': reachable },
  ImportDryRun: { '*': reachable },
  ImportCsvPayload: { '*': reachable },
};

/* Removes this run's seeded templates (the PostgreSQL template databases and the embedded database's tarballs)
 * and the PostgreSQL databases its test files used. */
const { rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

module.exports = async function globalTeardown() {
  const run = process.env.CRM_TEST_RUN;
  if (!run) return;
  rmSync(join(tmpdir(), `crm-test-${run}`), { recursive: true, force: true });
  if (!process.env.DATABASE_URL) return;
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    // The run's templates and the databases its test files copied from them (test/support/seeded-database.ts).
    const { rows } = await c.query('select datname from pg_database where datname like $1 or datname like $2',
      [`crm_tpl_${run}_%`, `crm_test_${run}_%`]);
    for (const { datname } of rows) await c.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await c.end();
  }
};

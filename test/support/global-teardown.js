/* Removes this run's seeded templates: the PostgreSQL template databases and the embedded database's tarballs. */
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
    const { rows } = await c.query("select datname from pg_database where datname like $1", [`crm_tpl_${run}_%`]);
    for (const { datname } of rows) await c.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await c.end();
  }
};

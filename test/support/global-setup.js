/* One id per Jest run, inherited by the workers: the seeded template databases of this run are named by it
 * (test/support/seeded-database.ts). */
const { randomBytes } = require('node:crypto');

module.exports = async function globalSetup() {
  process.env.CRM_TEST_RUN = `r${randomBytes(4).toString('hex')}`;
};

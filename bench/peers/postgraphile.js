'use strict';
/* global console, setTimeout */
/**
 * PostGraphile 4 over the app's database, as the peer of bench/compare.ts: schema `public`, POST /graphql on
 * 127.0.0.1:PORT, default inflection (allCustomers, customerById, contactsByCustomerId, userByOwnerId …).
 * Read-only and quiet on purpose, so that it does what a production read endpoint would and nothing else:
 * no GraphiQL, no query log, no CRUD mutations. Its pool is as large as the API's (POOL_SIZE), so neither
 * side gets more database connections than the other.
 *
 *   DATABASE_URL=postgres://… PORT=5055 POOL_SIZE=10 node bench/peers/postgraphile.js
 *
 * Prints "ready <url>" once listening; stops on SIGTERM/SIGINT (closes the server, then the pool).
 */
const http = require('node:http');
const path = require('node:path');
const { Pool } = require('pg');
const { postgraphile } = require('postgraphile');
// The loader the CLI uses for ./postgraphile.tags.json5 (not exported from the package root in 4.x).
const { makePgSmartTagsFromFilePlugin } = require('postgraphile/build/plugins');

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('postgraphile.js: set DATABASE_URL');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 5055);
const poolSize = Number(process.env.POOL_SIZE ?? 10);
if (!Number.isInteger(port) || !Number.isInteger(poolSize) || poolSize < 1) {
  console.error('postgraphile.js: PORT and POOL_SIZE must be whole numbers');
  process.exit(1);
}

const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
// A pool error on an idle client must not bring the peer down in the middle of a round.
pool.on('error', (error) => console.error('postgraphile.js: idle client error:', error.message));

const middleware = postgraphile(pool, 'public', {
  graphqlRoute: '/graphql',
  graphiql: false,
  disableQueryLog: true,
  disableDefaultMutations: true,
  // JSON columns (e-mails, phones, addresses) as JSON values, as the API returns them; without it they are strings.
  dynamicJson: true,
  // Tables the app's schema has but PostGraphile should not expose or cannot handle are omitted here, the
  // documented way (smart tags from a file), never by changing the app's migrations. The file is read from
  // this folder whatever the working directory.
  appendPlugins: [makePgSmartTagsFromFilePlugin(path.join(__dirname, 'postgraphile.tags.json5'))],
  // Fail at start-up rather than retrying forever: the runner waits for "ready" and reports the error.
  retryOnInitFail: false,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  showErrorStack: false,
  extendedErrors: ['errcode'],
});

const server = http.createServer(middleware);
server.keepAliveTimeout = 65_000;
// PostGraphile builds its schema in the background: "ready" only once it is built, so that the runner's
// first request is not the one that waits for the introspection (and a naming conflict fails here).
middleware.getGraphQLSchema().then(
  () => server.listen(port, '127.0.0.1', () => console.log(`ready http://127.0.0.1:${server.address().port}/graphql`)),
  (error) => {
    console.error('postgraphile.js: the schema could not be built:', error);
    process.exit(1);
  },
);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close(() => {
    pool.end().then(() => process.exit(0), () => process.exit(1));
  });
  server.closeAllConnections();
  console.error(`postgraphile.js: ${signal}, stopping`);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

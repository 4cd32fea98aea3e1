/**
 * A Jest runtime that loads the application once per worker instead of once per test file.
 *
 * Jest gives every test file a fresh module registry in a fresh VM context, so each file used to load
 * all of src/ and its packages again (type-graphql, MikroORM, Apollo, PGlite, …: ~0.9 s) and build the
 * schema again (type-graphql buildSchema + graphql-shield: ~0.5 s). Here, a test file's `require` of
 * anything outside test/ is answered by Node's own `require` in the worker's main realm, whose module
 * cache lives as long as the worker: the first file of a worker loads the application, the others reuse
 * it (src/app.ts builds the schema once per process). Test files and test/ helpers still load per file.
 *
 * What stays per file: each file opens its own database (test/support/seeded-database.ts) and its own
 * app; nothing in src/ keeps per-database state at module level (only caches derived from the code:
 * entity metadata, select lists, shield rules). `queryCounter` is one object for the app and the test,
 * as before. Files of one worker run one after another, never at once.
 *
 * The application's objects come from another realm than the test file's: `toStrictEqual` (which
 * compares constructors) and `instanceof Array`/`Object` across the two would not hold; `toEqual`,
 * `toMatchObject`, `toThrow` and `instanceof` with classes imported from src/ do. `Date` is the one
 * built-in that crosses often (tests pass dates to services, which check `instanceof Date`), so the
 * test file's `Date` is the application's. `jest.mock` cannot reach modules outside test/ (no test
 * mocks; a test that needs to would have to go through the default runtime).
 */
const Module = require('node:module');
const path = require('node:path');
const Runtime = require('jest-runtime').default;

const TEST_DIR = path.join(__dirname, '..') + path.sep;
let hooked = false;

/** The module `name` required from `from`, loaded in the main realm; undefined when it belongs to the tests. */
function sharedModule(from, name) {
  if (!hooked) {
    require('./register-swc'); // .ts for Node's require, compiled like Jest does
    Module.createRequire(from)('reflect-metadata'); // before any decorator runs
    hooked = true;
  }
  const load = Module.createRequire(from);
  const resolved = load.resolve(name);
  if (!path.isAbsolute(resolved) || resolved.startsWith(TEST_DIR)) return undefined;
  return { exports: load(resolved) };
}

class SharedAppRuntime extends Runtime {
  constructor(config, environment, ...rest) {
    super(config, environment, ...rest);
    environment.global.Date = Date;
    environment.global.__crmFileStartedAt = Date.now(); // for test/support/profile.ts
  }

  requireModuleOrMock(from, moduleName) {
    if (from.startsWith(TEST_DIR) && moduleName !== '@jest/globals' && !Module.isBuiltin(moduleName)) {
      const shared = sharedModule(from, moduleName);
      if (shared) return shared.exports;
    }
    return super.requireModuleOrMock(from, moduleName);
  }
}

module.exports = SharedAppRuntime;

/** Integration tests: real schema, real database (PostgreSQL with DATABASE_URL, else embedded PGlite). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    }],
  },
  // One seeded template database per seed and run, copied by each file (test/support/seeded-database.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // The application (src/ and its packages) loads once per worker, not once per file; see the file.
  runtime: '<rootDir>/test/support/shared-runtime.js',
  testTimeout: 60000,
  // "A worker process has failed to exit gracefully" came from no open handle (at the end a worker holds
  // only its stdout/stderr pipes): Node finishes V8's background jobs before it exits, among them the
  // optimising (tier-up) compilation of PGlite's 8.8 MB wasm, which took more than Jest's default 500 ms
  // on a busy machine (measured: 0.58 s from 'exit' to gone, 0.14 s with --no-wasm-tier-up).
  workerGracefulExitTimeout: 5000,
  maxWorkers: 2,
};

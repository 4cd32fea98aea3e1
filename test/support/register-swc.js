/* Lets Node run the TypeScript sources directly (as Jest does), with the compiler settings of
 * jest.config.js: for tests that need a real process (e.g. sending it SIGTERM), and for the Jest workers,
 * which load the application once per worker (test/support/shared-runtime.js).
 *
 * Compiled files are cached on disk by content (like Jest's own transform cache): compiling all of src/
 * anew cost every child process and every worker ~1-2 s of CPU. */
const { transformSync, version } = require('@swc/core');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const OPTIONS = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
const CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'crm-swc');
const SALT = `${version}:${JSON.stringify(OPTIONS)}`;

function compile(source, filename) {
  const key = createHash('sha1').update(SALT).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not compiled yet
  }
  const { code } = transformSync(source, { ...OPTIONS, filename });
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    // Several processes may compile the same file at once: each writes its own file, the rename is atomic.
    const partial = `${cached}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  } catch {
    // a read-only tree: compile every time
  }
  return code;
}

require.extensions['.ts'] = function load(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

import chromium from '@sparticuz/chromium';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium as playwright, type Browser, type BrowserContext } from 'playwright-core';

/**
 * Headless Chromium for the browser tests, from the `@sparticuz/chromium` npm package (so `npm ci` is the
 * whole set-up; no download, no system browser). A missing or broken browser makes the tests fail: nothing
 * here skips.
 */

/** The pinned version (the package does not export its package.json): a new version unpacks anew. */
const VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).devDependencies['@sparticuz/chromium'];

// WebGL is not needed: the launch flags get --disable-webgl instead of SwiftShader's GL flags.
chromium.setGraphicsMode = false;

/**
 * `chromium.executablePath()` unpacks into `os.tmpdir()` and treats an existing `chromium` file there as
 * done, so two test processes unpacking at once (two Jest workers, two engineers' runs) or one killed
 * half-way could leave a half-written binary that every later run launches. So it runs in a child
 * process whose TMPDIR is a private staging folder (Jest's sandboxed `process.env` does not reach
 * `os.tmpdir()`), and the folder is then renamed into place: the rename is atomic, so a folder under its
 * final name is always complete; the loser of a race discards its copy.
 */
async function executablePath(): Promise<{ path: string; unpackMs: number }> {
  const home = join(tmpdir(), `crm-test-chromium-${VERSION}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return { path: binary, unpackMs: 0 };
  const started = Date.now();
  const staging = mkdtempSync(join(tmpdir(), 'crm-test-chromium-unpacking-'));
  const unpack = `const c = require(${JSON.stringify(require.resolve('@sparticuz/chromium'))});
    (c.default ?? c).executablePath().then((path) => process.stdout.write(path));`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', unpack], { env: { ...process.env, TMPDIR: staging } });
    if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, not to ${staging}`);
    renameSync(staging, home);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error; // not a lost race: a real failure
  }
  return { path: binary, unpackMs: Date.now() - started };
}

/**
 * The package's flags are made for AWS Lambda. Dropped: `--disable-web-security` and
 * `--allow-running-insecure-content` (they would turn off the very CORS checks under test) and
 * `--single-process` (Playwright's separate contexts are more reliable with normal processes; Chromium
 * runs as root here with the package's `--no-sandbox`). Added: no background traffic (updates, metrics,
 * safe browsing), and a network cut below any page: every host name but localhost fails to resolve, and
 * every non-loopback address goes to a proxy that is not there (loopback always bypasses proxies).
 */
export function launchArgs(): string[] {
  const dropped = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);
  return [
    ...chromium.args.filter((arg) => !dropped.has(arg)),
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-breakpad',
    '--metrics-recording-only',
    '--no-first-run',
    '--no-pings',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    '--proxy-server=http://127.0.0.1:9',
  ];
}

export interface TestBrowser {
  browser: Browser;
  /** How long unpacking the browser took (0 when an earlier run left it unpacked). */
  unpackMs: number;
  launchMs: number;
  /**
   * A fresh context that may reach only 127.0.0.1/localhost. `blocked` lists every request to anywhere
   * else, so a test can assert the page works offline and tried nothing else. With `route` (the default)
   * such requests are also aborted by Playwright's routing; pass `route: false` for cross-origin tests:
   * while routing is on, Playwright answers CORS preflights itself (allowing everything), so the API's
   * own preflight answers would never be tested. The launch flags cut the network either way.
   */
  offlineContext(options?: { route?: boolean }): Promise<{ context: BrowserContext; blocked: string[] }>;
  close(): Promise<void>;
}

const LOCAL = /^(?:https?|wss?):\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\//;
const isRemote = (url: string) => !LOCAL.test(url) && !url.startsWith('data:') && !url.startsWith('about:');

export async function launchBrowser(): Promise<TestBrowser> {
  const { path, unpackMs } = await executablePath();
  const started = Date.now();
  const browser = await playwright.launch({ executablePath: path, args: launchArgs(), headless: true, timeout: 30_000 });
  const launchMs = Date.now() - started;
  return {
    browser, unpackMs, launchMs,
    async offlineContext({ route = true } = {}) {
      const context = await browser.newContext();
      const blocked: string[] = [];
      context.on('request', (request) => { if (isRemote(request.url())) blocked.push(request.url()); });
      if (route) {
        await context.route('**/*', (r) => (isRemote(r.request().url()) ? r.abort('internetdisconnected') : r.continue()));
      }
      return { context, blocked };
    },
    close: () => browser.close(),
  };
}

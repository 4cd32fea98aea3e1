import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Request } from 'express';
import type { Config } from '../config';
import { EXPLORER_CSS, explorerHtml, explorerScript } from './explorer-page';

/**
 * The GraphiQL explorer on GET /graphql for browsers, served entirely from installed packages (GraphiQL
 * 3.8 UMD + React 18 UMD from node_modules): it works offline, loads nothing from a CDN and reports
 * nothing anywhere. On by default, off with NODE_ENV=production unless EXPLORER=true.
 */

export const ENDPOINT = '/graphql';
export const ASSETS_ROOT = '/explorer';

export function explorerEnabled(config: Pick<Config, 'EXPLORER' | 'NODE_ENV'>): boolean {
  return config.EXPLORER ? config.EXPLORER === 'true' : config.NODE_ENV !== 'production';
}

/**
 * The one inline style GraphiQL adds: the scroll lock its menus and dialogs inject (react-remove-scroll-bar,
 * no nonce hook reachable in the UMD bundle). Its text depends only on the page's scrollbar gap and body
 * margins, which explorer.css pins to 0, so it is always this text; the browser test fails on any
 * Content-Security-Policy violation, so a GraphiQL upgrade that changes it cannot go unnoticed.
 */
const SCROLL_LOCK_STYLE_HASH = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='";

/**
 * Only 'self': scripts and styles are files (no inline code but the hashed style above), the API is
 * same-origin. GraphiQL's CSS embeds its fonts and icons as data: URLs. The page may not be framed.
 */
export const EXPLORER_CSP = [
  "default-src 'none'", "script-src 'self'", `style-src 'self' ${SCROLL_LOCK_STYLE_HASH}`, "font-src 'self' data:", "img-src 'self' data:",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const packageVersion = (name: string): string => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

type Asset = { file: string } | { body: string; type: string };

function assets(): Record<string, Asset> {
  const graphiql = packageDir('graphiql');
  return {
    'react.production.min.js': { file: join(packageDir('react'), 'umd', 'react.production.min.js') },
    'react-dom.production.min.js': { file: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js') },
    'graphiql.min.js': { file: join(graphiql, 'graphiql.min.js') },
    'graphiql.min.js.map': { file: join(graphiql, 'graphiql.min.js.map') },
    'graphiql.min.css': { file: join(graphiql, 'graphiql.min.css') },
    'graphiql.min.css.map': { file: join(graphiql, 'graphiql.min.css.map') },
    'explorer.js': { body: explorerScript(ENDPOINT), type: 'js' },
    'explorer.css': { body: EXPLORER_CSS, type: 'css' },
  };
}

/** The asset folder's name changes whenever any asset may have: cached files can be kept forever. */
function assetVersion(): string {
  const parts = ['graphiql', 'react', 'react-dom'].map((name) => `${name}@${packageVersion(name)}`);
  return createHash('sha256').update([...parts, explorerScript(ENDPOINT), EXPLORER_CSS].join('\n')).digest('hex').slice(0, 12);
}

/** A browser navigating to the endpoint: HTML preferred over JSON (`*\/*` gets JSON), no operation in the URL. */
function wantsPage(req: Request): boolean {
  return req.query.query === undefined && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

const NO_SNIFF = { 'x-content-type-options': 'nosniff' };

/** GET /graphql for browsers and the assets under /explorer/<version>/; mount before Apollo. */
export function explorerRouter(config: Pick<Config, 'EXPLORER' | 'NODE_ENV'>): express.Router {
  const router = express.Router();
  if (!explorerEnabled(config)) {
    router.get(ENDPOINT, (req, res, next) => {
      if (!wantsPage(req)) return next();
      res.status(404).type('text').send('No explorer here: it is off (EXPLORER=false, or NODE_ENV=production without EXPLORER=true). POST GraphQL requests to this address.');
    });
    return router;
  }
  const version = assetVersion();
  const files = assets();
  const page = explorerHtml(`${ASSETS_ROOT}/${version}`);

  router.get(ENDPOINT, (req, res, next) => {
    if (!wantsPage(req)) return next();
    res.set({ ...NO_SNIFF, 'content-security-policy': EXPLORER_CSP, 'cache-control': 'no-cache', 'referrer-policy': 'no-referrer', vary: 'Accept' });
    res.type('html').send(page);
  });
  router.get(`${ASSETS_ROOT}/:version/:name`, (req, res, next) => {
    const name = String(req.params.name);
    const asset = req.params.version === version && Object.hasOwn(files, name) ? files[name] : undefined;
    if (!asset) return next();
    res.set({ ...NO_SNIFF, 'cache-control': 'public, max-age=31536000, immutable' });
    if ('file' in asset) return res.sendFile(asset.file, { cacheControl: false });
    res.type(asset.type).send(asset.body);
  });
  return router;
}

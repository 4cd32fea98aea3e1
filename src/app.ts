import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { applyPermissions } from './auth';
import { buildContext, type DomainWiring, type GraphQLContext } from './context';
import { DOMAINS } from './domains';
import { domainProblems } from './domains/check';
import type { Config } from './config';
import type { Database } from './db/database';
import { corsMiddleware } from './http/cors';
import { explorerRouter } from './http/explorer';
import { exportRouter } from './http/export';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import { MAX_IMPORT_BYTES } from './resolvers/import.resolver';
import { waitForImports } from './services/import.service';
import { openRateLimits } from './http/rate-limit';
import { readReplicaPlugin } from './http/read-replica';
import { subscriptionsOverWebSocketOnly } from './realtime/http-subscriptions';
import { liveUpdates, type LiveUpdates } from './realtime/ws-server';
import { buildBareSchema } from './schema';
import { compiledExecution } from './schema/compiled-execution';
import { makeFormatError } from './schema/format-error';
import { oneLoginPerOperation } from './schema/one-login-rule';
import { inputGuardPlugin } from './schema/input-guards';
import { LIMITS, protectQueries } from './schema/query-limits';
import { setCursorSecret } from './services/pagination';

export { LIMITS };

function loggingPlugin(log: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          log.info({
            operation: operationName ?? null,
            role: contextValue.principal?.role ?? 'ANONYMOUS',
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            errors: errors?.length ?? 0,
          }, 'graphql');
        },
      };
    },
  };
}

export interface App {
  app: express.Express;
  apollo: ApolloServer<GraphQLContext>;
  /** Subscriptions over WebSocket: `attach` them to the listening HTTP server (server.ts, tests); `stop` closes them. */
  live: LiveUpdates;
  stop(): Promise<void>;
}

// The schema depends only on the code (never on config or database), so it is built once per process:
// type-graphql + graphql-shield take ~0.5 s, and the tests start many apps in one process.
let permittedSchema: Promise<GraphQLSchema> | undefined;
// Compiled operations (graphql-jit) belong to the schema, so they are shared the same way.
let execution: ReturnType<typeof compiledExecution> | undefined;

/** The schema with the permission map applied, after checking that every domain is complete (else start-up fails). */
async function buildPermittedSchema(): Promise<GraphQLSchema> {
  const bare = await buildBareSchema();
  const incomplete = domainProblems(DOMAINS, bare);
  if (incomplete.length) throw new Error(`A domain is incomplete: ${incomplete.join(' ')}`);
  return applyPermissions(bare);
}

/** The permitted schema of this process (built once); webhooks render their records through it (src/webhooks.ts). */
export const permittedSchemaOnce = (): Promise<GraphQLSchema> => (permittedSchema ??= buildPermittedSchema());

/** Express + Apollo over an open database: what `server.ts` serves and what the tests call. */
export async function createApp(config: Config, db: Database, log: Logger): Promise<App> {
  const production = config.NODE_ENV === 'production';
  const development = config.NODE_ENV === 'development';
  setCursorSecret(config.jwtSecret);
  const schema = await permittedSchemaOnce();
  execution ??= compiledExecution(schema);
  const wiring: DomainWiring = {
    loaderFactories: DOMAINS.flatMap((d) => d.loaders ?? []),
    nodeLoaders: new Map(DOMAINS.flatMap((d) => Object.entries(d.nodes ?? {}))),
  };
  const protection = protectQueries(production);
  const apollo = new ApolloServer<GraphQLContext>({
    // The schema and its compiled executor (see compiled-execution.ts): Apollo still parses, validates and formats.
    gateway: execution.gateway,
    introspection: !production,
    allowBatchedHttpRequests: false,
    // server.ts owns SIGTERM/SIGINT (stop accepting, finish requests, close the database); Apollo's own
    // handlers (on outside NODE_ENV=test) raced it and left the process hanging.
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on large pages.
    stringifyResult: (value) => JSON.stringify(value),
    parseOptions: { maxTokens: LIMITS.maxTokens },
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    formatError: makeFormatError(log, development, production),
    validationRules: [...protection.validationRules, oneLoginPerOperation],
    // No Apollo landing page (Sandbox from a CDN, with telemetry): browsers get the offline explorer instead.
    plugins: [...protection.plugins, inputGuardPlugin(), subscriptionsOverWebSocketOnly(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), loggingPlugin(log),
      // DATABASE_READ_URL: queries read from the replica, mutations stay on the primary.
      ...(db.replica ? [readReplicaPlugin(db.replica, wiring)] : [])],
  });
  // Counters for request limits and the login throttle (Redis / PostgreSQL / memory); closed on stop.
  const limits = await openRateLimits(config, db, log);
  await apollo.start().catch(async (error) => {
    await limits.close();
    throw error;
  });

  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: hashing every response body costs CPU on each read, and a POST is never revalidated.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);
  app.get('/health', async (_req, res) => {
    try {
      await db.orm.em.fork().getConnection().execute('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  // CORS first, so that every answer on /graphql (errors and limits included) is readable by an allowed page.
  app.use('/graphql', corsMiddleware(config));
  app.use(explorerRouter(config));
  // CSV export of the list queries (issue 15), as the caller: see http/export.ts.
  app.use(exportRouter({ schema, db, config, loginThrottle: limits.loginThrottle, wiring, guard: limits.guard, log }));
  // GraphQL multipart requests (file uploads, `importCsv`) only; everything else goes to the JSON parser as before.
  // A multipart request without Apollo's preflight header is not even parsed: Apollo refuses it (CSRF) as before.
  const uploads = graphqlUploadExpress({ maxFileSize: MAX_IMPORT_BYTES, maxFiles: 1 });
  const preflighted = (req: express.Request) => Boolean(req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name']);
  app.use('/graphql', (req, res, next) => {
    if (!req.is('multipart/form-data') || !preflighted(req)) return next();
    // A body the multipart parser cannot read is the client's fault (400), whatever the parser threw.
    uploads(req, res, (err?: unknown) => next(err && typeof err === 'object' && !('status' in err) ? Object.assign(err, { status: 400 }) : err));
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req, res }) => limits.guard(req, res, () => buildContext(req, db.orm.em.fork(), config, limits.loginThrottle, wiring)),
    }),
  );
  // Body parser failures (malformed JSON, too large): a JSON error, never Express's HTML page with a stack.
  app.use(((err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error({ err }, 'unexpected error');
    const message = status === 500 ? 'Internal server error.' : err.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : 'Bad request.';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  }) as express.ErrorRequestHandler);
  const live = liveUpdates({
    schema, config, db, log, wiring, loginThrottle: limits.loginThrottle, validationRules: [...protection.validationRules, oneLoginPerOperation],
    formatError: makeFormatError(log, development, production),
  });
  return {
    app, apollo, live,
    async stop() {
      await live.close();
      await apollo.stop();
      // An import running in the background finishes its batches before the database closes.
      await waitForImports();
      await limits.close();
    },
  };
}

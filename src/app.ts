import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Logger } from 'pino';
import { applyPermissions } from './auth';
import { buildContext, type GraphQLContext } from './auth/context';
import type { Config } from './config';
import type { Database } from './db/orm';
import { buildBareSchema } from './schema/build-schema';
import { makeFormatError } from './schema/format-error';

/** Abuse limits, checked before execution. */
export const LIMITS = { maxDepth: 10, maxAliases: 15, maxTokens: 2000, maxCost: 20000, maxDirectives: 20 };

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
  stop(): Promise<void>;
}

/** Express + Apollo over an open database: what `server.ts` serves and what the tests call. */
export async function createApp(config: Config, db: Database, log: Logger): Promise<App> {
  const production = config.NODE_ENV === 'production';
  const development = config.NODE_ENV === 'development';
  const schema = applyPermissions(await buildBareSchema());
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    maxTokens: { n: LIMITS.maxTokens },
    maxDirectives: { n: LIMITS.maxDirectives },
    costLimit: { maxCost: LIMITS.maxCost },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: !production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    formatError: makeFormatError(log, development),
    validationRules: protection.validationRules,
    plugins: [...protection.plugins, ApolloServerPluginCacheControlDisabled(), loggingPlugin(log)],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    try {
      await db.orm.em.fork().getConnection().execute('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => buildContext(req, db.orm.em.fork() as any, config) }),
  );
  return { app, apollo, stop: () => apollo.stop() };
}

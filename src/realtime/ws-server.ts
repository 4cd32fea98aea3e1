import type { Server } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import { authenticate, type Credentials, type DomainWiring } from '../context';
import type { Database } from '../db/database';
import { checkCostWithVariables, LIMITS } from '../schema/query-limits';
import { guardInput } from '../schema/input-guards';
import type { LoginThrottle } from '../services/login-throttle';
import { CLOSE_UNAUTHORIZED, LiveConnection } from './live-connection';
import { openOutboxFeed, type OutboxFeed } from './outbox-feed';

export interface LiveUpdatesOptions {
  schema: GraphQLSchema;
  config: Config;
  db: Database;
  log: Logger;
  wiring: DomainWiring;
  loginThrottle: LoginThrottle;
  /** The HTTP endpoint's validation rules (depth, aliases, cost, …), applied to subscriptions alike. */
  validationRules: readonly ValidationRule[];
  /** The HTTP endpoint's error formatting (codes of domain exceptions; nothing unexpected leaks, no SQL), applied to every event alike. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/** GraphQL subscriptions over WebSocket (graphql-ws) on a listening HTTP server, path /graphql. */
export interface LiveUpdates {
  /** Serves WebSockets on `server` and starts listening for outbox events (once per app). */
  attach(server: Server): Promise<void>;
  /** Closes every WebSocket (1001), the event feed and the timers; before the HTTP server's close can finish. */
  close(): Promise<void>;
  /** How many subscriptions are listening for events on this instance now (for metrics and tests). */
  activeSubscriptions(): number;
}

type Extra = { socket: { close(code: number, reason: string): void } };

/** `connectionParams` → credentials, named as the HTTP headers are (`authorization` or `Authorization`, `x-api-key`). */
function credentialsOf(params: Record<string, unknown> | undefined): Credentials {
  const p = params ?? {};
  return { authorization: p.authorization ?? p.Authorization, apiKey: p['x-api-key'] ?? p['X-Api-Key'] };
}

/** Subscriptions one connection may hold open at once (a screen needs a handful; each costs a listener). */
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 25;

const badRequest = (message: string) => [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })];

export function liveUpdates(opts: LiveUpdatesOptions): LiveUpdates {
  const { schema, config, db, log } = opts;
  const rules = [...specifiedRules, ...opts.validationRules];
  const connections = new Map<Context, LiveConnection>();
  let feed: OutboxFeed | null = null;
  let wss: WebSocketServer | null = null;
  let server: ReturnType<typeof useServer> | null = null;
  const timers: NodeJS.Timeout[] = [];

  return {
    async attach(http) {
      if (wss) throw new Error('Live updates are already attached to a server.');
      const events = (feed = await openOutboxFeed(config, db, log));
      wss = new WebSocketServer({ server: http, path: '/graphql' });
      server = useServer<Record<string, unknown>, Extra>({
        schema,
        // Authenticated once here, with the same code as an HTTP request (context.ts `authenticate`).
        onConnect: async (ctx) => {
          const credentials = credentialsOf(ctx.connectionParams);
          let reason = 'Unauthorized: pass `{ authorization: "Bearer <token>" }` or `{ "x-api-key": "<key>" }` as connectionParams.';
          let principal = null;
          try {
            principal = await authenticate(db.orm.em.fork() as EntityManager, config, credentials);
          } catch (err) {
            if (!(err instanceof GraphQLError)) throw err;
            reason = `Unauthorized: ${err.message}`;
          }
          if (!principal) {
            ctx.extra.socket.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120)); // a close reason holds at most 123 bytes
            return false;
          }
          connections.set(ctx, new LiveConnection({ ...opts, feed: events }, credentials, principal, ctx.extra.socket));
          return true;
        },
        onNext: (_ctx, _id, _payload, _args, result) =>
          (result.errors?.length ? { ...result, errors: result.errors.map((e) => opts.formatError(e.toJSON(), e)) } : undefined),
        onError: (_ctx, _id, _payload, errors) => errors.map((e) => opts.formatError(e.toJSON(), e)),
        onClose: (ctx) => {
          connections.get(ctx)?.dispose();
          connections.delete(ctx);
        },
        // The HTTP endpoint's checks (token count, validation rules, input guards, cost with variables); only
        // subscriptions: queries and mutations go over HTTP, where the rate limits and the logging are.
        onSubscribe: (ctx, _id, payload) => {
          const connection = connections.get(ctx);
          if (!connection) return badRequest('The connection is closed.');
          if (connection.streamCount >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
            return badRequest(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection: complete one first.`);
          }
          let document: DocumentNode;
          try {
            document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
          } catch (err) {
            return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
          }
          const errors = validate(schema, document, rules);
          if (errors.length) return [...errors];
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) return badRequest('Name the operation to run (operationName).');
          if (operation.operation !== 'subscription') return badRequest('Only subscriptions are served over WebSocket: send queries and mutations with HTTP POST /graphql.');
          try {
            guardInput(schema, document, operation, payload.variables ?? undefined);
            checkCostWithVariables(schema, document, operation, payload.variables ?? undefined);
          } catch (err) {
            if (err instanceof GraphQLError) return [err];
            throw err;
          }
          return {
            schema, document, operationName: payload.operationName, variableValues: payload.variables,
            contextValue: connection.context(),
          };
        },
      }, wss);

      // Revocations without an event (a key revoked, a user deactivated while nothing happens) close within a tick.
      const recheck = setInterval(() => {
        for (const connection of connections.values()) void connection.recheck();
      }, config.LIVE_RECHECK_MS);
      recheck.unref();
      timers.push(recheck);
    },

    activeSubscriptions: () => [...connections.values()].reduce((n, c) => n + c.streamCount, 0),

    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      for (const connection of connections.values()) connection.dispose();
      const ws = server;
      await Promise.resolve(ws?.dispose()).catch((err: unknown) => log.warn({ err }, 'live updates: closing the WebSocket server failed'));
      await feed?.close();
      server = null;
      wss = null;
      feed = null;
    },
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal';
import type { Config } from '../config';
import { authenticate, type Credentials, type DomainWiring, type GraphQLContext } from '../context';
import type { Database } from '../db/database';
import { createLoaders } from '../loaders';
import type { LoginThrottle } from '../services/login-throttle';
import type { EventType } from '../services/outbox';
import type { OutboxFeed, OutboxRecord } from './outbox-feed';

/**
 * Close codes (graphql-ws conventions). 4401: the credentials are not valid (none, malformed, unknown,
 * expired at connection time): the graphql-ws client does not retry. 4403: the session ended while the
 * connection was open (token expired, password changed, user deactivated, key revoked or expired): the
 * client retries, calling `connectionParams` again, so a client that passes a function gets back in with
 * a fresh token, and one without a valid token is then refused with 4401.
 */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_SESSION_ENDED = 4403;

/** Events waiting for a slow subscriber beyond this are dropped, oldest first (a live screen refetches anyway). */
const MAX_BUFFERED = 100;
/** setTimeout's limit (~24.8 days); a later expiry is caught by the periodic re-check. */
const MAX_TIMER_MS = 2_147_483_647;

export interface LiveDeps {
  config: Config;
  db: Database;
  log: Logger;
  wiring: DomainWiring;
  loginThrottle: LoginThrottle;
  feed: OutboxFeed;
}

/** The context of a subscription operation: a request's context plus the connection it runs on. */
export interface LiveContext extends GraphQLContext {
  live: LiveConnection;
}

/**
 * One authenticated WebSocket. Holds the credentials given at connection (`connectionParams`) and checks
 * them again, through the same `authenticate` as HTTP, on every event and on the server's periodic tick:
 * a token past its `exp` (a timer fires at that moment), a password change, a deactivation or a revoked
 * key closes the connection (4403).
 */
export class LiveConnection {
  principal: Principal;
  private readonly ends = new Set<() => void>();
  private expiry: NodeJS.Timeout | null = null;
  private closed = false;
  /** The re-check made for one event, shared by the connection's subscriptions that receive it. */
  private lastCheck: { eventId: string; result: Promise<Principal | null> } | null = null;

  constructor(
    private readonly deps: LiveDeps,
    private readonly credentials: Credentials,
    principal: Principal,
    private readonly socket: { close(code: number, reason: string): void },
  ) {
    this.principal = principal;
    const exp = typeof credentials.authorization === 'string' ? decodeJwt(credentials.authorization.split(' ')[1]).exp : undefined;
    if (exp !== undefined) {
      const ms = exp * 1000 - Date.now();
      this.expiry = setTimeout(() => this.close(CLOSE_SESSION_ENDED, 'Token expired: connect again with a new token.'), Math.max(0, Math.min(ms, MAX_TIMER_MS)));
      this.expiry.unref();
    }
  }

  /** How many of the connection's subscriptions are open. */
  get streamCount(): number {
    return this.ends.size;
  }

  /** Authenticates the connection's credentials again; on failure closes it (4403) and answers null. */
  async recheck(): Promise<Principal | null> {
    if (this.closed) return null;
    let principal: Principal | null = null;
    try {
      principal = await authenticate(this.deps.db.orm.em.fork() as EntityManager, this.deps.config, this.credentials);
    } catch (err) {
      if (!(err instanceof GraphQLError)) this.deps.log.error({ err }, 'live updates: re-checking a connection failed');
    }
    if (!principal) {
      this.close(CLOSE_SESSION_ENDED, 'Session ended (expired, signed out elsewhere, deactivated or revoked): connect again.');
      return null;
    }
    this.principal = principal;
    return principal;
  }

  /** A fresh context for one subscription operation. */
  context(): LiveContext {
    const em = this.deps.db.orm.em.fork() as EntityManager;
    return {
      principal: this.principal, em, config: this.deps.config, loginThrottle: this.deps.loginThrottle, clientAddress: 'websocket',
      loaders: createLoaders({ em, principal: this.principal }, this.deps.wiring.loaderFactories),
      nodeLoaders: this.deps.wiring.nodeLoaders, live: this,
    };
  }

  /**
   * The events of `types` as the subscription's source stream: each committed event is re-checked
   * against the connection's credentials, the context gets a fresh EntityManager and loaders for the
   * current caller (DataLoader caches must not serve an earlier event's record), and `load` turns it
   * into the payload, or null to skip it (not for this caller, or the record is not visible to them).
   * An iterator rather than an async generator: `return()` must end a stream waiting for its next event
   * at once (an async generator's `return` would wait for that event).
   */
  stream<T>(ctx: LiveContext, types: readonly EventType[], load: (event: OutboxRecord, ctx: LiveContext) => Promise<T | null>): AsyncIterableIterator<T> {
    const buffer: OutboxRecord[] = [];
    let wake: (() => void) | null = null;
    let done = this.closed;
    const off = this.deps.feed.on((event) => {
      if (!(types as readonly string[]).includes(event.type)) return;
      if (buffer.length >= MAX_BUFFERED) buffer.shift();
      buffer.push(event);
      wake?.();
    });
    const end = () => {
      done = true;
      off();
      this.ends.delete(end);
      wake?.();
    };
    this.ends.add(end);
    const finished = (): IteratorResult<T> => ({ value: undefined, done: true });
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        while (!done) {
          const event = buffer.shift();
          if (!event) {
            await new Promise<void>((resolve) => { wake = resolve; });
            wake = null;
            continue;
          }
          const principal = await this.recheckFor(event.eventId);
          if (!principal) break;
          ctx.principal = principal;
          ctx.em = this.deps.db.orm.em.fork() as EntityManager;
          ctx.loaders = createLoaders({ em: ctx.em, principal }, this.deps.wiring.loaderFactories);
          try {
            const value = await load(event, ctx);
            if (value) return { value, done: false };
          } catch (err) {
            this.deps.log.error({ err, event: event.type }, 'live updates: preparing an event failed');
          }
        }
        end();
        return finished();
      },
      return: async () => {
        end();
        return finished();
      },
      throw: async (error: unknown) => {
        end();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  private recheckFor(eventId: string): Promise<Principal | null> {
    if (this.lastCheck?.eventId !== eventId) this.lastCheck = { eventId, result: this.recheck() };
    return this.lastCheck.result;
  }

  /** Closes the socket (once) and ends its subscriptions. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
    this.dispose();
  }

  /** Releases timers and streams (the socket closed). */
  dispose(): void {
    this.closed = true;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    for (const end of [...this.ends]) end();
  }
}

/** The connection of a subscription's context; a subscription sent over HTTP has none. */
export function liveOf(ctx: GraphQLContext): LiveContext {
  const live = (ctx as Partial<LiveContext>).live;
  if (!live) {
    throw new GraphQLError('Subscriptions are served over WebSocket at /graphql (the graphql-ws protocol, `graphql-transport-ws`).', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  return ctx as LiveContext;
}

/** The stream of a subscription field: see `LiveConnection.stream`. */
export function liveEvents<T>(ctx: GraphQLContext, types: readonly EventType[], load: (event: OutboxRecord, ctx: LiveContext) => Promise<T | null>): AsyncIterableIterator<T> {
  const live = liveOf(ctx);
  return live.live.stream(live, types, load);
}

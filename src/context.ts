import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import type { Config } from './config';
import { clientAddress } from './http/client-address';
import { createLoaders, type Loaders } from './loaders';
import type { CallerContext } from './services/context';
import { apiKeyPrincipal } from './services/api-key.service';
import type { ServiceContext } from './services/context';
import type { LoginThrottle } from './services/login-throttle';
import { userPrincipal } from './services/user.service';
import { unauthenticated } from './auth/errors';
import { verifyUserToken } from './auth/jwt';
import type { Principal } from './auth/principal';

/** Everything a resolver gets, built once per request. */
export interface GraphQLContext {
  principal: Principal | null;
  em: EntityManager;
  loaders: Loaders;
  config: Config;
  /** Throttles `login` per e-mail and per address (shared by every request of the app). */
  loginThrottle: LoginThrottle;
  /** The caller's address as the limits key it (see `http/client-address.ts`). */
  clientAddress: string;
  /** How `node(id)` fetches each type (from the domains). */
  nodeLoaders: NodeLoaders;
}

/** Fetches objects of one type by id within the caller's scope: one entry per id, null (or an Error) when not visible. */
export type NodeLoader = (ctx: GraphQLContext, ids: string[]) => Promise<readonly ({ id: string } | null | Error)[]>;
export type NodeLoaders = ReadonlyMap<string, NodeLoader>;

/** What the domains add to every request's context (built once by the app from `DOMAINS`). */
export interface DomainWiring {
  loaderFactories: readonly ((ctx: CallerContext) => object)[];
  nodeLoaders: NodeLoaders;
}

/** The credentials a caller presents: the `Authorization` and `x-api-key` headers of HTTP, or a WebSocket's `connectionParams`. */
export interface Credentials {
  authorization?: unknown;
  apiKey?: unknown;
}

/**
 * Identifies the caller. No credentials: anonymous (null; only `login` and `submitSurvey` are open). Bad,
 * expired or revoked credentials: throws UNAUTHENTICATED, never a silent downgrade. Shared by HTTP requests
 * and WebSocket connections (src/realtime), so both accept exactly the same tokens and keys.
 */
export async function authenticate(em: EntityManager, config: Config, { authorization, apiKey }: Credentials): Promise<Principal | null> {
  if (authorization) {
    const [scheme, token] = typeof authorization === 'string' ? authorization.split(' ') : [];
    if (scheme !== 'Bearer' || !token) throw unauthenticated('Use `Authorization: Bearer <token>`.');
    const claims = await verifyUserToken(token, config.jwtSecret);
    const principal = claims ? await userPrincipal(em, claims.userId, claims.sessionVersion) : null;
    if (!principal) throw unauthenticated('The token is invalid or expired, or was ended by a password change or deactivation: sign in again.');
    return principal;
  }
  if (typeof apiKey === 'string' && apiKey) {
    const principal = await apiKeyPrincipal(em, apiKey);
    if (!principal) throw unauthenticated('The API key is invalid, revoked or expired.');
    return principal;
  }
  return null;
}

/** The context of one HTTP request: the caller (see `authenticate`; a failure is the whole request's 401), a forked EntityManager, fresh loaders. */
export async function buildContext(
  req: Request, em: EntityManager, config: Config, loginThrottle: LoginThrottle, wiring: DomainWiring,
): Promise<GraphQLContext> {
  const principal = await authenticate(em, config, { authorization: req.headers.authorization, apiKey: req.headers['x-api-key'] });
  return {
    principal, em, config, loginThrottle, clientAddress: clientAddress(req),
    loaders: createLoaders({ em, principal }, wiring.loaderFactories),
    nodeLoaders: wiring.nodeLoaders,
  };
}

/** The service view of the context; only called where the permission map requires a caller. */
export function serviceContext(ctx: GraphQLContext): ServiceContext {
  if (!ctx.principal) throw unauthenticated();
  return { em: ctx.em, principal: ctx.principal };
}

import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'crm-api';
const AUDIENCE = 'crm-api';

/** What a valid token says: whose it is and which of the user's sessions it belongs to. */
export interface TokenClaims {
  userId: string;
  /**
   * The user's `session_version` when the token was signed (claim `sv`). A password change or a
   * deactivation raises the user's version, which ends every older token. A counter rather than
   * `iat`: `iat` is in whole seconds, so a token signed in the same second as a password change would
   * survive it. Tokens from before the claim existed read as 0, the column's default.
   */
  sessionVersion: number;
}

/** Signs a user token (HS256) that expires after `ttlSeconds`. */
export async function signUserToken(userId: string, secret: Uint8Array, ttlSeconds: number, sessionVersion = 0): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sv: sessionVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret);
  return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/** The secret as a key object, made once per secret (jose would import the raw bytes again on every request). */
const keys = new WeakMap<Uint8Array, KeyObject>();
function keyOf(secret: Uint8Array): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(secret)));
  return key;
}

/** The claims of a valid token, or null for an expired, tampered or foreign one. */
export async function verifyUserToken(token: string, secret: Uint8Array): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string') return null;
    const sv = payload.sv ?? 0;
    if (!Number.isSafeInteger(sv)) return null;
    return { userId: payload.sub, sessionVersion: sv as number };
  } catch {
    return null;
  }
}

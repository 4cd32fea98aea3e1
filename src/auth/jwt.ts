import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'crm-api';
const AUDIENCE = 'crm-api';

/** Signs a user token (HS256) that expires after `ttlSeconds`. */
export async function signUserToken(userId: string, secret: Uint8Array, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret);
  return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/** Returns the user id of a valid token, or null for an expired, tampered or foreign one. */
export async function verifyUserToken(token: string, secret: Uint8Array): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

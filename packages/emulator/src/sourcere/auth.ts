import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { sameSecret } from '../http/secrets.ts';

/** What `/auth/` advertises: 24 h, as documented (an early-expiry fault shortens the real lifetime only). */
export const advertisedLifetimeSeconds = 86_400;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function sign(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data).digest('base64url');
}

/** A real HS512 JWT like the provider's (`sub`, `authorities`, `iat`, `exp`), prefixed with its scheme. */
export function issueToken(context: EmulatorContext, username: string): string {
  const lifetime = context.faults.options.tokenLifetimeSeconds ?? advertisedLifetimeSeconds;
  // Whole seconds rounded up, so `exp - iat` is the lifetime and a token never lives shorter than it.
  const issuedAt = Math.ceil(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS512' }));
  const payload = base64url(
    JSON.stringify({ sub: username, authorities: ['ROLE_USER'], iat: issuedAt, exp: issuedAt + lifetime }),
  );
  return `Bearer ${header}.${payload}.${sign(context.store.state.secret, `${header}.${payload}`)}`;
}

/** Checks `Authorization: Bearer <jwt>` (sent verbatim as `/auth/` returned it): signature, then expiry. */
export function checkToken(context: EmulatorContext, authorization: string | undefined): void {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (!match)
    throw new HttpError(401, 'Missing or malformed Authorization header: send the token /auth/ returned');
  const [, header, payload, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(context.store.state.secret, `${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new HttpError(401, 'Invalid token');
  }
  const claims = claimsOf(payload);
  // Signed by this emulator, but for another account (the credentials changed) or in another shape: refused.
  if (!claims || !sameSecret(claims.sub, context.options.credentials.username)) {
    throw new HttpError(401, 'Invalid token');
  }
  if (claims.exp * 1000 <= Date.now()) throw new HttpError(401, 'Token expired: authenticate again');
}

/** The `sub` and `exp` claims of a token's payload, or `undefined` when it holds no such JSON. */
function claimsOf(payload: string): { sub: string; exp: number } | undefined {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown;
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { sub, exp } = claims as Record<string, unknown>;
    return typeof sub === 'string' && typeof exp === 'number' ? { sub, exp } : undefined;
  } catch {
    return undefined;
  }
}

/** Requires a valid token on every route but `/auth/`. */
export function tokenMiddleware(context: EmulatorContext): MiddlewareHandler {
  return async (hono, next) => {
    if (!/^\/auth\/?$/.test(hono.req.path)) checkToken(context, hono.req.header('authorization'));
    await next();
  };
}

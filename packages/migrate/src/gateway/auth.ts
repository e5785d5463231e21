import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { GatewayHttpError } from './errors.ts';

/** Lets through requests that send `Authorization: Bearer <token>`, compared in constant time; 401 otherwise. */
export function requireToken(token: string): MiddlewareHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (hono, next) => {
    const given = Buffer.from(hono.req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new GatewayHttpError(401, 'Missing or invalid token: send Authorization: Bearer <token>');
    }
    await next();
  };
}

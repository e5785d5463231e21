import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../http/errors.ts';

/**
 * The documented Tasks API limit: N requests per second (per key), then 429 with `Retry-After` until the
 * current one-second window ends.
 */
export function rateLimitMiddleware(limit: () => number): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (hono, next) => {
    const key = hono.req.header('x-api-key') ?? '';
    const now = Date.now();
    let window = windows.get(key);
    if (!window || now - window.start >= 1000) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit()) {
      throw new HttpError(429, 'Too Many Requests: the limit is per second; back off and retry', {
        'retry-after': String(Math.max(1, Math.ceil((window.start + 1000 - now) / 1000))),
      });
    }
    await next();
  };
}

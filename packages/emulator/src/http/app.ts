import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { EmulatorContext } from '../context.ts';
import { type ApiName, resetHeader } from '../faults.ts';
import { logFailure } from '../log.ts';
import { type ErrorBody, errorResponse, HttpError } from './errors.ts';

/** Response headers the drivers read beyond the CORS-safelisted ones. */
const EXPOSED_HEADERS = ['Retry-After', 'Content-Length', 'Content-Disposition', 'ETag', 'Location'];

/**
 * A hono app for one emulated API: injected faults first, then the routes; thrown `HttpError`s and unknown
 * routes become the API's own error bodies. Paths are relative to the API's base, whatever the transport.
 */
export function createApiApp(context: EmulatorContext, api: ApiName, body: ErrorBody): Hono {
  const app = new Hono();
  // First, so that preflights are never faulted and every answer (errors and faults too) is readable by a page.
  if (context.options.cors) app.use(cors({ origin: '*', exposeHeaders: EXPOSED_HEADERS, maxAge: 600 }));
  app.use(async (hono, next) => {
    const faults = context.faults.decide(api, hono.req.method, hono.req.path);
    for (const fault of faults) {
      if (fault.kind === 'delay') await context.clock.sleepReal(fault.milliseconds);
      if (fault.kind === 'reset') return new Response(null, { status: 500, headers: { [resetHeader]: '1' } });
      if (fault.kind === 'response') throw fault.error;
    }
    await next();
  });
  app.notFound((hono) => errorResponse(body, 404, `No route for ${hono.req.method} ${hono.req.path}`));
  app.onError((error, hono) => {
    if (error instanceof HttpError) return errorResponse(body, error.status, error.message, error.headers);
    // Unexpected failures answer 500 without details; the log line has no URL query (signatures).
    logFailure(`${api} ${hono.req.method} ${hono.req.path} failed`, error);
    return errorResponse(body, 500, 'Internal server error');
  });
  return app;
}

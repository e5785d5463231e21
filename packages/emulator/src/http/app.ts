import { Hono } from 'hono';
import type { EmulatorContext } from '../context.ts';
import { type ApiName, resetHeader } from '../faults.ts';
import { logFailure } from '../log.ts';
import { type ErrorBody, errorResponse, HttpError } from './errors.ts';

/**
 * A hono app for one emulated API: injected faults first, then the routes; thrown `HttpError`s and unknown
 * routes become the API's own error bodies. Paths are relative to the API's base, whatever the transport.
 */
export function createApiApp(context: EmulatorContext, api: ApiName, body: ErrorBody): Hono {
  const app = new Hono();
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

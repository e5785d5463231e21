import { Hono } from 'hono';
import { requireToken } from './auth.ts';
import { gatewayContext } from './context.ts';
import { backendErrorToHttp, legacyErrorBody } from './errors.ts';
import { createCallbackFollower } from './follower.ts';
import type { GatewayOptions } from './options.ts';
import { downloadRoutes } from './routes/downloads.ts';
import { jobRoutes } from './routes/jobs.ts';
import { uploadRoutes } from './routes/uploads.ts';

/**
 * A running gateway: its Web-standard request handler, the hono app behind it, and `close()` to stop
 * following jobs for callbacks.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ driver, token });
 * const response = await gateway.fetch(new Request('http://gateway.test/job/', { headers: { authorization: `Bearer ${token}` } }));
 * ```
 */
export interface Gateway {
  /** Answers one legacy API request; mount it on any server that speaks Web `Request`/`Response`. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** The hono app behind `fetch`, to mount under a path of a larger app. */
  readonly app: Hono;
  /** Stops following jobs for callbacks, waits for the followers to end and flushes the gateway's state. */
  close(): Promise<void>;
}

/**
 * The legacy job/asset API surface (`/upload`, `/upload/link`, `/upload/audio-link`, `/job`, `/job/:id`,
 * `/usage`, callbacks; see docs/providers/audioshake-legacy.md) served over any stemkit driver, so a legacy client pointed at it keeps
 * working while the work runs on the Tasks API or another provider.
 *
 * - Auth is `Authorization: Bearer <token>`; the backend's credentials stay in its driver.
 * - Uploads stream through to the backend; `/upload/link` becomes a URL source where the backend takes one.
 * - One legacy job (one model) is one backend job with one target; statuses map back (queued → created,
 *   running → processing, succeeded → completed, failed → failed with `statusInfo`).
 * - Outputs are `outputAssets` named `<model>.<ext>`, with signed gateway links that stream the backend file
 *   (`/download/<token>`), so storage of any backend works; links expire and are refreshed by `GET /job/:id`.
 * - A job asking for what the backend cannot do (transcription on Sourcere…) is created `failed` with
 *   `statusInfo: { code: 501, message }`, the shape legacy clients already handle.
 * - With a `callbackUrl`, the gateway follows the backend job and POSTs `{ job }` on each status change.
 * - Links it fetches and callbacks it sends reach public addresses only, unless `allowPrivateNetwork` or
 *   `allowHosts` say otherwise; every refusal or failure of a link is the same 400.
 * - Ids live in its `store` (memory by default; {@link fileGatewayStore} keeps them across restarts).
 *
 * @example
 * ```ts
 * import { audioshakeTasks } from '@stemkit/audioshake';
 *
 * const gateway = createGateway({ driver: audioshakeTasks({ apiKey }), token: process.env.GATEWAY_TOKEN! });
 * // serve gateway.fetch with any Web-standard server, or use startGateway on Node
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const context = gatewayContext(options);
  const { store } = context;
  const loaded = store.open();
  loaded.catch(() => undefined);
  const follower = createCallbackFollower(context);

  const app = new Hono();
  // Nothing is answered before the store is open (a state file read back).
  app.use(async (_hono, next) => {
    await loaded;
    await next();
  });
  app.onError((error, hono) => {
    const http = backendErrorToHttp(error);
    return hono.json(legacyErrorBody(http.status, http.message), http.status as 400, http.headers);
  });
  app.notFound((hono) => hono.json(legacyErrorBody(404, 'No legacy route at this path'), 404));

  // Download links need no credential (their signature is one); every other route needs the token.
  downloadRoutes(app, context);
  app.use(requireToken(options.token));
  uploadRoutes(app, context);
  jobRoutes(app, context, follower);

  // Jobs reloaded from the store that still owe their callback are followed again.
  loaded
    .then(async () => {
      if (options.publicUrl) await follower.resume(options.publicUrl.replace(/\/+$/, ''));
    })
    // A store that fails here fails every request too; the process lives on.
    .catch(() => undefined);

  return {
    app,
    fetch: async (request) => app.fetch(request),
    async close() {
      await follower.close();
      await store.flush();
    },
  };
}

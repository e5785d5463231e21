import type { Hono } from 'hono';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { apiHandles, byApi, type EmulatedApiHandles, emulatedApis } from './apis.ts';
import type { CallbackDelivery } from './callbacks.ts';
import { createEmulatorCore } from './core.ts';
import { type FaultController, resetHeader } from './faults.ts';
import type { EmulatorOptions } from './options.ts';

/**
 * The fake origins the msw handlers answer on, unless `baseUrls` overrides them.
 *
 * @example
 * ```ts
 * const handlers = createEmulatorHandlers();
 * await fetch(`${emulatorBaseUrls.tasks}/tasks?take=1`, { headers: { 'x-api-key': handlers.tasks.apiKey } });
 * ```
 */
export const emulatorBaseUrls: Readonly<Record<keyof EmulatedApiHandles | 'storage', string>> = {
  ...byApi((api) => api.mswOrigin),
  storage: 'https://storage.emulator.test',
};

/** Options of {@link createEmulatorHandlers}. */
export interface EmulatorHandlersOptions extends EmulatorOptions {
  /** Base URLs of the APIs and the storage host; a base may carry a path (`https://api.test/v2`). */
  baseUrls?: Partial<Record<keyof typeof emulatorBaseUrls, string>>;
}

/** msw handlers of one emulator, with the same handles as a running server. */
export type EmulatorHandlers = RequestHandler[] &
  EmulatedApiHandles & {
    storageUrl: string;
    faults: FaultController;
    callbacks: readonly CallbackDelivery[];
    /** Stops background processing and removes the temporary data folder. */
    close(): Promise<void>;
  };

function handlerFor(baseUrl: string, app: Hono): RequestHandler {
  const base = new URL(baseUrl.replace(/\/+$/, ''));
  const prefix = base.pathname === '/' ? '' : base.pathname;
  return http.all(
    ({ request }) => {
      const url = new URL(request.url);
      return url.origin === base.origin && (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    },
    async ({ request }) => {
      const url = new URL(request.url);
      const path = url.pathname.slice(prefix.length) || '/';
      const forwarded = new Request(`${url.origin}${path}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
        duplex: 'half',
      } as RequestInit);
      const response = await app.fetch(forwarded);
      if (response.headers.has(resetHeader)) return HttpResponse.error();
      return response;
    },
  );
}

/**
 * The emulator as msw handlers, for socket-free tests: the same routes as {@link startEmulator}, on fake
 * origins ({@link emulatorBaseUrls}).
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const handlers = createEmulatorHandlers({ processing: { speed: 1000 } });
 * const server = setupServer(...handlers);
 * server.listen();
 * const response = await fetch(`${handlers.tasks.baseUrl}/tasks?take=1`, {
 *   headers: { 'x-api-key': handlers.tasks.apiKey },
 * });
 * server.close();
 * await handlers.close();
 * ```
 */
export function createEmulatorHandlers(options: EmulatorHandlersOptions = {}): EmulatorHandlers {
  const baseUrls = { ...emulatorBaseUrls, ...options.baseUrls };
  const storageUrl = baseUrls.storage.replace(/\/+$/, '');
  const core = createEmulatorCore(options, storageUrl);
  const { apps, context } = core;
  const handlers: RequestHandler[] = [
    handlerFor(baseUrls.storage, apps.storage),
    ...emulatedApis.map((api) => handlerFor(baseUrls[api.name], apps[api.name])),
  ];
  const { credentials } = context.options;
  return Object.assign(handlers, {
    ...apiHandles((api) => baseUrls[api.name], credentials),
    storageUrl,
    faults: context.faults,
    callbacks: context.callbacks.deliveries,
    close: () => core.close(),
  });
}

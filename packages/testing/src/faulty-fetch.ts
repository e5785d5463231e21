import { isWatching, observeBody } from './conformance/byte-watch.ts';
import { credentialHeadersIn, recordLeak } from './conformance/leaks.ts';
import { redirectSwitches } from './conformance/redirects.ts';
import { recordRequest } from './conformance/request-log.ts';

/**
 * Statuses the conformance suite injects into API requests.
 *
 * @example
 * ```ts
 * const status: InjectedStatus = 503;
 * ```
 */
export type InjectedStatus = 401 | 403 | 404 | 422 | 429 | 500 | 503;

/**
 * A `fetch` wrapper that fails on command, as the conformance suite needs.
 *
 * @example
 * ```ts
 * const faulty: FaultyFetch = createFaultyFetch(fetch, { isApiRequest: (url) => url.host === 'api.test' });
 * faulty.expireNextLink();
 * ```
 */
export interface FaultyFetch {
  /** Pass this as the driver's `fetch`. */
  readonly fetch: typeof globalThis.fetch;
  /** The next `count` API requests (not storage transfers) answer `status`; a count of 0 clears the fault. */
  failNextRequests(status: InjectedStatus, count: number): void;
  /** The next storage (signed-URL) GET answers 403, as an expired link would. */
  expireNextLink(): void;
}

/** A query string that signs a URL (S3, GCS, Azure SAS `sig`, or a plain `signature`/`token`/`expires`). */
const SIGNED_URL = /[?&][\w-]*(signature|sig|token|expires|x-amz-|x-goog-)[\w-]*=/i;

/**
 * Wraps a `fetch` so tests can make API requests fail with a status and signed-URL downloads look expired.
 * Requests otherwise go through to `baseFetch` untouched.
 *
 * @example
 * ```ts
 * const { baseUrl } = emulator.sourcere;
 * const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.href.startsWith(baseUrl) });
 * const driver = sourcere({ username, password, baseUrl, fetch: faulty.fetch });
 * faulty.failNextRequests(503, 5);
 * ```
 */
export function createFaultyFetch(
  baseFetch: typeof globalThis.fetch,
  options: { isApiRequest(url: URL): boolean },
): FaultyFetch {
  let failure: { status: InjectedStatus; remaining: number } | undefined;
  let expireNext = false;
  let redirectTo: string | undefined;
  const apiOrigins = new Set<string>();

  const faulty = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    recordRequest();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const api = options.isApiRequest(url);
    if (api) apiOrigins.add(url.origin);
    else if (!apiOrigins.has(url.origin) && SIGNED_URL.test(url.search)) {
      // A signed URL on another host (storage): the provider credential must never travel there.
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      for (const name of credentialHeadersIn(headers)) recordLeak(url, name);
    }
    if (api) {
      // The conformance redirect check: this request goes to a loopback server that redirects it to another
      // origin. Sent through the real fetch, so whatever the request's redirect mode does is what fetch does.
      // A GET, or a POST for APIs whose every call is one (LALAL.AI's `/check/`): the 307 keeps its body.
      if (redirectTo !== undefined && (method === 'GET' || method === 'POST')) {
        const origin = redirectTo;
        redirectTo = undefined;
        return sendToRedirector(origin, url, input, init);
      }
      if (failure && failure.remaining > 0) {
        failure.remaining--;
        discardBody(input, init);
        return injected(failure.status);
      }
    } else if (expireNext && method === 'GET') {
      expireNext = false;
      return new Response('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', {
        status: 403,
        headers: { 'content-type': 'application/xml' },
      });
    }
    if (!isWatching()) return baseFetch(input, init);
    return watched(baseFetch, input, init);
  };

  // Found by the conformance suite through the driver's `fetch`: only this harness's requests are redirected.
  redirectSwitches.set(faulty, (origin) => {
    redirectTo = origin;
  });
  return {
    fetch: faulty as typeof globalThis.fetch,
    failNextRequests(status, count) {
      failure = count > 0 ? { status, remaining: count } : undefined;
    },
    expireNextLink() {
      expireNext = true;
    },
  };
}

function sendToRedirector(
  origin: string,
  url: URL,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<Response> {
  const original = new Request(input, init);
  return globalThis.fetch(
    new Request(new URL(`${url.pathname}${url.search}`, origin), {
      method: original.method,
      headers: original.headers,
      body: original.body,
      redirect: original.redirect,
      signal: original.signal,
      duplex: 'half',
    } as RequestInit),
  );
}

function injected(status: InjectedStatus): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // A zero hint keeps transport retries on 429/503 quick; the error still maps to its class.
  if (status === 429 || status === 503) headers['retry-after'] = '0';
  const body = { error: { code: `injected_${status}`, message: `injected ${status} by createFaultyFetch` } };
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * Releases the unsent body. Not awaited: a body ky tee'd for a retry only finishes canceling once its twin
 * does, which would hang the answer.
 */
function discardBody(input: RequestInfo | URL, init?: RequestInit): void {
  const body = init?.body ?? (input instanceof Request ? input.body : null);
  if (body instanceof ReadableStream && !body.locked) body.cancel().catch(() => undefined);
}

/** Sends the request with its body observed by the upload-streaming check. */
function watched(
  baseFetch: typeof globalThis.fetch,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  if (init?.body instanceof ReadableStream) {
    return baseFetch(input, { ...init, body: observeBody(init.body), duplex: 'half' } as RequestInit);
  }
  if (input instanceof Request && input.body && init?.body === undefined) {
    const request = new Request(input.url, {
      method: input.method,
      headers: input.headers,
      body: observeBody(input.body),
      signal: input.signal,
      redirect: input.redirect,
      duplex: 'half',
    } as RequestInit);
    return baseFetch(request, init);
  }
  return baseFetch(input, init);
}

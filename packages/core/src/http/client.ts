import type { KyInstance, Options } from 'ky';
import type * as z from 'zod/mini';
import { parsePayload } from '../driver/payload.ts';
import { InvalidResponseError, ProviderError, StemkitError } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { credentialHeaderNames, redactUrl, registerCredentialHeader } from '../secrets.ts';
import { sendableBody, streamsRequestBodies } from './body.ts';
import { type ErrorBodyReader, toStemkitError } from './errors.ts';
import { parseRetryAfter } from './retry-after.ts';

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Provider name, used in error messages. */
  readonly provider: string;
  /** The API host every `call` goes to, e.g. `https://api.example.com/v1/`. */
  readonly baseUrl: string;
  /** The fetch every request goes through (default: the global one); tests pass the emulator's or a faulty one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Credential headers for the API host, asked for before each attempt. Never sent to other hosts. */
  readonly authenticate?: (signal?: AbortSignal) => Promise<Record<string, string>> | Record<string, string>;
  /**
   * Called when the API answers 401 to credentials it accepted before; return `true` to retry once. Never called
   * when `authenticate` itself failed (a refused login): bad credentials cost one login attempt, not two.
   */
  readonly reauthenticate?: (headers: Record<string, string>) => Promise<boolean> | boolean;
  /** Per-attempt timeout in ms (default 30 s). Streaming transfers have none. */
  readonly timeoutMs?: number;
  /** Timeout of a whole call including retries, in ms (default 2 min). */
  readonly totalTimeoutMs?: number;
  /** Transport retries for retryable calls (default 3). */
  readonly retryLimit?: number;
  /** Reads the provider's message out of an error body. */
  readonly readErrorBody?: ErrorBodyReader;
  /** The response header carrying the provider's request id, kept on every `ProviderError` (default `x-request-id`). */
  readonly requestIdHeader?: string;
  /** Headers for every `call`, over the default `accept: application/json`; `transfer` never sends them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Gets a debug line (method and scrubbed URL) for each request and transfer. Default: silent. */
  readonly logger?: Logger;
  /**
   * Whether to send stream bodies as streams. Default: where the runtime can (servers); browsers get the stream
   * collected into a Blob first, since they cannot stream uploads over HTTP/1.1.
   */
  readonly streamUploads?: boolean;
}

/** What a call does, for its error messages: its `what`, or the method and path it sends. */
function whatOf(request: { readonly what?: string; readonly method: string; readonly path: string }): string {
  return request.what ?? `send ${request.method} ${request.path}`;
}

/** One call to the API host. */
export interface ApiRequest<Schema extends z.ZodMiniType = z.ZodMiniType> {
  /** HTTP method; a `GET` counts as idempotent (so it is retried) unless `idempotent` says otherwise. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL (a leading slash is fine). */
  readonly path: string;
  /** Query parameters added to the URL; `undefined` values are left out. */
  readonly searchParams?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** A body to send as JSON (with a JSON `content-type`); ignored when `undefined`. */
  readonly json?: unknown;
  /**
   * A raw body (FormData, a stream…) instead of `json`. A stream is sent once: never retried, no timeout, no
   * redirect followed (so `fetch` keeps no copy of it).
   */
  readonly body?: BodyInit;
  /**
   * Headers of this call only, e.g. a multipart `content-type` with its boundary. They never replace the
   * credential `authenticate` gives, and credential headers never reach another origin.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Lenient schema for the response body; a mismatch becomes an `InvalidResponseError`. */
  readonly schema?: Schema;
  /**
   * Whether repeating the call is harmless. Defaults to true for GET. Non-idempotent calls are only retried
   * on 429, which the server answers before doing anything.
   */
  readonly idempotent?: boolean;
  /**
   * The idempotency key this creating call carries (the driver has put it where its API reads it: a header, a
   * body field): the provider makes nothing twice for it, so the call is retried like an idempotent one.
   */
  readonly idempotencyKey?: string;
  /**
   * What the call does, as a verb phrase, for error messages: `create task` gives "acme refused the credentials
   * (401) to create task" (default: `send GET jobs/1`).
   */
  readonly what?: string;
  /** Aborts the call, its retries and its `authenticate`; the abort error passes through unmapped. */
  readonly signal?: AbortSignal;
  /**
   * `false`: one attempt, never repeated by the transport, whatever the answer (429 included). For a request
   * whose repeats someone else owns: a callback's confirmation is retried by the provider sending it again.
   */
  readonly retry?: boolean;
  /**
   * Per-attempt timeout override; `false` for none (and no total timeout either), the default for a
   * `ReadableStream` body, which the caller's signal rules instead.
   */
  readonly timeoutMs?: number | false;
  /**
   * `'stream'`: a 2xx body is handed back unread as `data` (a `ReadableStream`), for answers that are bytes (a
   * ZIP of stems) and may be larger than memory; errors are mapped as for any call. Default `'json'`.
   */
  readonly responseType?: 'json' | 'stream';
}

/** A parsed API response. */
export interface ApiResponse<Data> {
  /** The HTTP status, a 2xx: other answers are thrown as stemkit errors. */
  readonly status: number;
  /** The body checked against `schema` if given; else parsed JSON for a JSON content type, else the text. */
  readonly data: Data;
  /** The response headers; `Retry-After` is already read into `retryAfterMs`. */
  readonly headers: Headers;
  /** The server's `Retry-After`, when it sent one (e.g. with a 202). */
  readonly retryAfterMs?: number;
}

/** A request to a signed storage URL. */
export interface TransferInit {
  /** HTTP method (default `GET`). */
  readonly method?: string;
  /**
   * What to send. A stream is sent as it is read, following no redirect, where the runtime can stream
   * request bodies; elsewhere it is collected into a `Blob` first.
   */
  readonly body?: BodyInit | null;
  /** Headers the storage host expects (e.g. a signed upload's); credential headers are removed. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The only bound on a transfer, which has no timeout; the abort error passes through unmapped. */
  readonly signal?: AbortSignal;
  /** What the transfer does, as a verb phrase, for error messages (default `transfer the file`). */
  readonly what?: string;
}

/** The HTTP toolkit a driver gets from {@link createHttpClient}. */
export interface HttpClient {
  /** `baseUrl` from the options, parsed, with a trailing slash added so paths resolve under it. */
  readonly baseUrl: URL;
  /** The provider name from the options, used in error messages. */
  readonly provider: string;
  /** The fetch the client sends with: the injected one, or the global one. */
  readonly fetch: typeof globalThis.fetch;
  /** A call whose 2xx body comes back unread, as a stream (`responseType: 'stream'`); errors mapped as usual. */
  call(
    request: ApiRequest & { readonly responseType: 'stream' },
  ): Promise<ApiResponse<ReadableStream<Uint8Array>>>;
  /** A JSON call to the API host: auth, transport retries, timeouts, error mapping, lenient parsing. */
  call<Schema extends z.ZodMiniType = z.ZodMiniType<unknown>>(
    request: ApiRequest<Schema>,
  ): Promise<ApiResponse<z.output<Schema>>>;
  /**
   * A transfer to or from a signed URL: no credential ever, no timeout (the caller's signal rules), no retry; a
   * stream body follows no redirect, so `fetch` keeps no copy of it and memory stays flat.
   * Non-2xx answers are returned, not thrown, so callers can tell an expired link (403) from the rest.
   */
  transfer(url: string, init?: TransferInit): Promise<Response>;
}

/**
 * Creates the HTTP toolkit drivers share: a ky 2 instance with the auth hook, the transport retry policy
 * (idempotent calls on 408/429/5xx with jitter and `Retry-After`), per-attempt and total timeouts, error mapping
 * into stemkit's classes, an injectable `fetch`, and a guard that never sends the credential to another host.
 *
 * @example
 * ```ts
 * const JobPayload = z.looseObject({ id: z.string() });
 * const http = createHttpClient({
 *   provider: 'acme', baseUrl: 'https://api.acme.test/',
 *   authenticate: () => ({ authorization: `Bearer ${token}` }),
 * });
 * const { data } = await http.call({ method: 'GET', path: 'jobs/1', schema: JobPayload });
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const apiOrigin = `${baseUrl.origin}/`;
  const fetchFunction = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const sendOnce = withoutReplay(fetchFunction);
  const sendToApi = followingSameOrigin(sendOnce, apiOrigin);
  const logger = options.logger ?? silentLogger;
  const provider = options.provider;
  const streamUploads = options.streamUploads ?? streamsRequestBodies();

  // Failures of `authenticate` itself (a refused login): renewing would only ask for the same refusal again.
  const refusedLogins = new WeakSet<object>();

  // ky is loaded, and its instances built, on the first call: its feature checks construct a `Request`, which
  // loads Node's fetch (undici), a quarter of an import's CPU that an app which never calls would pay anyway.
  let instances: Promise<Record<'idempotent' | 'creating' | 'once', KyInstance>> | undefined;
  const kyInstances = () => {
    instances ??= import('ky').then(({ default: ky }) => createInstances(ky));
    return instances;
  };

  const createInstances = (ky: KyInstance) => {
    const api = ky.create({
      baseUrl,
      fetch: sendToApi,
      timeout: options.timeoutMs ?? 30_000,
      totalTimeout: options.totalTimeoutMs ?? 120_000,
      headers: { accept: 'application/json', ...options.headers },
      hooks: {
        beforeRequest: [
          async ({ request, options: requestOptions }) => {
            // The guard: credentials only ever go to the API's own origin. `request.url` is serialised, so a
            // prefix test is exact (and a URL with userinfo fails it, the safe way) without parsing it again.
            if (!request.url.startsWith(apiOrigin)) {
              for (const name of credentialHeaderNames()) request.headers.delete(name);
              return;
            }
            let credentials: Record<string, string> | undefined;
            try {
              credentials = await options.authenticate?.(requestOptions.signal ?? undefined);
            } catch (error) {
              if (typeof error === 'object' && error !== null) refusedLogins.add(error);
              throw error;
            }
            for (const [name, value] of Object.entries(credentials ?? {})) {
              // Whatever `authenticate` returns is a credential header: the guards and the scrubbing learn it here.
              registerCredentialHeader(name);
              request.headers.set(name, value);
            }
            if (logger !== silentLogger)
              logger.debug(`${request.method} ${redactUrl(request.url)}`, { provider });
          },
        ],
      },
    });

    // One instance per retry policy, built once: ky merges and normalises per-call retry options on every request.
    const retry = {
      methods: ['get', 'post', 'put', 'patch', 'delete', 'head'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      jitter: true,
      backoffLimit: 8_000,
      maxRetryAfter: 60_000,
    };
    const retryLimit = options.retryLimit ?? 3;
    return {
      idempotent: api.extend({ retry: { ...retry, limit: retryLimit, retryOnTimeout: true } }),
      // A creating call is repeated only when the error says it is worth it and certainly made nothing (a 429,
      // answered before anything is done); `undefined` leaves the timing to ky, which reads `Retry-After`.
      creating: api.extend({
        retry: {
          ...retry,
          limit: retryLimit,
          retryOnTimeout: false,
          shouldRetry: ({ error }) => {
            const mapped = toStemkitError(error, { provider });
            return StemkitError.isInstance(mapped) && mapped.retryable && mapped.createdNothing
              ? undefined
              : false;
          },
        },
      }),
      // A stream can be sent once only: such calls are never repeated by the transport.
      once: api.extend({ retry: { limit: 0 } }),
    };
  };

  async function attempt<Schema extends z.ZodMiniType>(request: ApiRequest<Schema>) {
    const idempotent =
      request.idempotent ?? (request.method === 'GET' || request.idempotencyKey !== undefined);
    const replayable = !(request.body instanceof ReadableStream);
    // A streamed body (an upload) may take as long as it takes: no timeout unless the driver sets one.
    const timeoutMs = request.timeoutMs ?? (replayable ? undefined : false);
    const path = request.path.replace(/^\//, '');
    const once = !replayable || request.retry === false;
    const instance = (await kyInstances())[once ? 'once' : idempotent ? 'idempotent' : 'creating'];
    // Only the options this call sets: ky merges every key given (even an undefined one) into its defaults.
    const init: Options = { method: request.method };
    if (request.searchParams) init.searchParams = request.searchParams;
    if (request.json !== undefined) init.json = request.json;
    if (request.body !== undefined) init.body = await sendableBody(request.body, streamUploads);
    if (request.headers) init.headers = request.headers;
    if (request.signal) init.signal = request.signal;
    // A stream cannot be replayed on a redirect; any other call follows same-origin redirects only (see below).
    init.redirect = replayable ? 'manual' : 'error';
    // A streaming body (`false`) has no timeout at all, the caller's signal rules.
    if (timeoutMs !== undefined) init.timeout = timeoutMs;
    if (timeoutMs === false) init.totalTimeout = false;
    return instance(path, init);
  }

  async function call<Schema extends z.ZodMiniType>(
    request: ApiRequest<Schema>,
  ): Promise<ApiResponse<z.output<Schema>>> {
    const what = whatOf(request);
    let response: Response;
    try {
      response = await attempt(request);
    } catch (error) {
      const mapped = toStemkitError(error, {
        provider,
        what,
        readBody: options.readErrorBody,
        requestIdHeader: options.requestIdHeader,
      });
      const retried = await retryAfterReauthentication(mapped, request);
      if (!retried) throw mapped;
      response = retried;
    }
    return parseResponse(response, request, what);
  }

  async function retryAfterReauthentication(error: unknown, request: ApiRequest) {
    if (!options.reauthenticate || !ProviderError.isInstance(error) || error.status !== 401) return undefined;
    if (refusedLogins.has(error)) return undefined;
    const credentials = await options.authenticate?.(request.signal);
    if (!(await options.reauthenticate(credentials ?? {}))) return undefined;
    try {
      return await attempt(request);
    } catch (second) {
      throw toStemkitError(second, {
        provider,
        what: whatOf(request),
        readBody: options.readErrorBody,
        requestIdHeader: options.requestIdHeader,
      });
    }
  }

  async function parseResponse<Schema extends z.ZodMiniType>(
    response: Response,
    request: ApiRequest<Schema>,
    what: string,
  ): Promise<ApiResponse<z.output<Schema>>> {
    if (request.responseType === 'stream') {
      const body = response.body ?? new Blob([]).stream();
      return { status: response.status, data: body as z.output<Schema>, headers: response.headers };
    }
    const text = await response.text();
    let body: unknown = text;
    if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new InvalidResponseError(`${provider} sent malformed JSON when asked to ${what}`, {
          provider,
          status: response.status,
        });
      }
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (!request.schema) {
      return {
        status: response.status,
        data: body as z.output<Schema>,
        headers: response.headers,
        retryAfterMs,
      };
    }
    const data = parsePayload(request.schema, body, {
      provider,
      what: `the request to ${what}`,
      status: response.status,
    });
    return { status: response.status, data, headers: response.headers, retryAfterMs };
  }

  async function transfer(url: string, init: TransferInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const name of credentialHeaderNames()) headers.delete(name);
    const what = init.what ?? 'transfer the file';
    if (logger !== silentLogger) logger.debug(`${init.method ?? 'GET'} ${redactUrl(url)}`, { provider });
    try {
      const body = await sendableBody(init.body ?? null, streamUploads);
      return await sendOnce(url, {
        method: init.method ?? 'GET',
        body,
        headers,
        signal: init.signal,
        // Streams need half-duplex in Node's fetch and cannot follow a redirect.
        ...(body instanceof ReadableStream ? { duplex: 'half', redirect: 'error' } : {}),
      } as RequestInit);
    } catch (error) {
      const mapped = toStemkitError(error, { provider, what });
      throw StemkitError.isInstance(mapped) || mapped !== error ? mapped : error;
    }
  }

  return { baseUrl, provider, fetch: fetchFunction, call: call as HttpClient['call'], transfer };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** Headers that describe a body, dropped when a redirect turns the request into a bodiless GET (as fetch does). */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/**
 * API calls are sent with `redirect: 'manual'` and their redirects followed here, on the API's origin only: fetch
 * itself drops nothing but `Authorization` on a redirect to another origin, so an `x-api-key` (or any header
 * `authenticate` returns) would follow it. A redirect elsewhere is handed back as it came, unfollowed; ky throws
 * it as an HTTP error, a `ProviderError`. (Browsers hide a manual redirect's target, so there every redirected
 * API call is refused that way.)
 */
function followingSameOrigin(
  fetchFunction: typeof globalThis.fetch,
  apiOrigin: string,
): typeof globalThis.fetch {
  return async (input, init) => {
    if (!(input instanceof Request) || input.redirect !== 'manual') return fetchFunction(input, init);
    let request = input;
    for (let hop = 0; ; hop++) {
      // A body can be sent once: keep a copy for a 307/308, which repeats it (small: streams never come here).
      const copy = request.body === null ? undefined : request.clone();
      const response = await fetchFunction(request, init);
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) return response;
      const target = new URL(location, request.url);
      if (!target.href.startsWith(apiOrigin) || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      const asGet =
        response.status === 303 ||
        (request.method === 'POST' && (response.status === 301 || response.status === 302));
      const headers = new Headers(request.headers);
      if (asGet) for (const name of BODY_HEADERS) headers.delete(name);
      request = new Request(target, {
        method: asGet ? 'GET' : request.method,
        headers,
        body: asGet ? null : (copy?.body ?? null),
        signal: request.signal,
        redirect: 'manual',
        duplex: 'half',
      } as RequestInit);
    }
  };
}

/**
 * Requests that may not be redirected go without a window, the spec's condition for fetch not to clone them:
 * Node's fetch otherwise tees the body to replay it on a redirect, and the idle branch holds every byte of an
 * upload. Stream bodies are sent this way, since a stream cannot be replayed anyway.
 */
function withoutReplay(fetchFunction: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const redirect = init?.redirect ?? (input instanceof Request ? input.redirect : undefined);
    return redirect === 'error'
      ? fetchFunction(input, { ...init, window: null })
      : fetchFunction(input, init);
  };
}

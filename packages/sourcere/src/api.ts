import {
  createTokenCache,
  type DriverContext,
  type ErrorBodyReader,
  type HttpClient,
  readErrorBody,
  registerSecret,
  type Settings,
} from '@stemkit/core/driver';
import {
  DEFAULT_ENDPOINTS,
  type SOURCERE_SETTINGS,
  type SourcereDriverOptions,
  type SourcereEndpoints,
} from './options.ts';
import { LoginResponse } from './wire.ts';

// The API documents a 24 h token; used when a login answer omits `expiry`.
const DEFAULT_LIFETIME_SECONDS = 86_400;

/** What every operation of the driver works with: the logged-in HTTP client, the paths, the driver context. */
export interface SourcereApi {
  readonly http: HttpClient;
  readonly endpoints: SourcereEndpoints;
  readonly context: DriverContext<Settings<typeof SOURCERE_SETTINGS>>;
  /** See {@link SourcereDriverOptions.stallTimeoutMs}. */
  readonly stallTimeoutMs: number;
}

/**
 * Reads Sourcere's error body, `{"status": 400, "error": "Bad Request", "message": "…"}`: the message is the
 * provider's explanation, `error` the status phrase it falls back to. Other shapes go to core's reader.
 */
export const readSourcereError: ErrorBodyReader = (body) => {
  if (typeof body === 'object' && body !== null) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (typeof message === 'string' && message.length > 0) return { message };
    if (typeof error === 'string' && error.length > 0) return { message: error };
  }
  return readErrorBody(body);
};

/**
 * Connects to the API. Every call logs in lazily with `POST /auth/`, sends the token exactly as returned (it
 * already reads `Bearer eyJ…`), reuses it, renews it before its expiry, and single-flights logins so concurrent
 * calls never log in twice. When the API refuses a token (401), that token — the one actually sent — is
 * forgotten and the call repeated once with a fresh login; a concurrent call refused with the same old token
 * then waits for that login instead of starting another.
 */
export function connect(context: SourcereApi['context'], options: SourcereDriverOptions): SourcereApi {
  const { settings } = context;
  const endpoints = { ...DEFAULT_ENDPOINTS, ...options.endpoints };
  const login = context.http({ baseUrl: settings.baseUrl, readErrorBody: readSourcereError });

  const tokens = createTokenCache(
    async (signal) => {
      const { data } = await login.call({
        method: 'POST',
        path: endpoints.auth,
        json: { username: settings.username, password: settings.password },
        schema: LoginResponse,
        // Logging in twice is harmless: transient failures may be retried.
        idempotent: true,
        what: 'log in',
        signal,
      });
      registerSecret(data.token.replace(/^bearer\s+/i, ''));
      const lifetimeMs = (data.expiry ?? DEFAULT_LIFETIME_SECONDS) * 1000;
      return { value: data.token, expiresAt: context.now() + lifetimeMs };
    },
    { renewBeforeMs: options.renewBeforeMs ?? 60_000, now: context.now },
  );

  const forgetRefusedTokens: typeof fetch = async (input, init) => {
    const response = await context.fetch(input, init);
    if (response.status === 401) {
      const sent = (input instanceof Request ? input.headers : new Headers(init?.headers)).get(
        'authorization',
      );
      if (sent) tokens.invalidate(sent);
    }
    return response;
  };

  const http = context.http({
    baseUrl: settings.baseUrl,
    readErrorBody: readSourcereError,
    fetch: forgetRefusedTokens,
    authenticate: async (signal) => ({ authorization: await tokens.get(signal) }),
    // The refused token is already forgotten by `forgetRefusedTokens`: repeat the call once.
    reauthenticate: () => true,
  });
  return { http, endpoints, context, stallTimeoutMs: options.stallTimeoutMs ?? 30 * 60_000 };
}

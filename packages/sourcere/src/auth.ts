import { createHttpClient, createTokenCache, type HttpClient, registerSecret } from '@stemkit/core';
import { readSourcereError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { LoginResponse } from './schemas.ts';

// The API documents a 24 h token; used when a login answer omits `expiry`.
const DEFAULT_LIFETIME_SECONDS = 86_400;

/**
 * The HTTP client every API call goes through. It logs in lazily with `POST /auth/`, sends the token exactly as
 * returned (it already reads `Bearer eyJ…`), reuses it, renews it before its expiry, and single-flights logins so
 * concurrent calls never log in twice. When the API refuses a token (401), that token — the one actually sent —
 * is forgotten and the call repeated once with a fresh login; a concurrent call refused with the same old token
 * then waits for that login instead of starting another.
 */
export function createApiClient(options: ResolvedOptions): HttpClient {
  const shared = {
    provider: 'sourcere',
    baseUrl: options.baseUrl,
    retryLimit: options.retryLimit,
    timeoutMs: options.timeoutMs,
    readErrorBody: readSourcereError,
    logger: options.logger,
  };
  const baseFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const login = createHttpClient({ ...shared, fetch: baseFetch });

  const tokens = createTokenCache(
    async (signal) => {
      const { data } = await login.call({
        method: 'POST',
        path: options.endpoints.auth,
        json: { username: options.username, password: options.password },
        schema: LoginResponse,
        // Logging in twice is harmless: transient failures may be retried.
        idempotent: true,
        what: 'log in',
        signal,
      });
      registerSecret(data.token.replace(/^bearer\s+/i, ''));
      return { value: data.token, expiresAt: Date.now() + (data.expiry ?? DEFAULT_LIFETIME_SECONDS) * 1000 };
    },
    { renewBeforeMs: options.renewBeforeMs },
  );

  const forgetRefusedTokens: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.status === 401) {
      const sent = (input instanceof Request ? input.headers : new Headers(init?.headers)).get(
        'authorization',
      );
      if (sent) tokens.invalidate(sent);
    }
    return response;
  };

  return createHttpClient({
    ...shared,
    fetch: forgetRefusedTokens,
    authenticate: async (signal) => ({ authorization: await tokens.get(signal) }),
    // The refused token is already forgotten by `forgetRefusedTokens`: repeat the call once.
    reauthenticate: () => true,
  });
}

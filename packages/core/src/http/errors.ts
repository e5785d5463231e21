import type { HTTPError } from 'ky';
import {
  AuthenticationError,
  ConnectionError,
  isAbortError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  StemkitError,
} from '../errors.ts';
import { parseRetryAfter } from './retry-after.ts';

/** Reads the provider's message (and code) out of an error body. */
export type ErrorBodyReader = (body: unknown) => { message?: string; code?: string } | undefined;

/** The common shapes: `{message}`, `{error}`, `{error: {message, code}}`, `{detail}`, plain text. */
export const readErrorBody: ErrorBodyReader = (body) => {
  if (typeof body === 'string') return body.trim() ? { message: body.trim().slice(0, 300) } : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : {};
  const message = [record.message, nested.message, record.detail, record.error].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const code = [record.code, nested.code].find(
    (value) => typeof value === 'string' || typeof value === 'number',
  );
  return { message, code: code === undefined ? undefined : String(code) };
};

/**
 * Maps whatever a request threw into stemkit's error classes. Aborts pass through untouched; stemkit errors
 * are returned as they are.
 *
 * @example
 * ```ts
 * try {
 *   await fetch('https://api.acme.test/jobs/1');
 * } catch (error) {
 *   throw toStemkitError(error, { provider: 'acme' });
 * }
 * ```
 */
export function toStemkitError(
  error: unknown,
  context: { provider: string; what?: string; readBody?: ErrorBodyReader; requestIdHeader?: string },
): unknown {
  // The caller's own signal (AbortSignal.timeout() included) is theirs to handle: pass it through.
  if (isAbortError(error) && !isTransportTimeout(error)) return error;
  if (StemkitError.isInstance(error)) return error;
  const { provider } = context;
  // `what` is what the call does, as a verb phrase ("list tasks", "read the separation progress"): every message
  // below is built to read with one.
  const what = context.what ?? 'send the request';
  if (isHTTPError(error)) {
    const status = error.response.status;
    const body = (context.readBody ?? readErrorBody)(error.data);
    const detail = body?.message ? `: ${body.message}` : '';
    const headers = error.response.headers;
    const requestId = headers.get(context.requestIdHeader ?? 'x-request-id') ?? undefined;
    const options = { provider, status, providerCode: body?.code, requestId, headers };
    if (status === 401 || status === 403) {
      return new AuthenticationError(
        `${provider} refused the credentials (${status}) to ${what}${detail}`,
        options,
      );
    }
    if (status === 0 || (status >= 300 && status < 400)) {
      // Only a redirect off the API's origin reaches here (the client follows the others itself).
      return new ProviderError(
        `${provider} redirected ${what} away from its API (${status || 'redirect'}); stemkit does not follow it, so the credential stays with the API`,
        options,
      );
    }
    if (status === 404)
      return new NotFoundError(`${provider} could not ${what}: not found (404)${detail}`, options);
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
      return new RateLimitError(`${provider} rate-limited the request to ${what} (429)${detail}`, {
        ...options,
        retryAfterMs,
      });
    }
    return new ProviderError(`${provider} answered ${status} when asked to ${what}${detail}`, options);
  }
  if (isTransportTimeout(error)) {
    return new ConnectionError(`${provider} did not answer in time when asked to ${what}`, { provider });
  }
  if (isNetworkError(error) || error instanceof TypeError) {
    return new ConnectionError(`Could not reach ${provider} to ${what}`, { provider });
  }
  return error;
}

// ky's errors, told apart by name as ky's own guards also do (across realms): importing the guards would load
// ky, and with it Node's fetch, when core is imported rather than on the first call.
const isKyError = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
const isHTTPError = (error: unknown): error is HTTPError => isKyError(error, 'HTTPError');
const isNetworkError = (error: unknown): boolean => isKyError(error, 'NetworkError');
const isTimeoutError = (error: unknown): boolean => isKyError(error, 'TimeoutError');

/** ky's own per-attempt or total timeout (it carries the request), as opposed to a caller's `TimeoutError`. */
function isTransportTimeout(error: unknown): boolean {
  return isTimeoutError(error) && typeof error === 'object' && error !== null && 'request' in error;
}

import { InvalidArgumentError, type Logger, registerSecret } from '@stemkit/core';
import { DEFAULT_ENDPOINTS, type SourcereEndpoints } from './endpoints.ts';

/**
 * The production API host, used unless `baseUrl` or `SOURCERE_BASE_URL` says otherwise.
 *
 * @example
 * ```ts
 * sourcere({ username, password, baseUrl: DEFAULT_BASE_URL.replace('api2.', 'api2.staging.') });
 * ```
 */
export const DEFAULT_BASE_URL = 'https://api2.sourceresoftware.com';

/**
 * Options of {@link sourcere}. `username`, `password` and `baseUrl` fall back to the environment variables
 * `SOURCERE_USERNAME`, `SOURCERE_PASSWORD` and `SOURCERE_BASE_URL`.
 *
 * @example
 * ```ts
 * const options: SourcereDriverOptions = {
 *   username: 'demixr.com',
 *   password: process.env.MY_SOURCERE_PASSWORD,
 *   baseUrl: 'https://api2.staging.sourceresoftware.com',
 * };
 * ```
 */
export interface SourcereDriverOptions {
  /** Account name for `POST /auth/` (default: `SOURCERE_USERNAME`). */
  readonly username?: string;
  /** Account password (default: `SOURCERE_PASSWORD`). Registered as a secret: never logged, never in errors. */
  readonly password?: string;
  /** API host, e.g. `https://api2.staging.sourceresoftware.com` (default: `SOURCERE_BASE_URL`, else production). */
  readonly baseUrl?: string;
  /** Overrides of the API paths this project had to decide (see {@link SourcereEndpoints}). */
  readonly endpoints?: Partial<SourcereEndpoints>;
  /** The fetch every request goes through (default: the global one). */
  readonly fetch?: typeof globalThis.fetch;
  /** Transport retries of retryable calls (default 3). */
  readonly retryLimit?: number;
  /** Per-attempt timeout of API calls, in ms (default 30 s). Transfers to signed URLs have none. */
  readonly timeoutMs?: number;
  /** Renew the token this long before it expires, in ms (default 60 s). */
  readonly renewBeforeMs?: number;
  /**
   * A separation whose event log has not moved for this long, in ms, is reported failed (default 30 min).
   * The judgement is made from the events' timestamps whenever the status is read.
   */
  readonly stallTimeoutMs?: number;
  /** Gets a `debug` line per HTTP request (logins too): method and URL, secrets masked (default: silent). */
  readonly logger?: Logger;
}

/** Options with every default and environment fallback applied. */
export interface ResolvedOptions {
  readonly username: string;
  readonly password: string;
  readonly baseUrl: string;
  readonly endpoints: SourcereEndpoints;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly retryLimit: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly renewBeforeMs: number;
  readonly stallTimeoutMs: number;
  readonly logger: Logger | undefined;
}

/** Applies defaults and environment variables; a missing credential fails now rather than at the first call. */
export function resolveOptions(options: SourcereDriverOptions): ResolvedOptions {
  const environment = globalThis.process?.env ?? {};
  const username = options.username ?? environment.SOURCERE_USERNAME;
  const password = options.password ?? environment.SOURCERE_PASSWORD;
  if (!username) {
    throw new InvalidArgumentError('username', 'is required: pass it or set SOURCERE_USERNAME');
  }
  if (!password) {
    throw new InvalidArgumentError('password', 'is required: pass it or set SOURCERE_PASSWORD');
  }
  registerSecret(password);
  return {
    username,
    password,
    baseUrl: options.baseUrl ?? environment.SOURCERE_BASE_URL ?? DEFAULT_BASE_URL,
    endpoints: { ...DEFAULT_ENDPOINTS, ...options.endpoints },
    fetch: options.fetch,
    retryLimit: options.retryLimit,
    timeoutMs: options.timeoutMs,
    renewBeforeMs: options.renewBeforeMs ?? 60_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 30 * 60_000,
    logger: options.logger,
  };
}

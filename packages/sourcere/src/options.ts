import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';

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
 * What the driver reads from its options or the environment: the account and the API host.
 *
 * @example
 * ```ts
 * SOURCERE_SETTINGS.password.env; // 'SOURCERE_PASSWORD'
 * ```
 */
export const SOURCERE_SETTINGS = {
  username: { env: 'SOURCERE_USERNAME', required: true },
  password: { env: 'SOURCERE_PASSWORD', required: true, secret: true },
  baseUrl: { env: 'SOURCERE_BASE_URL', default: DEFAULT_BASE_URL },
} as const satisfies SettingsDeclaration;

/**
 * Paths of the Separation API, relative to the base URL. The API documents only `auth/`, `separation/create`
 * and `separation/download`; every other path is this project's decision (see `docs/providers/sourcere.md`),
 * so an account whose documentation differs overrides them with the driver's `endpoints` option.
 *
 * @example
 * ```ts
 * const driver = sourcere({ username, password, endpoints: { progress: 'v2/separation/progress' } });
 * ```
 */
export interface SourcereEndpoints {
  /** `POST` — log in (documented). */
  readonly auth: string;
  /** `POST` — create an upload slot (documented). */
  readonly create: string;
  /** `GET ?uploadId=` — the uploaded file's metadata, 202 while computing. */
  readonly metadata: string;
  /** `POST` — start a full separation. */
  readonly start: string;
  /** `POST` — start a trial separation of one section. */
  readonly trial: string;
  /** `GET ?separationId=` — the event log and output files. */
  readonly progress: string;
  /** `GET ?separationId=&fileName=&fileFormat=` — a signed download link, 202 while preparing (documented). */
  readonly download: string;
  /** `POST` — mix output stems. */
  readonly mix: string;
  /** `POST` — zip output stems. */
  readonly zip: string;
}

/**
 * The paths used unless overridden.
 *
 * @example
 * ```ts
 * DEFAULT_ENDPOINTS.progress; // 'separation/progress'
 * ```
 */
export const DEFAULT_ENDPOINTS: SourcereEndpoints = {
  auth: 'auth/',
  create: 'separation/create',
  metadata: 'separation/metadata',
  start: 'separation/start',
  trial: 'separation/trial',
  progress: 'separation/progress',
  download: 'separation/download',
  mix: 'separation/mix',
  zip: 'separation/zip',
};

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
export interface SourcereDriverOptions extends DriverOptions {
  /** Account name for `POST /auth/` (default: `SOURCERE_USERNAME`). */
  readonly username?: string;
  /** Account password (default: `SOURCERE_PASSWORD`). Registered as a secret: never logged, never in errors. */
  readonly password?: string;
  /** API host, e.g. `https://api2.staging.sourceresoftware.com` (default: `SOURCERE_BASE_URL`, else production). */
  readonly baseUrl?: string;
  /** Overrides of the API paths this project had to decide (see {@link SourcereEndpoints}). */
  readonly endpoints?: Partial<SourcereEndpoints>;
  /** Renew the token this long before it expires, in ms (default 60 s). */
  readonly renewBeforeMs?: number;
  /**
   * A separation whose event log has not moved for this long, in ms, is reported failed (default 30 min).
   * The judgement is made from the events' timestamps whenever the status is read.
   */
  readonly stallTimeoutMs?: number;
}

/**
 * Paths of the Separation API, relative to the base URL. The seed documents only `auth/`, `separation/create`
 * and `separation/download`; every other path is this project's decision (see `specs/sourcere-api.md`), so a
 * real account whose documentation differs overrides them with the driver's `endpoints` option.
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
 * The paths `specs/sourcere-api.md` fixes, used unless overridden.
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

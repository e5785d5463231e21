import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';

/**
 * The v1 API's base URL (every path ends with a slash), used unless `baseUrl` or `LALAL_BASE_URL` says otherwise.
 */
export const DEFAULT_BASE_URL = 'https://www.lalal.ai/api/v1/';

/**
 * The documented limit of `/check/`, 30 requests a minute: the default client-side budget of status reads.
 *
 * @example
 * ```ts
 * lalal({ checksPerMinute: DEFAULT_CHECKS_PER_MINUTE / 2 }); // leave half to another process on the key
 * ```
 */
export const DEFAULT_CHECKS_PER_MINUTE = 30;

/**
 * The name apps show for the provider.
 *
 * @example
 * ```ts
 * console.log(`separating on ${LALAL_DISPLAY_NAME}`);
 * ```
 */
export const LALAL_DISPLAY_NAME = 'LALAL.AI';

/**
 * What the driver reads from its options or the environment: the licence key and the API host.
 *
 * @example
 * ```ts
 * LALAL_SETTINGS.licenseKey.env; // 'LALAL_LICENSE_KEY'
 * ```
 */
export const LALAL_SETTINGS = {
  licenseKey: { env: 'LALAL_LICENSE_KEY', required: true, secret: true },
  baseUrl: { env: 'LALAL_BASE_URL', default: DEFAULT_BASE_URL },
} as const satisfies SettingsDeclaration;

/**
 * Options of {@link lalal}. `licenseKey` and `baseUrl` fall back to `LALAL_LICENSE_KEY` and `LALAL_BASE_URL`.
 *
 * @example
 * ```ts
 * const options: LalalDriverOptions = { licenseKey: process.env.MY_LALAL_KEY, checksPerMinute: 20 };
 * ```
 */
export interface LalalDriverOptions extends DriverOptions {
  /** The account's licence key, sent as `X-License-Key` (default: `LALAL_LICENSE_KEY`). A secret: never logged. */
  readonly licenseKey?: string;
  /** The v1 base URL, ending in `/api/v1/` (default: `LALAL_BASE_URL`, else production). */
  readonly baseUrl?: string;
  /**
   * Status reads (`/check/` calls) a minute that `wait` may spend, for every job it waits on together
   * (default 30, the documented limit). Lower it when other processes share the licence key.
   */
  readonly checksPerMinute?: number;
}

import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';

/** The provider name of the legacy driver, in every neutral object and handle it writes. */
export const LEGACY_PROVIDER = 'audioshake-legacy';

/**
 * What the legacy driver reads from its options or the environment: the token and the API host.
 *
 * @example
 * ```ts
 * const { token } = readSettings(LEGACY_SETTINGS, {}, process.env); // AUDIOSHAKE_TOKEN
 * ```
 */
export const LEGACY_SETTINGS = {
  token: { env: 'AUDIOSHAKE_TOKEN', required: true, secret: true },
  baseUrl: { env: 'AUDIOSHAKE_LEGACY_BASE_URL', default: 'https://groovy.audioshake.ai' },
} as const satisfies SettingsDeclaration;

/**
 * Options of {@link audioshakeLegacy}. `token` and `baseUrl` fall back to `AUDIOSHAKE_TOKEN` and
 * `AUDIOSHAKE_LEGACY_BASE_URL`.
 *
 * @example
 * ```ts
 * const options: AudioShakeLegacyOptions = { token: process.env.MY_AUDIOSHAKE_TOKEN, retryLimit: 5 };
 * ```
 */
export interface AudioShakeLegacyOptions extends DriverOptions {
  /** The Bearer JWT AudioShake support issued (default: `AUDIOSHAKE_TOKEN`). Never logged, never in errors. */
  readonly token?: string;
  /** The API host (default: `AUDIOSHAKE_LEGACY_BASE_URL`, else `https://groovy.audioshake.ai`). */
  readonly baseUrl?: string;
}

import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';

/** The provider name of the Tasks driver, in every neutral object and handle it writes. */
export const TASKS_PROVIDER = 'audioshake-tasks';

/**
 * What the Tasks driver reads from its options or the environment: the API key and the API host.
 *
 * @example
 * ```ts
 * const { apiKey } = readSettings(TASKS_SETTINGS, {}, process.env); // AUDIOSHAKE_API_KEY
 * ```
 */
export const TASKS_SETTINGS = {
  apiKey: { env: 'AUDIOSHAKE_API_KEY', required: true, secret: true },
  baseUrl: { env: 'AUDIOSHAKE_BASE_URL', default: 'https://api.audioshake.ai' },
} as const satisfies SettingsDeclaration;

/**
 * Options of {@link audioshakeTasks}. `apiKey` and `baseUrl` fall back to `AUDIOSHAKE_API_KEY` and
 * `AUDIOSHAKE_BASE_URL`.
 *
 * @example
 * ```ts
 * const options: AudioShakeTasksOptions = { apiKey: process.env.MY_AUDIOSHAKE_KEY, maxTargets: 20 };
 * ```
 */
export interface AudioShakeTasksOptions extends DriverOptions {
  /** The Dashboard API key, sent as `x-api-key` (default: `AUDIOSHAKE_API_KEY`). Never logged, never in errors. */
  readonly apiKey?: string;
  /** The API host (default: `AUDIOSHAKE_BASE_URL`, else `https://api.audioshake.ai`). */
  readonly baseUrl?: string;
  /**
   * Most targets per task your account allows, declared as the `maxTargets` capability (default 10; the 2026
   * docs allow 20).
   */
  readonly maxTargets?: number;
}

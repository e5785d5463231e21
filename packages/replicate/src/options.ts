import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';

/** The provider name of the Replicate driver, in every neutral object and handle it writes. */
export const REPLICATE_PROVIDER = 'replicate';

/**
 * What the driver reads from its options or the environment: the API token, the webhook signing secret (both
 * registered as secrets) and the API base URL.
 *
 * @example
 * ```ts
 * REPLICATE_SETTINGS.apiToken.env; // 'REPLICATE_API_TOKEN'
 * ```
 */
export const REPLICATE_SETTINGS = {
  apiToken: { env: 'REPLICATE_API_TOKEN', required: true, secret: true },
  webhookSecret: { env: 'REPLICATE_WEBHOOK_SECRET', secret: true },
  baseUrl: { env: 'REPLICATE_BASE_URL', default: 'https://api.replicate.com/v1' },
} as const satisfies SettingsDeclaration;

/**
 * Replicate's documented rate limits, the defaults of a batch's client-side budget: 600 prediction creations
 * and 3000 other requests a minute.
 *
 * @example
 * ```ts
 * REPLICATE_RATE_LIMITS.createPerMinute; // 600
 * ```
 */
export const REPLICATE_RATE_LIMITS = { createPerMinute: 600, readPerMinute: 3000 } as const;

/** The two Demucs models on Replicate the driver knows the input schema of. */
export type ReplicateDemucsModel = 'ryan5453/demucs' | 'cjwbw/demucs';

/**
 * Options of {@link replicate}. `apiToken`, `webhookSecret` and `baseUrl` fall back to `REPLICATE_API_TOKEN`,
 * `REPLICATE_WEBHOOK_SECRET` and `REPLICATE_BASE_URL`.
 */
export interface ReplicateDriverOptions extends DriverOptions {
  /** The API token, `r8_…`, sent as `Authorization: Bearer` (default: `REPLICATE_API_TOKEN`). Never logged. */
  readonly apiToken?: string;
  /**
   * The account's webhook signing secret, `whsec_…` (default: `REPLICATE_WEBHOOK_SECRET`; else fetched once
   * from `GET /webhooks/default/secret` when the first callback arrives). Never logged.
   */
  readonly webhookSecret?: string;
  /** The API base URL (default: `REPLICATE_BASE_URL`, else `https://api.replicate.com/v1`). */
  readonly baseUrl?: string;
  /** Which Demucs model on Replicate (default `ryan5453/demucs`). */
  readonly model?: ReplicateDemucsModel;
  /** Pins another version id of that model (default: the version whose input schema the driver was written for). */
  readonly version?: string;
  /** The Demucs network (default `htdemucs`): `htdemucs_6s` adds guitar and piano; the stem set follows it. */
  readonly demucsModel?: string;
  /** MP3 bitrate in kbit/s when the output format is mp3 (default: the model's, 320). */
  readonly mp3Bitrate?: number;
  /**
   * Holds the create request up to this many seconds (`Prefer: wait=n`, 1–60; default 0, off) for sources of
   * at most `syncMaxSeconds`: a prediction still running when the wait ends is polled as any other.
   */
  readonly preferWaitSeconds?: number;
  /** Longest source, in seconds, that gets `Prefer: wait` (default 60; a source of unknown length gets none). */
  readonly syncMaxSeconds?: number;
  /** Webhook events asked for with a callback URL (default `['start', 'completed']`). */
  readonly webhookEvents?: readonly ('start' | 'output' | 'logs' | 'completed')[];
  /** Replay window of signed webhooks, in seconds (default 300). */
  readonly webhookToleranceSeconds?: number;
}

import type { DriverOptions, SettingsDeclaration } from '@stemkit/core/driver';
import type { ElevenLabsOutputFormat, StemVariation } from './wire.ts';

/**
 * The production API host, used unless `baseUrl` or `ELEVENLABS_BASE_URL` says otherwise.
 *
 * @example
 * ```ts
 * elevenlabs({ baseUrl: 'https://api.eu.residency.elevenlabs.io' });
 * ```
 */
export const DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

/**
 * What the driver reads from its options or the environment: the API key (sent as `xi-api-key`) and the host.
 *
 * @example
 * ```ts
 * ELEVENLABS_SETTINGS.apiKey.env; // 'ELEVENLABS_API_KEY'
 * ```
 */
export const ELEVENLABS_SETTINGS = {
  apiKey: { env: 'ELEVENLABS_API_KEY', required: true, secret: true },
  baseUrl: { env: 'ELEVENLABS_BASE_URL', default: DEFAULT_BASE_URL },
} as const satisfies SettingsDeclaration;

/** The official SDK's timeout for this call (240 s): latency grows with the length of the audio. */
export const DEFAULT_TIMEOUT_MS = 240_000;

/**
 * Options of {@link elevenlabs}. `apiKey` and `baseUrl` fall back to `ELEVENLABS_API_KEY` and `ELEVENLABS_BASE_URL`.
 *
 * @example
 * ```ts
 * const options: ElevenLabsDriverOptions = { apiKey: process.env.MY_KEY, signWithC2pa: true };
 * ```
 */
export interface ElevenLabsDriverOptions extends DriverOptions {
  /** The API key, sent as `xi-api-key` (default `ELEVENLABS_API_KEY`). A secret: never logged, never in errors. */
  readonly apiKey?: string;
  /** API host (default `ELEVENLABS_BASE_URL`, else production). */
  readonly baseUrl?: string;
  /** C2PA-sign the stems (`sign_with_c2pa`; mp3 only, per the API). Default false (not sent). */
  readonly signWithC2pa?: boolean;
  /** How long the one separation request may take, in ms (default 240 000, the official SDK's). */
  readonly requestTimeoutMs?: number;
}

/**
 * Provider options a `separate` call may pass (`providerOptions`), typed.
 */
export interface ElevenLabsProviderOptions {
  /** The exact `output_format`, overriding the one mapped from the neutral format. */
  readonly outputFormat?: ElevenLabsOutputFormat;
  /** The `stem_variation_id`, overriding the one chosen from the stems asked for. */
  readonly stemVariation?: StemVariation;
  /** `sign_with_c2pa` for this call, overriding the driver option. */
  readonly signWithC2pa?: boolean;
}

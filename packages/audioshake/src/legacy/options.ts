import { InvalidArgumentError } from '@stemkit/core';
import { environmentVariable, type TransportOptions } from '../shared/http.ts';

/** Where the legacy API lives unless told otherwise. */
export const LEGACY_DEFAULT_BASE_URL = 'https://groovy.audioshake.ai';

/**
 * Options of {@link audioshakeLegacy}.
 *
 * @example
 * ```ts
 * const options: AudioShakeLegacyOptions = { token: process.env.AUDIOSHAKE_TOKEN, visibilityWindowMs: 20_000 };
 * ```
 */
export interface AudioShakeLegacyOptions extends TransportOptions {
  /** The Bearer JWT AudioShake support issued (default: `AUDIOSHAKE_TOKEN`). */
  readonly token?: string;
  /** The API host (default: `AUDIOSHAKE_LEGACY_BASE_URL`, else `https://groovy.audioshake.ai`). */
  readonly baseUrl?: string;
  /**
   * How long after creation a `404` on `GET /job/:id` means "not visible yet" rather than "gone" (default
   * 30 s; community clients saw the race and retried for 10 s).
   */
  readonly visibilityWindowMs?: number;
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** Options with defaults and environment applied. */
export interface ResolvedLegacyOptions extends TransportOptions {
  readonly token: string;
  readonly baseUrl: string;
  readonly visibilityWindowMs: number;
  readonly now: () => number;
}

/**
 * Applies defaults and environment variables; a missing token is an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * resolveLegacyOptions({ token: 'eyJ…' }).baseUrl; // 'https://groovy.audioshake.ai'
 * ```
 */
export function resolveLegacyOptions(options: AudioShakeLegacyOptions): ResolvedLegacyOptions {
  const token = options.token ?? environmentVariable('AUDIOSHAKE_TOKEN');
  if (!token) throw new InvalidArgumentError('token', 'is required: pass `token` or set AUDIOSHAKE_TOKEN');
  return {
    ...options,
    token,
    baseUrl: options.baseUrl ?? environmentVariable('AUDIOSHAKE_LEGACY_BASE_URL') ?? LEGACY_DEFAULT_BASE_URL,
    visibilityWindowMs: options.visibilityWindowMs ?? 30_000,
    now: options.now ?? Date.now,
  };
}

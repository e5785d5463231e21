import { InvalidArgumentError } from '@stemkit/core';
import { environmentVariable, type TransportOptions } from '../shared/http.ts';

/** Where the Tasks API lives unless told otherwise. */
export const TASKS_DEFAULT_BASE_URL = 'https://api.audioshake.ai';

/**
 * Options of {@link audioshakeTasks}.
 *
 * @example
 * ```ts
 * const options: AudioShakeTasksOptions = { apiKey: process.env.AUDIOSHAKE_API_KEY, maxTargets: 20 };
 * ```
 */
export interface AudioShakeTasksOptions extends TransportOptions {
  /** The Dashboard API key, sent as `x-api-key` (default: `AUDIOSHAKE_API_KEY`). */
  readonly apiKey?: string;
  /** The API host (default: `AUDIOSHAKE_BASE_URL`, else `https://api.audioshake.ai`). */
  readonly baseUrl?: string;
  /** Most targets per task (default 10; the 2026 docs allow 20). */
  readonly maxTargets?: number;
  /** The clock that dates link expiry, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** Options with defaults and environment applied. */
export interface ResolvedTasksOptions extends TransportOptions {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly maxTargets: number;
  readonly now: () => number;
}

/**
 * Applies defaults and environment variables; a missing key is an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * resolveTasksOptions({ apiKey: 'key' }).maxTargets; // 10
 * ```
 */
export function resolveTasksOptions(options: AudioShakeTasksOptions): ResolvedTasksOptions {
  const apiKey = options.apiKey ?? environmentVariable('AUDIOSHAKE_API_KEY');
  if (!apiKey)
    throw new InvalidArgumentError('apiKey', 'is required: pass `apiKey` or set AUDIOSHAKE_API_KEY');
  return {
    ...options,
    apiKey,
    baseUrl: options.baseUrl ?? environmentVariable('AUDIOSHAKE_BASE_URL') ?? TASKS_DEFAULT_BASE_URL,
    maxTargets: options.maxTargets ?? 10,
    now: options.now ?? Date.now,
  };
}

import {
  type AudioShakeLegacyDriver,
  type AudioShakeTasksDriver,
  audioshakeLegacy,
  audioshakeTasks,
} from '@stemkit/audioshake';
import { UsageError } from './io.ts';

/**
 * The legacy driver from the environment: `AUDIOSHAKE_TOKEN` and, optionally, `AUDIOSHAKE_LEGACY_BASE_URL`.
 * Credentials come only from the environment, never from flags (they would show in process lists).
 */
export function legacyFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  required: boolean,
): AudioShakeLegacyDriver | undefined {
  const token = env.AUDIOSHAKE_TOKEN;
  if (!token) {
    if (required) throw new UsageError('AUDIOSHAKE_TOKEN is not set: the legacy API is needed for this step');
    return undefined;
  }
  const baseUrl = env.AUDIOSHAKE_LEGACY_BASE_URL;
  return audioshakeLegacy({ token, ...(baseUrl ? { baseUrl } : {}) });
}

/** The Tasks driver from the environment: `AUDIOSHAKE_API_KEY` and, optionally, `AUDIOSHAKE_BASE_URL`. */
export function tasksFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): AudioShakeTasksDriver {
  const apiKey = env.AUDIOSHAKE_API_KEY;
  if (!apiKey) throw new UsageError('AUDIOSHAKE_API_KEY is not set: the Tasks API is needed for this step');
  const baseUrl = env.AUDIOSHAKE_BASE_URL;
  return audioshakeTasks({ apiKey, ...(baseUrl ? { baseUrl } : {}) });
}

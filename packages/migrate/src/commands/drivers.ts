import {
  type AudioShakeLegacyDriver,
  type AudioShakeTasksDriver,
  audioshakeLegacy,
  audioshakeTasks,
} from '@stemkit/audioshake';
import { InvalidArgumentError } from '@stemkit/core';
import {
  type Environment,
  inspectSettings,
  readSettings,
  type Settings,
  type SettingsDeclaration,
} from '@stemkit/core/driver';
import { MissingCredentialsError } from './io.ts';

// Credentials come only from the environment, never from flags (they would show in process lists), and are
// read through each driver's own settings declaration, so the variable names live in the driver alone.

/**
 * A driver's settings from the environment; a missing required one is a {@link MissingCredentialsError} (exit
 * code 3, as everywhere in `stemkit`) naming its variable and `why` the command needs it.
 */
export function settingsFromEnvironment<const Declaration extends SettingsDeclaration>(
  declaration: Declaration,
  env: Environment,
  why: string,
): Settings<Declaration> {
  try {
    return readSettings(declaration, {}, env);
  } catch (error) {
    if (!InvalidArgumentError.isInstance(error)) throw error;
    const missing = inspectSettings(declaration, {}, env).missing.map((setting) => setting.env);
    throw new MissingCredentialsError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: ${why}`,
    );
  }
}

/**
 * The legacy driver from the environment (`AUDIOSHAKE_TOKEN`, optionally `AUDIOSHAKE_LEGACY_BASE_URL`);
 * without a token, `undefined` unless `required`.
 */
export function legacyFromEnvironment(
  env: Environment,
  required: boolean,
): AudioShakeLegacyDriver | undefined {
  const { settings } = audioshakeLegacy;
  if (!required && inspectSettings(settings, {}, env).missing.length > 0) return undefined;
  return audioshakeLegacy(settingsFromEnvironment(settings, env, 'the legacy API is needed for this step'));
}

/** The Tasks driver from the environment (`AUDIOSHAKE_API_KEY`, optionally `AUDIOSHAKE_BASE_URL`). */
export function tasksFromEnvironment(env: Environment): AudioShakeTasksDriver {
  return audioshakeTasks(
    settingsFromEnvironment(audioshakeTasks.settings, env, 'the Tasks API is needed for this step'),
  );
}

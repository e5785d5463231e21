import { AuthenticationError, type DriverCallOptions, type Usage } from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';
import { PROVIDER } from './to-neutral.ts';
import { MinutesLeftResponse } from './wire.ts';

/** `POST limits/minutes_left/`: a quota (what is left), not monthly usage; LALAL.AI reports no history. */
export async function usage(api: LalalApi, options: DriverCallOptions = {}): Promise<Usage> {
  const { data } = await api.http.call({
    method: 'POST',
    path: 'limits/minutes_left/',
    idempotent: true,
    schema: MinutesLeftResponse,
    what: 'read the minutes left',
    signal: options.signal,
  });
  return { provider: PROVIDER, months: [], quota: { minutesLeft: data.minutes_left }, raw: data };
}

/**
 * The credential check before an upload: the cheapest authenticated call, `limits/minutes_left/`. Only a
 * refusal fails it; any other trouble says nothing about the key and lets the upload go ahead.
 */
export async function verifyCredentials(api: LalalApi, options: DriverCallOptions = {}): Promise<void> {
  await usage(api, options).catch((error: unknown) => {
    if (AuthenticationError.isInstance(error) || (error as { name?: string })?.name === 'AbortError')
      throw error;
  });
}

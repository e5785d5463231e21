import type { DriverCallOptions } from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { type LegacyUsage, LegacyUsageSchema } from './wire.ts';

/** `POST /usage`: jobs and minutes of the last three months. */
export async function usage({ http }: LegacyApi, options: DriverCallOptions = {}): Promise<LegacyUsage> {
  const { data } = await http.call({
    method: 'POST',
    path: 'usage',
    schema: LegacyUsageSchema,
    idempotent: true,
    signal: options.signal,
    what: 'usage',
  });
  return data;
}

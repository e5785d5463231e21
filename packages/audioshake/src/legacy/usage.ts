import { type DriverCallOptions, InvalidArgumentError, parsePayload, type Usage } from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { LEGACY_PROVIDER } from './options.ts';
import { type LegacyUsage, LegacyUsageSchema } from './wire.ts';

/**
 * `POST /usage` as neutral usage: each legacy job is one target, `totalMinutes` its minutes; the payload
 * (`clientId`, `usage[]`, see `LegacyUsage`) is its `raw`.
 */
export async function usage({ http }: LegacyApi, options: DriverCallOptions = {}): Promise<Usage> {
  const { data } = await http.call({
    method: 'POST',
    path: 'usage',
    schema: LegacyUsageSchema,
    idempotent: true,
    signal: options.signal,
    what: 'read the usage',
  });
  const months = (data.usage ?? []).map((row) => ({
    month: row.month,
    targets: row.totalJobs ?? 0,
    minutes: Number(row.totalMinutes ?? 0) || 0,
  }));
  return {
    provider: http.provider,
    months: months.sort((left, right) => left.month.localeCompare(right.month)),
    raw: data,
  };
}

/**
 * The `POST /usage` payload behind neutral usage, typed: `clientId` and the months as the legacy API sent them.
 *
 * @example
 * ```ts
 * legacyUsageOf(await stemkit.usage()).clientId;
 * ```
 */
export function legacyUsageOf(usage: Usage): LegacyUsage {
  if (usage.provider !== LEGACY_PROVIDER) {
    throw new InvalidArgumentError('usage', `is usage of ${usage.provider}, not ${LEGACY_PROVIDER}`);
  }
  return parsePayload(LegacyUsageSchema, usage.raw, { provider: LEGACY_PROVIDER, what: 'the usage' });
}

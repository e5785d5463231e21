import type { DriverContext, HttpClient, Settings } from '@stemkit/core/driver';
import type { LEGACY_SETTINGS } from './options.ts';

/** What every operation of the legacy driver works with: the authenticated HTTP client, the driver context. */
export interface LegacyApi {
  readonly http: HttpClient;
  readonly context: DriverContext<Settings<typeof LEGACY_SETTINGS>>;
}

/**
 * Connects to the legacy API: every call carries `Authorization: Bearer <token>`. Its error bodies
 * (`{ message }`) are what core's reader already understands.
 */
export function connect(context: LegacyApi['context']): LegacyApi {
  const { token, baseUrl } = context.settings;
  const http = context.http({ baseUrl, authenticate: () => ({ authorization: `Bearer ${token}` }) });
  return { http, context };
}

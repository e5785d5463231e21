import type { DriverContext, HttpClient, Settings } from '@stemkit/core/driver';
import type { TASKS_SETTINGS } from './options.ts';

/** What every operation of the Tasks driver works with: the authenticated HTTP client, the driver context. */
export interface TasksApi {
  readonly http: HttpClient;
  readonly context: DriverContext<Settings<typeof TASKS_SETTINGS>>;
}

/**
 * Connects to the Tasks API: every call carries `x-api-key`. Its error bodies (`{ message }`) are what core's
 * reader already understands.
 */
export function connect(context: TasksApi['context']): TasksApi {
  const { apiKey, baseUrl } = context.settings;
  const http = context.http({ baseUrl, authenticate: () => ({ 'x-api-key': apiKey }) });
  return { http, context };
}

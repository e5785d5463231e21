import type { DriverCallOptions, JobHandle, StatusResult } from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { ReplicatePrediction } from './wire.ts';

/** `GET /predictions/{id}` once, mapped onto the neutral job. */
export async function status(
  api: ReplicateApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<StatusResult> {
  const { id, data } = api.context.readHandle(handle, HandleData);
  const response = await api.http.call({
    method: 'GET',
    path: `predictions/${encodeURIComponent(id)}`,
    schema: ReplicatePrediction,
    what: 'read the prediction',
    signal: options.signal,
    retry: options.retry,
  });
  return { job: toJob(handle, data, response.data, api.model), retryAfterMs: response.retryAfterMs };
}

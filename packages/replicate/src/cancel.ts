import type { DriverCallOptions, JobHandle } from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { ReplicatePrediction } from './wire.ts';

/** `POST /predictions/{id}/cancel`: asking twice is harmless, so transient failures are retried. */
export async function cancel(
  api: ReplicateApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<void> {
  const { id } = api.context.readHandle(handle);
  await api.http.call({
    method: 'POST',
    path: `predictions/${encodeURIComponent(id)}/cancel`,
    schema: ReplicatePrediction,
    idempotent: true,
    what: 'cancel the prediction',
    signal: options.signal,
  });
}

import type { DriverCallOptions, JobHandle, StatusResult } from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { ProgressResponse } from './wire.ts';

/** Reads the progress endpoint once and maps it onto the neutral job. */
export async function status(
  { http, endpoints, context, stallTimeoutMs }: SourcereApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<StatusResult> {
  const { id, data } = context.readHandle(handle, HandleData);
  const response = await http.call({
    method: 'GET',
    path: endpoints.progress,
    searchParams: { separationId: id },
    schema: ProgressResponse,
    what: 'read the separation progress',
    signal: options.signal,
    retry: options.retry,
  });
  const job = toJob(handle, data, response.data, { now: context.now(), stallTimeoutMs });
  return { job, retryAfterMs: response.retryAfterMs };
}

import { type DriverCallOptions, type JobHandle, readFanOut, type StatusResult } from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { LegacyJobEnvelopeSchema } from './wire.ts';

/**
 * Rebuilds the neutral job from the handle alone: one `GET /job/:id` per legacy job, in parallel. A job the API
 * does not know yet is a `NotFoundError`; the client's `wait` tolerates a few right after a start, the legacy
 * API's known delay before a new job is visible.
 */
export async function status(
  { http, context }: LegacyApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<StatusResult> {
  const { parts, data } = context.readHandle(handle, HandleData);
  const targets = await readFanOut(data.targets, parts, async (id) => {
    const { data: envelope } = await http.call({
      method: 'GET',
      path: `job/${encodeURIComponent(id)}`,
      schema: LegacyJobEnvelopeSchema,
      signal: options.signal,
      retry: options.retry,
      what: `get job ${id}`,
    });
    return envelope.job;
  });
  return { job: toJob(targets, handle, data.source) };
}

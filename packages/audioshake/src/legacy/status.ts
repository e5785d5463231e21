import type { DriverCallOptions, JobHandle, StatusResult } from '@stemkit/core/driver';
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
  const planned = data.targets ?? parts.map((id) => ({ jobs: [id] }));
  const targets = await Promise.all(
    planned.map(async (target, index) => ({
      ...target,
      id: target.jobs[0] ?? `not-created-${index}`,
      jobs: await Promise.all(
        target.jobs.map(async (id) => {
          const { data: envelope } = await http.call({
            method: 'GET',
            path: `job/${encodeURIComponent(id)}`,
            schema: LegacyJobEnvelopeSchema,
            signal: options.signal,
            retry: options.retry,
            what: `get job ${id}`,
          });
          return envelope.job;
        }),
      ),
    })),
  );
  return { job: toJob(targets, handle, data.source) };
}

import type { DriverCallOptions, JobHandle, StatusResult } from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';
import { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { type CheckResponse, CheckResponse as CheckResponseSchema } from './wire.ts';

/** Most task ids one `/check/` call takes. */
export const MAX_CHECK_IDS = 200;

/** `POST check/` for the tasks of every handle at once, answering in their order. */
export async function statusMany(
  api: LalalApi,
  handles: readonly JobHandle[],
  options: DriverCallOptions = {},
): Promise<StatusResult[]> {
  const read = handles.map((handle) => api.context.readHandle(handle, HandleData));
  const ids = [...new Set(read.flatMap((each) => each.parts))];
  const entries: CheckResponse['result'] = {};
  // Jobs of up to 10 targets and batches of up to 20 jobs fit one call; more ids go in as many calls as needed.
  for (let offset = 0; offset < ids.length; offset += MAX_CHECK_IDS) {
    const { data } = await api.http.call({
      method: 'POST',
      path: 'check/',
      json: { task_ids: ids.slice(offset, offset + MAX_CHECK_IDS) },
      // Reading is harmless to repeat.
      idempotent: true,
      schema: CheckResponseSchema,
      what: 'check the tasks',
      signal: options.signal,
      retry: options.retry,
    });
    Object.assign(entries, data.result);
  }
  return handles.map((handle, index) => {
    const { parts, data } = read[index] as (typeof read)[number];
    return { job: toJob(handle, parts, data, entries) };
  });
}

/** One job's status: a `/check/` of its tasks. */
export async function status(
  api: LalalApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<StatusResult> {
  const [result] = await statusMany(api, [handle], options);
  return result as StatusResult;
}

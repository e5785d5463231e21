import type { DriverCallOptions, JobHandle, StatusResult } from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { TasksTaskSchema } from './wire.ts';

/** `GET /tasks/:id`: the whole task, with fresh output links. */
export async function status(
  { http, context }: TasksApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<StatusResult> {
  const { id, data } = context.readHandle(handle, HandleData);
  const { data: task } = await http.call({
    method: 'GET',
    path: `tasks/${encodeURIComponent(id)}`,
    schema: TasksTaskSchema,
    signal: options.signal,
    retry: options.retry,
    what: `get task ${id}`,
  });
  return { job: toJob(task, context.now(), data.source) };
}

import { type DriverCallOptions, InvalidArgumentError, type JobPage } from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { toJob } from './to-neutral.ts';
import { TasksPageSchema } from './wire.ts';

/** Largest page `GET /tasks` serves. */
const MAX_PAGE_SIZE = 100;

/**
 * One page of `GET /tasks?skip&take`: the cursor is the skip count. The wire has no total and no next cursor,
 * so a short page is the last one.
 */
export async function list(
  { http, context }: TasksApi,
  request: { readonly cursor?: string; readonly pageSize: number },
  options: DriverCallOptions = {},
): Promise<JobPage> {
  const skip = request.cursor === undefined ? 0 : Number(request.cursor);
  if (!Number.isInteger(skip) || skip < 0)
    throw new InvalidArgumentError('cursor', 'is not a Tasks list cursor');
  const take = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(request.pageSize)));
  const { data: tasks } = await http.call({
    method: 'GET',
    path: 'tasks',
    searchParams: { skip, take },
    schema: TasksPageSchema,
    signal: options.signal,
    what: 'list tasks',
  });
  const fetchedAt = context.now();
  const jobs = tasks.map((task) => toJob(task, fetchedAt));
  return tasks.length < take ? { jobs } : { jobs, nextCursor: String(skip + take) };
}

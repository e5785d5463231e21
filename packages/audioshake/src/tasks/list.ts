import {
  type DriverCallOptions,
  InvalidArgumentError,
  type JobPage,
  summarizeSource,
} from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { assetOf, toJob } from './to-neutral.ts';
import { TasksAssetListSchema, TasksPageSchema } from './wire.ts';

/** Largest page `GET /tasks` serves. */
const MAX_PAGE_SIZE = 100;

/**
 * One page of `GET /tasks?skip&take`: the cursor is the skip count. The wire has no total and no next cursor,
 * so a short page is the last one.
 */
export async function list(
  api: TasksApi,
  request: { readonly cursor?: string; readonly pageSize: number },
  options: DriverCallOptions = {},
): Promise<JobPage> {
  const { http, context } = api;
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
  // A task names its source by asset id only; the account's assets (one more request) give their file names.
  const assets = tasks.some((task) => task.assetId) ? await assetsById(api, options) : new Map();
  const jobs = tasks.map((task) => {
    const asset = task.assetId ? assets.get(task.assetId) : undefined;
    return toJob(task, fetchedAt, asset && summarizeSource({ asset: assetOf(asset, fetchedAt) }));
  });
  return tasks.length < take ? { jobs } : { jobs, nextCursor: String(skip + take) };
}

/** `GET /assets`: the account's live assets (deleted after 72 h), by id. */
async function assetsById({ http }: TasksApi, options: DriverCallOptions) {
  const { data } = await http.call({
    method: 'GET',
    path: 'assets',
    schema: TasksAssetListSchema,
    signal: options.signal,
    what: 'list assets',
  });
  return new Map(data.map((asset) => [asset.id, asset]));
}

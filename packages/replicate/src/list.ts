import type { DriverCallOptions, JobPage } from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { toJob } from './to-neutral.ts';
import { PredictionPageSchema } from './wire.ts';

/** The `cursor` of a page's absolute `next` URL, or none on the last page. */
export function cursorOf(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  return new URL(next).searchParams.get('cursor') ?? undefined;
}

/**
 * One page of `GET /predictions` (100 a page, newest first; the page size is the API's): the account's
 * predictions of this driver's model only, since other models' outputs are no stems.
 */
export async function list(
  api: ReplicateApi,
  request: { readonly cursor?: string; readonly pageSize: number },
  options: DriverCallOptions = {},
): Promise<JobPage> {
  const { data } = await api.http.call({
    method: 'GET',
    path: 'predictions',
    ...(request.cursor ? { searchParams: { cursor: request.cursor } } : {}),
    schema: PredictionPageSchema,
    what: 'list predictions',
    signal: options.signal,
  });
  const jobs = data.results
    .filter((prediction) => prediction.model === api.model || prediction.version === api.version)
    .map((prediction) => toJob(api.context.handle(prediction.id), {}, prediction, api.model));
  const nextCursor = cursorOf(data.next);
  return nextCursor ? { jobs, nextCursor } : { jobs };
}

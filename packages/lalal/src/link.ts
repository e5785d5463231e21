import {
  type DriverCallOptions,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  NotFoundError,
} from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';
import { status } from './status.ts';

/** A fresh link to an output: the task's current track URL, read by a `/check/`. */
export async function link(
  api: LalalApi,
  handle: JobHandle,
  request: LinkRequest,
  options: DriverCallOptions = {},
): Promise<LinkResult> {
  const { job } = await status(api, handle, options);
  const output = job.targets.flatMap((target) => target.outputs).find((each) => each.id === request.asset.id);
  if (!output?.url) {
    throw new NotFoundError(`lalal has no output ${request.asset.id} in job ${handle.id}`, {
      provider: 'lalal',
    });
  }
  return { ready: true, url: output.url };
}

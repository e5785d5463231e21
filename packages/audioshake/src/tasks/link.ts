import {
  type DriverCallOptions,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  outputLink,
} from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { status } from './status.ts';

/** A fresh link to one output: links expire after an hour, and the task itself is the only place to get one. */
export async function link(
  api: TasksApi,
  handle: JobHandle,
  request: LinkRequest,
  options: DriverCallOptions = {},
): Promise<LinkResult> {
  const { job } = await status(api, handle, options);
  return outputLink(job, request, `add \`${request.format}\` to the target's formats`);
}

import {
  type DriverCallOptions,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  outputLink,
} from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { status } from './status.ts';

/** A fresh link to one output: the legacy jobs are read again, since their links expire. */
export async function link(
  api: LegacyApi,
  handle: JobHandle,
  request: LinkRequest,
  options: DriverCallOptions = {},
): Promise<LinkResult> {
  const { job } = await status(api, handle, options);
  return outputLink(job, request, `request \`${request.format}\` when starting the job`);
}

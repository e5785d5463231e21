import type { LinkRequest, LinkResult } from '@stemkit/core/driver';
import {
  type DriverCallOptions,
  type JobHandle,
  NotFoundError,
  type StatusResult,
} from '@stemkit/core/driver';
import type { ElevenLabsApi } from './api.ts';
import type { EphemeralJobs } from './handle.ts';

/** The job as its one call left it, from this process's memory: there is no status route. */
export async function status(
  api: ElevenLabsApi,
  jobs: EphemeralJobs,
  handle: JobHandle,
  _options?: DriverCallOptions,
): Promise<StatusResult> {
  return { job: jobs.find(api, handle) };
}

/**
 * There are no links: outputs live in the client's local store, which `download` reads before asking for one.
 * Asked anyway, the output is gone (forgotten by the bounded store, or another process's): a `NotFoundError`.
 */
export async function link(
  api: ElevenLabsApi,
  jobs: EphemeralJobs,
  handle: JobHandle,
  request: LinkRequest,
): Promise<LinkResult> {
  jobs.find(api, handle);
  throw new NotFoundError(
    `elevenlabs has no links: output ${request.asset.id} was kept only in the local store, which no longer holds it`,
    { provider: 'elevenlabs' },
  );
}

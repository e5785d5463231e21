import {
  type DriverCallOptions,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  NotFoundError,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import { replicatePredictionOf } from './accessors.ts';
import type { ReplicateApi } from './api.ts';
import { status } from './status.ts';

/**
 * A link to one output, read again from the prediction. Replicate removes outputs an hour after completion:
 * after that (`data_removed`) a `NotFoundError` says so, once, instead of a retry loop.
 */
export async function link(
  api: ReplicateApi,
  handle: JobHandle,
  request: LinkRequest,
  options: DriverCallOptions = {},
): Promise<LinkResult> {
  const { job } = await status(api, handle, options);
  if (replicatePredictionOf(job).data_removed) {
    throw new NotFoundError(
      `Replicate removed the outputs of prediction ${job.id} (it keeps them one hour after completion); run it again`,
      { provider: job.provider },
    );
  }
  const output = job.targets.flatMap((target) => target.outputs).find((each) => each.id === request.asset.id);
  if (request.format && request.format !== output?.format) {
    throw new UnsupportedCapabilityError(
      `format:${request.format}`,
      'Replicate converts nothing on demand: ask for the format at start',
      { provider: job.provider },
    );
  }
  if (!output?.url)
    throw new NotFoundError(`No output ${request.asset.name} in prediction ${job.id}`, {
      provider: job.provider,
    });
  return { ready: true, url: output.url, ...(output.expiresAt ? { expiresAt: output.expiresAt } : {}) };
}

import { DRIVER_CONTRACT_VERSION, type JobHandle } from '@stemkit/core/driver';
import { LEGACY_PROVIDER } from './options.ts';

/**
 * The handle of one legacy job by its id, as the legacy driver reads it (one target per job): for tools that
 * know a legacy job id but not the handle the driver wrote (migration), so the handle's layout stays here.
 */
export function legacyHandle(jobId: string): JobHandle {
  return { contract: DRIVER_CONTRACT_VERSION, provider: LEGACY_PROVIDER, id: jobId, parts: [jobId] };
}

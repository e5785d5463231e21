import type { Asset, Job } from '@stemkit/core/driver';
import type { CheckEntry, SplitTrack, UploadResponse } from './wire.ts';

/**
 * The `/check/` entries of a LALAL.AI job, by task id (`null` for a task the last check did not answer), or
 * `undefined` for a job of another provider.
 *
 * @example
 * ```ts
 * const entries = lalalTasksOf(job);
 * for (const [taskId, entry] of Object.entries(entries ?? {})) console.log(taskId, entry?.status);
 * ```
 */
export function lalalTasksOf(job: Job): Readonly<Record<string, CheckEntry | null>> | undefined {
  return job.provider === 'lalal' ? (job.raw as Record<string, CheckEntry | null>) : undefined;
}

/**
 * The upload answer behind a LALAL.AI source asset (`id`, `name`, `size`, `duration`, `expires`), or the
 * `SplitTrack` behind an output, or `undefined` for another provider's asset.
 *
 * @example
 * ```ts
 * const upload = lalalUploadOf(asset); // { id, name, size, duration, expires }
 * ```
 */
export function lalalUploadOf(asset: Asset): UploadResponse | undefined {
  return asset.provider === 'lalal' && asset.role === 'source' ? (asset.raw as UploadResponse) : undefined;
}

/**
 * The `SplitTrack` (type, label, url…) behind a LALAL.AI output, or `undefined` for another asset.
 */
export function lalalTrackOf(asset: Asset): SplitTrack | undefined {
  return asset.provider === 'lalal' && asset.role !== 'source' ? (asset.raw as SplitTrack) : undefined;
}

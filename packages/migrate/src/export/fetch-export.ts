import { type LegacyJob, legacyHandle, legacyJobsOf } from '@stemkit/audioshake';
import type { StemkitDriver } from '@stemkit/core';
import { runPool } from '../shared/pool.ts';

/** Options of {@link fetchLegacyJobs}. */
export interface FetchLegacyJobsOptions {
  /** Requests at once (default 8). */
  readonly concurrency?: number;
  /** Cancels the requests in flight; `fetchLegacyJobs` then rejects with the abort error. */
  readonly signal?: AbortSignal;
}

/**
 * Fetches legacy jobs by id through the legacy driver (`GET /job/:id` each), for apps that kept only ids.
 *
 * @example
 * ```ts
 * const jobs = await fetchLegacyJobs(audioshakeLegacy({ token }), ['clksrfob8000bf7of6xkscy8m']);
 * await writeFile('legacy-jobs.jsonl', formatLegacyExport(jobs));
 * ```
 */
export async function fetchLegacyJobs(
  legacy: StemkitDriver,
  ids: readonly string[],
  options: FetchLegacyJobsOptions = {},
): Promise<LegacyJob[]> {
  const jobs: LegacyJob[] = new Array(ids.length);
  await runPool(ids, options.concurrency ?? 8, async (id, index) => {
    const { job } = await legacy.status(legacyHandle(id), { signal: options.signal });
    const [raw] = legacyJobsOf(job);
    if (!raw) throw new Error(`The legacy API returned no job for ${id}`);
    jobs[index] = raw;
  });
  return jobs;
}

/**
 * Legacy jobs as an export file: JSONL, one `{ "job": … }` per line, ending with a newline.
 *
 * @example
 * ```ts
 * formatLegacyExport([{ id: 'clksrfob8000bf7of6xkscy8m', status: 'completed' }]);
 * // '{"job":{"id":"clksrfob8000bf7of6xkscy8m","status":"completed"}}\n'
 * ```
 */
export function formatLegacyExport(jobs: readonly LegacyJob[]): string {
  return jobs.map((job) => `${JSON.stringify({ job })}\n`).join('');
}

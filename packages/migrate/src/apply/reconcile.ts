import { InvalidArgumentError, type Job, type StemkitDriver } from '@stemkit/core';
import { migrationKeyOf } from '../plan/metadata.ts';

/** How far before the earliest pending intent the provider's list is still read (clock skew, slow requests). */
const SCAN_MARGIN_MS = 10 * 60 * 1000;

/**
 * Looks up the tasks of pending keys on the provider: pages through `list` (newest first) and reads the plan
 * key each task carries in its `metadata`. Paging stops once a whole page is older than the earliest intent
 * (minus a margin), so an account's long history is not read on every resume. Every task found per key is
 * returned, so duplicates would show.
 *
 * @example
 * ```ts
 * const found = await findTasksByKey(tasks, new Set(['m-3f2a…']), '2026-11-22T05:00:00.000Z');
 * found.get('m-3f2a…')?.[0]?.id;
 * ```
 */
export async function findTasksByKey(
  driver: StemkitDriver,
  keys: ReadonlySet<string> | 'all',
  since: string | undefined,
  signal?: AbortSignal,
): Promise<Map<string, Job[]>> {
  if (!driver.list) {
    throw new InvalidArgumentError(
      'driver',
      `${driver.provider} cannot list its jobs, so an interrupted apply cannot be reconciled`,
    );
  }
  const found = new Map<string, Job[]>();
  const floor = since ? Date.parse(since) - SCAN_MARGIN_MS : Number.NEGATIVE_INFINITY;
  let cursor: string | undefined;
  for (;;) {
    const page = await driver.list(
      { pageSize: 100, ...(cursor === undefined ? {} : { cursor }) },
      { signal },
    );
    for (const job of page.jobs) {
      const key = migrationKeyOf(job.metadata);
      if (key === undefined || (keys !== 'all' && !keys.has(key))) continue;
      found.set(key, [...(found.get(key) ?? []), job]);
    }
    const older = page.jobs.every((job) => job.createdAt !== undefined && Date.parse(job.createdAt) < floor);
    cursor = page.nextCursor;
    if (cursor === undefined || (page.jobs.length > 0 && older)) return found;
  }
}

import { createStemkit, type StemkitDriver } from '@stemkit/core';
import { afterEach, expect, it } from 'vitest';
import { driverFor, sampleSong, startFastEmulator } from '../helpers/emulator.ts';

// Twenty jobs waited on at once, against the emulator holding `/check/` to the documented 30 a minute: the
// client's poll coalescer keeps every wait inside one call per poll and the calls inside the budget.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A fetch that counts `/check/` calls and their answers. */
function countingChecks() {
  const checks: Array<{ at: number; status: number; ids: number }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const isCheck = new URL(request.url).pathname.endsWith('/check/');
    const ids = isCheck ? ((await request.clone().json()) as { task_ids: string[] }).task_ids.length : 0;
    const response = await globalThis.fetch(request);
    if (isCheck) checks.push({ at: Date.now(), status: response.status, ids });
    return response;
  };
  return { fetch, checks };
}

/** Separates twenty songs at once and waits on all twenty; returns the checks sent and the time taken. */
async function twentyJobs(driver: StemkitDriver) {
  const stemkit = createStemkit({ driver, wait: { initialDelayMs: 200, maxDelayMs: 2_000 } });
  const song = sampleSong(1);
  const jobs = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      stemkit.separate({ source: song, name: `song-${index}.wav`, stems: ['vocals', 'drums'] }),
    ),
  );
  const from = Date.now();
  const done = await Promise.all(jobs.map((job) => stemkit.wait(job, { timeoutMs: 120_000 })));
  return { done, elapsedMs: Date.now() - from };
}

it('twenty jobs waiting at once: no 429, and check requests within 30 a minute', async () => {
  const emulator = await startFastEmulator({ lalalChecksPerMinute: 30 });
  closers.push(() => emulator.close());
  const { fetch, checks } = countingChecks();
  const { done, elapsedMs } = await twentyJobs(driverFor(emulator, { fetch }));
  expect(done.map((job) => job.status)).toEqual(Array(20).fill('succeeded'));
  expect(checks.filter((check) => check.status === 429)).toEqual([]);
  const budget = Math.floor((elapsedMs * 30) / 60_000) + 1;
  expect(checks.length).toBeLessThanOrEqual(budget);
  // A call asks about every job waiting by then: the first poll to come takes the free slot, the rest join the next.
  expect(Math.max(...checks.map((check) => check.ids))).toBeGreaterThanOrEqual(19);
  console.info(
    `lalal: 20 jobs, coalesced: ${checks.length} /check/ calls in ${elapsedMs} ms (budget ${budget}), ids per call ${checks.map((check) => check.ids).join(',')}`,
  );
}, 180_000);

it('for comparison: the same twenty jobs polled one at a time (no coalescer) cost many more checks', async () => {
  // The emulator's limit lifted, or these polls would be refused with 429.
  const emulator = await startFastEmulator({ lalalChecksPerMinute: 100_000 });
  closers.push(() => emulator.close());
  const { fetch, checks } = countingChecks();
  const { statusMany: _left, ...driver } = driverFor(emulator, { fetch });
  const { batchedStatus: _budget, ...capabilities } = driver.capabilities;
  const { done, elapsedMs } = await twentyJobs({ ...driver, capabilities });
  expect(done.map((job) => job.status)).toEqual(Array(20).fill('succeeded'));
  expect(checks.length).toBeGreaterThanOrEqual(20);
  console.info(`lalal: 20 jobs, one at a time: ${checks.length} /check/ calls in ${elapsedMs} ms`);
}, 180_000);

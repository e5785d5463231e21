import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  createStemkit,
  type Job,
  type JobHandle,
  ProviderError,
  type StemkitDriver,
  type TargetStatus,
} from '../../src/index.ts';
import { settle } from '../support/timers.ts';

/** A driver of jobs that succeed on their `checks`-th status read, with `statusMany` under a 30-a-minute budget. */
function batchedDriver(checks: number, batched = true) {
  const reads = new Map<string, number>();
  const calls: Array<{ at: number; ids: string[] }> = [];
  const jobOf = (handle: JobHandle): Job => {
    const read = (reads.get(handle.id) ?? 0) + 1;
    reads.set(handle.id, read);
    const status: TargetStatus = read >= checks ? 'succeeded' : 'running';
    return {
      id: handle.id,
      provider: 'batched',
      status,
      targets: [{ id: `${handle.id}:0`, stem: 'vocals', formats: ['wav'], status, outputs: [], raw: null }],
      warnings: [],
      handle,
      raw: null,
    };
  };
  const driver: StemkitDriver = {
    contract: 1,
    provider: 'batched',
    capabilities: {
      stems: ['vocals'],
      formats: ['wav'],
      trial: false,
      residual: false,
      transcription: false,
      alignment: false,
      callbacks: false,
      urlInput: false,
      variants: false,
      languages: false,
      ...(batched ? { batchedStatus: { maxJobs: 200, requestsPerMinute: 30 } } : {}),
    },
    upload: async () => {
      throw new Error('not used');
    },
    start: async () => {
      throw new Error('not used');
    },
    link: async () => ({ ready: false }),
    status: async (handle) => {
      calls.push({ at: Date.now(), ids: [handle.id] });
      return { job: jobOf(handle) };
    },
    ...(batched
      ? {
          statusMany: async (handles: readonly JobHandle[]) => {
            calls.push({ at: Date.now(), ids: handles.map((handle) => handle.id) });
            return handles.map((handle) => ({ job: jobOf(handle) }));
          },
        }
      : {}),
  };
  return { driver, calls };
}

const handles = (count: number): JobHandle[] =>
  Array.from({ length: count }, (_, index) => ({ contract: 1, provider: 'batched', id: `job-${index}` }));

/** The most calls any 60 s window holds. */
function busiestMinute(calls: ReadonlyArray<{ at: number }>): number {
  return Math.max(
    0,
    ...calls.map(({ at }) => calls.filter((other) => other.at >= at && other.at < at + 60_000).length),
  );
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('twenty jobs waited on at once cost one batched status call per poll, within 30 calls a minute', async () => {
  const { driver, calls } = batchedDriver(6);
  const stemkit = createStemkit({ driver, wait: { initialDelayMs: 500, maxDelayMs: 2_000, jitter: 0.2 } });
  const { value, error } = await settle(Promise.all(handles(20).map((handle) => stemkit.wait(handle))));
  expect(error).toBeUndefined();
  expect(value?.map((job) => job.status)).toEqual(Array(20).fill('succeeded'));
  // 20 jobs × 6 reads = 120 single polls; coalesced, far fewer calls, each asking about many jobs.
  expect(calls.length).toBeLessThan(20);
  expect(busiestMinute(calls)).toBeLessThanOrEqual(30);
  expect(Math.max(...calls.map((call) => call.ids.length))).toBeGreaterThan(1);
  const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2_000);
});

it('without batchedStatus, wait polls each job on its own (the coalescer is opt-in)', async () => {
  const { driver, calls } = batchedDriver(3, false);
  const stemkit = createStemkit({ driver, wait: { initialDelayMs: 500, jitter: 0 } });
  await settle(Promise.all(handles(4).map((handle) => stemkit.wait(handle))));
  expect(calls).toHaveLength(12);
  expect(calls.every((call) => call.ids.length === 1)).toBe(true);
});

it('asks a batched call about no more jobs than maxJobs, and about a job waited on twice once', async () => {
  const { driver, calls } = batchedDriver(1);
  const limited: StemkitDriver = {
    ...driver,
    capabilities: { ...driver.capabilities, batchedStatus: { maxJobs: 3, requestsPerMinute: 600 } },
  };
  const stemkit = createStemkit({ driver: limited });
  const all = handles(7);
  const { value } = await settle(
    Promise.all([...all, all[0] as JobHandle].map((handle) => stemkit.wait(handle))),
  );
  expect(value).toHaveLength(8);
  expect(calls.map((call) => call.ids.length)).toEqual([3, 3, 1]);
});

it('a failed batched call is a failed poll for every job in it, retried by each wait', async () => {
  const { driver, calls } = batchedDriver(1);
  let failures = 1;
  const flaky: StemkitDriver = {
    ...driver,
    statusMany: async (asked) => {
      if (failures-- > 0) throw new ProviderError('check failed', { status: 503, provider: 'batched' });
      return driver.statusMany!(asked);
    },
  };
  const stemkit = createStemkit({ driver: flaky, wait: { initialDelayMs: 100, jitter: 0 } });
  const { value } = await settle(Promise.all(handles(3).map((handle) => stemkit.wait(handle))));
  expect(value?.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  expect(calls).toHaveLength(1);
});

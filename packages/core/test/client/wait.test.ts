import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  backoffDelay,
  createStemkit,
  handleToToken,
  isAbortError,
  type Job,
  JobFailedError,
  NotFoundError,
  ProviderError,
  type StemkitDriver,
  StemkitError,
  type TargetStatus,
  type WaitOptions,
  WaitTimeoutError,
} from '../../src/index.ts';
import { createMockDriver, createMockServer, type MockDriverOptions, sampleWav } from '../support/mock.ts';
import { settle } from '../support/timers.ts';

const bytes = sampleWav({ seconds: 0.05 });

/** A client over the mock driver whose status calls are timestamped (fake time). */
function setup(script: MockDriverOptions = {}, wait: WaitOptions = { jitter: 0 }) {
  const driver = createMockDriver({ retryLimit: 0, ...script });
  const polls: number[] = [];
  const timed: StemkitDriver = {
    ...driver,
    status(handle, options) {
      polls.push(Date.now());
      return driver.status(handle, options);
    },
  };
  const stemkit = createStemkit({ driver: timed, wait });
  const start = async () => {
    const job = await stemkit.separate({ source: bytes, name: 'song.wav', stems: ['vocals'] });
    return { job, startedAt: Date.now() };
  };
  const gaps = (startedAt: number) =>
    polls.map((at, index) => at - (index === 0 ? startedAt : (polls[index - 1] ?? 0)));
  return { driver, stemkit, polls, start, gaps };
}

const running = (count: number): TargetStatus[] => ['queued', ...Array<TargetStatus>(count).fill('running')];

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('wait', () => {
  it('backs off ×1.5 from 1 s to a 15 s cap', async () => {
    const { stemkit, start, gaps } = setup({ statuses: [...running(9), 'succeeded'] });
    const { job, startedAt } = await start();
    const { value } = await settle(stemkit.wait(job));
    expect(value?.status).toBe('succeeded');
    expect(gaps(startedAt)).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 11391, 15000, 15000, 15000]);
  });

  it('spreads delays by the jitter, within its bounds', () => {
    for (const random of [0, 0.25, 0.5, 0.999]) {
      const delay = backoffDelay(3, {}, () => random);
      expect(delay).toBeGreaterThanOrEqual(3375 * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual(3375 * 1.2 + 1);
    }
    expect(backoffDelay(40, {}, () => 0.999)).toBeLessThanOrEqual(15_000);
  });

  it("honours the provider's Retry-After hint over the schedule", async () => {
    const { stemkit, start, gaps } = setup({ statuses: [...running(3), 'succeeded'], retryAfterMs: 4_000 });
    const { job, startedAt } = await start();
    await settle(stemkit.wait(job));
    expect(gaps(startedAt)).toEqual([1000, 4000, 4000, 4000]);
  });

  it("honours a 429's retry-after when a poll is rate-limited", async () => {
    const { stemkit, start, gaps } = setup({
      statuses: ['queued', 'running', 'succeeded'],
      faults: { status: [{ status: 429, retryAfterSeconds: 7 }] },
    });
    const { job, startedAt } = await start();
    const { value } = await settle(stemkit.wait(job));
    expect(value?.status).toBe('succeeded');
    expect(gaps(startedAt)).toEqual([1000, 7000, 1500]);
  });

  it('floors a zero hint so polls cannot spin', async () => {
    const { stemkit, start, gaps } = setup({ statuses: [...running(2), 'succeeded'], retryAfterMs: 0 });
    const { job, startedAt } = await start();
    await settle(stemkit.wait(job), 10);
    expect(gaps(startedAt)).toEqual([1000, 100, 100]);
  });

  it('throws WaitTimeoutError carrying the handle at the deadline, after a last poll', async () => {
    const { stemkit, start, polls } = setup({ statuses: running(1) });
    const { job, startedAt } = await start();
    const { error } = await settle(stemkit.wait(job, { timeoutMs: 5_000 }));
    expect(WaitTimeoutError.isInstance(error)).toBe(true);
    expect((error as WaitTimeoutError).handle).toEqual(job.handle);
    expect(polls.at(-1)! - startedAt).toBe(5_000);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'wait-timeout', handle: job.handle });
  });

  it('uses the client-wide deadline unless the call sets its own', async () => {
    const { stemkit, start } = setup({ statuses: running(1) }, { jitter: 0, timeoutMs: 2_000 });
    const { job } = await start();
    const { error } = await settle(stemkit.wait(job));
    expect(WaitTimeoutError.isInstance(error)).toBe(true);
  });

  it('rejects with the AbortError, untouched, when aborted mid-wait, and polls no more', async () => {
    const { stemkit, start, polls } = setup({ statuses: running(1) });
    const { job } = await start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2_000);
    const { error } = await settle(stemkit.wait(job, { signal: controller.signal }));
    expect(isAbortError(error)).toBe(true);
    expect(StemkitError.isInstance(error)).toBe(false);
    const count = polls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(polls.length).toBe(count);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { stemkit, start, polls } = setup();
    const { job } = await start();
    const { error } = await settle(stemkit.wait(job, { signal: AbortSignal.abort() }));
    expect(isAbortError(error)).toBe(true);
    expect(polls).toEqual([]);
  });

  it('resumes in another client from the handle serialised to JSON or a token', async () => {
    const server = createMockServer({ statuses: ['queued', 'running', 'succeeded'] });
    const first = setup({ server });
    const { job } = await first.start();
    const saved = JSON.stringify(job.handle);

    // Another process: a new driver and client, knowing only the saved text.
    const second = setup({ server });
    const { value } = await settle(second.stemkit.wait(saved));
    expect(value?.id).toBe(job.id);
    expect(value?.status).toBe('succeeded');
    expect(second.polls.length).toBeGreaterThan(0);
    const third = setup({ server });
    const again = await settle(third.stemkit.wait(handleToToken(JSON.parse(saved))));
    expect(again.value?.id).toBe(job.id);
    expect(server.requests.filter((request) => request.operation === 'start')).toHaveLength(1);
  });

  it('retries transient poll failures with backoff and never restarts the job', async () => {
    const { stemkit, start, driver } = setup({
      statuses: ['queued', 'running', 'succeeded'],
      faults: { status: [503, 'network', 500, 502, 408] },
    });
    const { job } = await start();
    const { value } = await settle(stemkit.wait(job));
    expect(value?.status).toBe('succeeded');
    const operations = driver.server.requests.map((request) => request.operation);
    expect(operations.filter((operation) => operation === 'start')).toHaveLength(1);
    expect(operations.filter((operation) => operation === 'upload')).toHaveLength(1);
    expect(operations.filter((operation) => operation === 'status')).toHaveLength(7);
  });

  it('surfaces the last transient failure after maxPollFailures in a row', async () => {
    const { stemkit, start } = setup({ faults: { status: [500, 500, 500, 500] } });
    const { job } = await start();
    const { error } = await settle(stemkit.wait(job, { maxPollFailures: 2 }));
    expect(ProviderError.isInstance(error) && error.status).toBe(500);
  });

  it('surfaces an auth error at once', async () => {
    const { stemkit, start, polls } = setup({ faults: { status: [401, 401] } });
    const { job } = await start();
    const { error } = await settle(stemkit.wait(job));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(polls).toHaveLength(1);
  });

  it('tolerates a few 404s (eventual consistency), then surfaces NotFoundError', async () => {
    const tolerated = setup({ statuses: ['queued', 'succeeded'], faults: { status: [404, 404, 404] } });
    const { job } = await tolerated.start();
    expect((await settle(tolerated.stemkit.wait(job))).value?.status).toBe('succeeded');

    const gone = setup({ faults: { status: [404, 404, 404, 404] } });
    const started = await gone.start();
    const { error } = await settle(gone.stemkit.wait(started.job));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(gone.polls).toHaveLength(4);
  });

  it("throws JobFailedError with the provider's code and message when every target failed", async () => {
    const { stemkit, start } = setup({
      statuses: ['queued', 'failed'],
      failure: { code: 'E_DECODE', message: 'could not decode the source' },
    });
    const { job } = await start();
    const { error } = await settle(stemkit.wait(job));
    expect(JobFailedError.isInstance(error)).toBe(true);
    const failed = error as JobFailedError;
    expect(failed.failure).toEqual({ code: 'E_DECODE', message: 'could not decode the source' });
    expect(failed.handle).toEqual(job.handle);
    expect(failed.job?.status).toBe('failed');
    expect(JSON.stringify(failed)).not.toContain('"job"');
  });

  it('resolves partial success and leaves the failed targets to the caller', async () => {
    const { stemkit, driver } = setup({ stemStatuses: { drums: ['queued', 'failed'] } });
    const job = await stemkit.separate({ source: bytes, stems: ['vocals', 'drums'] });
    const { value } = await settle(stemkit.wait(job));
    expect(value?.status).toBe('partial');
    expect(value?.targets.find((target) => target.stem === 'drums')?.status).toBe('failed');
    expect(driver.server.requests.some((request) => request.operation === 'start')).toBe(true);
  });

  it('resolves a canceled job', async () => {
    const { stemkit, start } = setup({ statuses: running(1) });
    const { job } = await start();
    await stemkit.cancel(job);
    const { value } = await settle(stemkit.wait(job.handle));
    expect(value?.status).toBe('canceled');
  });

  it('reports every poll to onProgress and returns a terminal job without polling', async () => {
    const { stemkit, start, polls } = setup({ statuses: ['queued', 'running', 'succeeded'] });
    const { job } = await start();
    const seen: Job[] = [];
    const { value } = await settle(stemkit.wait(job, { onProgress: (each) => seen.push(each) }));
    expect(seen.map((each) => each.status)).toEqual(['running', 'succeeded']);
    const count = polls.length;
    expect(await stemkit.wait(value as Job)).toBe(value);
    expect(polls.length).toBe(count);
  });
});

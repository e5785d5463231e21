import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CallbackHint,
  createCallbackReceiver,
  createStemkit,
  type Job,
  type JobStatus,
  RateLimitError,
  type StemkitDriver,
  UnsupportedCapabilityError,
} from '../../src/index.ts';
import { createMockDriver, type MockDriverOptions, sampleWav } from '../support/mock.ts';
import { settle } from '../support/timers.ts';

const bytes = sampleWav({ seconds: 0.05 });
/** Polls an hour apart: anything sooner was a callback's doing. */
const slow = { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000, jitter: 0 };

/**
 * A client whose status requests are counted, over a mock provider following `script`; its callbacks claim
 * the status their `event` names, when it is one.
 */
function setup(script: MockDriverOptions = {}) {
  const driver = createMockDriver({ retryLimit: 0, ...script });
  const polls: number[] = [];
  const counted: StemkitDriver = {
    ...driver,
    status(handle, options) {
      polls.push(Date.now());
      return driver.status(handle, options);
    },
    parseCallback(request) {
      const hint = driver.parseCallback?.(request) as CallbackHint;
      const claimed = ['queued', 'running', 'succeeded', 'failed'].find((status) => status === hint.event);
      return { ...hint, ...(claimed ? { claimedStatus: claimed as JobStatus } : {}) };
    },
  };
  const stemkit = createStemkit({ driver: counted, wait: slow });
  const start = () => stemkit.separate({ source: bytes, name: 'song.wav', stems: ['vocals'] });
  const post = (job: Job, body: unknown = driver.server.callbackFor(job.id).body, method = 'POST') =>
    new Request('https://app.test/stemkit/callbacks', {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  return { driver, stemkit, polls, start, post };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('stemkit.callbacks.wake', () => {
  it('brings the next poll of a wait forward, and resolves with what that poll read', async () => {
    vi.useFakeTimers();
    const { stemkit, polls, start } = setup({ statuses: ['queued', 'running', 'succeeded'] });
    const job = await start();
    const started = Date.now();
    const waiting = stemkit.wait(job);
    await vi.advanceTimersByTimeAsync(1_000);
    const woken = stemkit.callbacks.wake(job.handle);
    await vi.advanceTimersByTimeAsync(300);
    expect((await woken)?.status).toBe('running');
    expect(polls.map((at) => at - started)).toEqual([1_250]);
    void stemkit.callbacks.wake(job);
    const { value } = await settle(waiting);
    expect(value?.status).toBe('succeeded');
    expect(polls.map((at) => at - started)).toEqual([1_250, 1_550]);
  });

  it('answers a burst of wakes with one poll', async () => {
    vi.useFakeTimers();
    const { stemkit, polls, start } = setup({ statuses: ['queued', 'running', 'succeeded'] });
    const job = await start();
    const waiting = stemkit.wait(job);
    await vi.advanceTimersByTimeAsync(500);
    const wakes = [stemkit.callbacks.wake(job)];
    await vi.advanceTimersByTimeAsync(100);
    wakes.push(stemkit.callbacks.wake(job), stemkit.callbacks.wake(job));
    await vi.advanceTimersByTimeAsync(300);
    expect((await Promise.all(wakes)).map((each) => each?.status)).toEqual(['running', 'running', 'running']);
    expect(polls).toHaveLength(1);
    void waiting.catch(() => undefined);
  });

  it('is kept for a wait that starts later, which then polls at once', async () => {
    vi.useFakeTimers();
    const { stemkit, polls, start } = setup({ statuses: ['queued', 'succeeded'] });
    const job = await start();
    expect(await stemkit.callbacks.wake(job)).toBeUndefined();
    const started = Date.now();
    const { value } = await settle(stemkit.wait(job));
    expect(value?.status).toBe('succeeded');
    expect(polls.map((at) => at - started)).toEqual([250]);
  });
});

describe('createCallbackReceiver', () => {
  it('wakes the wait on the job a callback names: one status request for the whole wait', async () => {
    const { stemkit, polls, start, post } = setup({ statuses: ['queued', 'succeeded'] });
    const receive = createCallbackReceiver(stemkit);
    const job = await start();
    const waiting = stemkit.wait(job);
    const response = await receive(post(job));
    expect(response.status).toBe(204);
    expect((await waiting).status).toBe('succeeded');
    expect(polls).toHaveLength(1);
  });

  it('spends nothing on a callback that only claims the job is still running', async () => {
    const { stemkit, polls, start, post } = setup({ statuses: ['queued', 'running', 'succeeded'] });
    const receive = createCallbackReceiver(stemkit);
    const job = await start();
    const waiting = stemkit.wait(job);
    const still = { event: 'running', job: { id: job.id } };
    expect((await receive(post(job, still))).status).toBe(204);
    expect(polls).toHaveLength(0);
    // A claim of the end wakes the wait, whose poll decides: not yet, then done.
    const done = { event: 'succeeded', job: { id: job.id } };
    expect((await receive(post(job, done))).status).toBe(204);
    expect(polls).toHaveLength(1);
    expect((await receive(post(job, done))).status).toBe(204);
    expect((await waiting).status).toBe('succeeded');
    expect(polls).toHaveLength(2);
  });

  it('tells onJob of each confirmed change once: repeats, replays and forgeries change nothing', async () => {
    const { stemkit, driver, polls, start, post } = setup({ statuses: ['queued', 'running', 'succeeded'] });
    const told: string[] = [];
    const receive = createCallbackReceiver(stemkit, { onJob: (job) => void told.push(job.status) });
    const job = await start();
    // Nobody waits: the receiver asks the provider itself.
    expect((await receive(post(job))).status).toBe(204);
    expect((await receive(post(job))).status).toBe(204);
    expect(told).toEqual(['running', 'succeeded']);
    // Replays of a finished job cost nothing.
    for (let index = 0; index < 5; index++) expect((await receive(post(job))).status).toBe(204);
    expect(polls).toHaveLength(2);
    // A job nobody has: accepted as a hint, refused by the provider, told to nobody.
    const forged = {
      ...driver.server.callbackFor('job_404'),
      body: { event: 'done', job: { id: 'job_404' } },
    };
    expect((await receive(post(job, forged.body))).status).toBe(204);
    expect(told).toEqual(['running', 'succeeded']);
    expect((await stemkit.get(job)).status).toBe('succeeded');
  });

  it('answers 500 when onJob fails, so the provider sends the callback again, and tells it then', async () => {
    const { stemkit, start, post } = setup({ statuses: ['queued', 'succeeded'] });
    let fail = true;
    const told: string[] = [];
    const receive = createCallbackReceiver(stemkit, {
      onJob: (job) => {
        if (fail) throw new Error('database down: secret-canary');
        told.push(job.status);
      },
    });
    const job = await start();
    const first = await receive(post(job));
    expect(first.status).toBe(500);
    expect(await first.text()).not.toContain('secret-canary');
    fail = false;
    expect((await receive(post(job))).status).toBe(204);
    expect(told).toEqual(['succeeded']);
  });

  it('refuses what is not a callback of its provider, without saying more', async () => {
    const { stemkit, start, post } = setup();
    const receive = createCallbackReceiver(stemkit, { maxBodyBytes: 1_000 });
    const job = await start();
    const answers = [
      await receive(post(job, '{not json')),
      await receive(post(job, { hello: 'world' })),
      await receive(post(job, '')),
      await receive(post(job, { job: { id: 'x'.repeat(2_000) } })),
      await receive(post(job, undefined, 'GET')),
    ];
    expect(answers.map((each) => each.status)).toEqual([400, 400, 400, 413, 405]);
    expect(await answers[0]?.json()).toEqual({ message: 'not a callback from mock' });
  });

  it('#26 confirms with one request and no transport retry; a provider answering 429 gets a 503 to resend', async () => {
    const { driver, start, post } = setup({ statuses: ['queued', 'succeeded'] });
    const options: unknown[] = [];
    let busy = true;
    const limited: StemkitDriver = {
      ...driver,
      status(handle, callOptions) {
        options.push(callOptions);
        if (busy) throw new RateLimitError('slow down', { retryAfterMs: 2_500 });
        return driver.status(handle, callOptions);
      },
    };
    const client = createStemkit({ driver: limited, wait: slow });
    const told: string[] = [];
    const receive = createCallbackReceiver(client, { onJob: (job) => void told.push(job.status) });
    const job = await start();
    const first = await receive(post(job));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(options).toEqual([expect.objectContaining({ retry: false })]);
    // The provider's resend is the retry.
    busy = false;
    expect((await receive(post(job))).status).toBe(204);
    expect(told).toEqual(['succeeded']);
    expect(options).toHaveLength(2);
  });

  it('needs a driver that reads callbacks', () => {
    const stemkit = createStemkit({ driver: createMockDriver({ features: { callbacks: false } }) });
    expect(() => createCallbackReceiver(stemkit)).toThrow(UnsupportedCapabilityError);
  });
});

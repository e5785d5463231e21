import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import {
  type Asset,
  createStemkit,
  type Job,
  type Stemkit,
  type StemkitDriver,
  StemkitError,
} from '@stemkit/core';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerRecipe,
  createFuzzFetch,
  createRecorder,
  type RecordedAnswer,
} from './support/fuzz-provider.ts';

// Whatever a provider answers and whatever a caller passes, only stemkit's typed errors (or the caller's own
// abort) come out: never a TypeError, RangeError or SyntaxError.
const SEED = Number(process.env.STEMKIT_FUZZ_SEED ?? 20_261_122);
const RUNS_PER_DRIVER = Number(process.env.STEMKIT_FUZZ_RUNS ?? 60);
const OPERATION_LIMIT_MS = 3_000;

type DriverName = 'sourcere' | 'legacy' | 'tasks';
interface Recorded {
  answers: Map<string, RecordedAnswer[]>;
  job: Job;
  output: Asset;
}

let emulator: RunningEmulator;
const recorded = new Map<DriverName, Recorded>();

function createDriver(name: DriverName, fetch: typeof globalThis.fetch): StemkitDriver {
  const transport = { fetch, retryLimit: 1, timeoutMs: 1_000 };
  switch (name) {
    case 'sourcere':
      return sourcere({
        ...transport,
        baseUrl: emulator.sourcere.baseUrl,
        username: emulator.sourcere.username,
        password: emulator.sourcere.password,
      });
    case 'legacy':
      return audioshakeLegacy({
        ...transport,
        baseUrl: emulator.legacy.baseUrl,
        token: emulator.legacy.token,
      });
    case 'tasks':
      return audioshakeTasks({
        ...transport,
        baseUrl: emulator.tasks.baseUrl,
        apiKey: emulator.tasks.apiKey,
      });
  }
}

const stemsOf = (name: DriverName) =>
  name === 'sourcere' ? ['vocals', 'instrumental'] : ['vocals', 'drums'];

/** Every operation a driver offers, through the client (and the driver-only `usage`). */
async function operations(name: DriverName, stemkit: Stemkit, driver: StemkitDriver, known: Recorded) {
  const source = sampleWav({ seconds: 0.2 });
  const calls: Array<(signal: AbortSignal) => Promise<unknown>> = [
    (signal) => stemkit.upload(source, { name: 'tone.wav', signal }),
    async (signal) => {
      const job = await stemkit.separate({ source, stems: stemsOf(name), signal });
      await stemkit.get(job, { signal });
      const output = job.targets[0]?.outputs[0];
      if (output) await readAll(stemkit, output, signal);
    },
    (signal) => stemkit.get(known.job.handle, { signal }),
    (signal) => stemkit.wait(known.job.handle, { signal, timeoutMs: 200, initialDelayMs: 0, maxDelayMs: 10 }),
    (signal) => readAll(stemkit, known.output, signal, known.job),
    async (signal) => {
      for await (const job of stemkit.list({ pageSize: 2, signal })) if (job.id === '') break;
    },
    (signal) => stemkit.mix(known.job.handle, { tracks: [{ stem: 'vocals', volume: 0.5, pan: 0 }], signal }),
    (signal) => stemkit.zip(known.job.handle, { stems: ['vocals'], format: 'wav', signal }),
    (signal) => stemkit.cancel(known.job.handle, { signal }),
  ];
  if ('usage' in driver && typeof driver.usage === 'function') {
    const usage = driver.usage as (options: { signal: AbortSignal }) => Promise<unknown>;
    calls.push((signal) => usage({ signal }));
  }
  return calls;
}

async function readAll(stemkit: Stemkit, asset: Asset, signal: AbortSignal, job?: Job) {
  const { body } = await stemkit.download(asset, { signal, ...(job ? { job: job.handle } : {}) });
  await new Response(body).arrayBuffer();
}

/** The error is one stemkit promises: typed, or the abort the caller asked for. */
function unexpected(error: unknown, signal: AbortSignal): string | undefined {
  if (StemkitError.isInstance(error)) return undefined;
  if (signal.aborted && error instanceof Error && ['AbortError', 'TimeoutError'].includes(error.name))
    return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
}

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 1_000 }, tasksRateLimit: 1_000_000 });
  // The provider's real answers to every endpoint, to break field by field.
  for (const name of ['sourcere', 'legacy', 'tasks'] as const) {
    const recorder = createRecorder(globalThis.fetch);
    const driver = createDriver(name, recorder.fetch);
    const stemkit = createStemkit({ driver, wait: { initialDelayMs: 10, maxDelayMs: 100 } });
    const job = await stemkit.wait(
      await stemkit.separate({ source: sampleWav({ seconds: 0.3 }), stems: stemsOf(name) }),
    );
    const output = job.targets[0]?.outputs[0] as Asset;
    await readAll(stemkit, output, AbortSignal.timeout(10_000));
    if (name === 'sourcere') {
      await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 0.5, pan: 0 }] });
      await stemkit.zip(job, { stems: ['vocals'], format: 'wav' });
    }
    if (name === 'tasks')
      for await (const listed of stemkit.list({ pageSize: 2 })) if (listed.id === '') break;
    if ('usage' in driver && typeof driver.usage === 'function')
      await (driver.usage as () => Promise<unknown>)();
    recorded.set(name, { answers: recorder.answers, job, output });
  }
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

describe.each(['sourcere', 'legacy', 'tasks'] as const)('fuzzing %s', (name) => {
  it('random and malformed answers from every endpoint give typed errors only', {
    timeout: 120_000,
  }, async () => {
    const known = recorded.get(name) as Recorded;
    expect(known.answers.size).toBeGreaterThan(3);
    let outcomes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(answerRecipe, { minLength: 1, maxLength: 12 }), async (recipes) => {
        const driver = createDriver(name, createFuzzFetch(known.answers, recipes));
        const stemkit = createStemkit({
          driver,
          wait: { initialDelayMs: 0, maxDelayMs: 5, maxPollFailures: 2 },
        });
        for (const call of await operations(name, stemkit, driver, known)) {
          const signal = AbortSignal.timeout(OPERATION_LIMIT_MS);
          const problem = await call(signal).then(
            () => undefined,
            (error: unknown) => unexpected(error, signal),
          );
          outcomes += 1;
          if (problem) throw new Error(problem);
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_DRIVER, endOnFailure: true },
    );
    expect(outcomes).toBeGreaterThanOrEqual(RUNS_PER_DRIVER * 8);
  });

  it('random callback bodies give typed errors only', async () => {
    const known = recorded.get(name) as Recorded;
    const stemkit = createStemkit({
      driver: createDriver(name, createFuzzFetch(known.answers, [{ kind: 'network-error' }])),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything(), fc.string()), async (body) => {
        const signal = new AbortController().signal;
        const problem = await stemkit.callbacks.parse({ headers: new Headers(), body }).then(
          () => undefined,
          (error: unknown) => unexpected(error, signal),
        );
        if (problem) throw new Error(problem);
        const asRequest = new Request('http://127.0.0.1/hook', {
          method: 'POST',
          body: typeof body === 'string' ? body : (JSON.stringify(body) ?? ''),
        });
        const fromRequest = await stemkit.callbacks.parse(asRequest).then(
          () => undefined,
          (error: unknown) => unexpected(error, signal),
        );
        if (fromRequest) throw new Error(fromRequest);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit, handleToToken, readHandle, type Stemkit, StemkitError } from '@stemkit/core';
import { sourcere } from '@stemkit/sourcere';
import { createMockDriver } from '@stemkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Random arguments to every public function a caller reaches: only typed errors come out.
const SEED = Number(process.env.STEMKIT_FUZZ_SEED ?? 20_261_122);
const argument = fc.oneof(
  fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withTypedArray: true,
  }),
  fc.record({ source: fc.anything(), stems: fc.anything(), formats: fc.anything(), targets: fc.anything() }),
  fc.record({ contract: fc.anything(), provider: fc.anything(), id: fc.anything(), parts: fc.anything() }),
  fc.record({
    id: fc.anything(),
    name: fc.anything(),
    format: fc.anything(),
    role: fc.anything(),
    url: fc.anything(),
  }),
);

async function typedOnly(call: () => unknown): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (StemkitError.isInstance(error)) return undefined;
    return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
  }
}

// The calls never reach a provider: a refused fetch makes any that slips through a typed ConnectionError.
const refusingFetch = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;

const clients: Record<string, () => Stemkit> = {
  sourcere: () =>
    createStemkit({
      driver: sourcere({ username: 'user', password: 'secret', fetch: refusingFetch, retryLimit: 0 }),
    }),
  legacy: () =>
    createStemkit({ driver: audioshakeLegacy({ token: 'token', fetch: refusingFetch, retryLimit: 0 }) }),
  tasks: () =>
    createStemkit({ driver: audioshakeTasks({ apiKey: 'key', fetch: refusingFetch, retryLimit: 0 }) }),
  mock: () => createStemkit({ driver: createMockDriver() }),
};

describe.each(Object.keys(clients))('random arguments to the %s client', (name) => {
  it('every method rejects them with a typed error', { timeout: 60_000 }, async () => {
    const stemkit = (clients[name] as () => Stemkit)();
    const methods: Array<(first: unknown, second: unknown) => unknown> = [
      (first, second) => stemkit.upload(first as never, second as never),
      (first) => stemkit.separate(first as never),
      (first, second) => stemkit.get(first as never, second as never),
      (first) => stemkit.wait(first as never, { timeoutMs: 50, initialDelayMs: 0, maxPollFailures: 1 }),
      (first, second) => stemkit.download(first as never, second as never),
      (first, second) => stemkit.mix(first as never, second as never),
      (first, second) => stemkit.zip(first as never, second as never),
      async (first) => {
        for await (const job of stemkit.list(first as never)) if (job) break;
      },
      (first, second) => stemkit.cancel(first as never, second as never),
      (first) => stemkit.callbacks.parse(first as never),
      (first) => handleToToken(first as never),
      (first) => readHandle(first),
    ];
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(argument, argument, async (first, second) => {
        for (const method of methods) {
          const problem = await typedOnly(() => method(first, second));
          calls += 1;
          if (problem) throw new Error(problem);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(calls).toBe(150 * methods.length);
  });
});

describe('random options to every driver and to createStemkit', () => {
  it('are refused with typed errors', async () => {
    const factories: Array<(options: unknown) => unknown> = [
      (options) => sourcere(options as never),
      (options) => audioshakeLegacy(options as never),
      (options) => audioshakeTasks(options as never),
      (options) => createStemkit(options as never),
    ];
    await fc.assert(
      fc.asyncProperty(argument, async (options) => {
        for (const factory of factories) {
          const problem = await typedOnly(() => factory(options));
          if (problem) throw new Error(problem);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

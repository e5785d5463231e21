import type { StemkitDriver } from '@stemkit/core/driver';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import {
  type ConformanceCheck,
  ConformanceFailure,
  conformanceChecks,
  createConformanceContext,
  createFaultyFetch,
  sampleWav,
} from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elevenlabs } from '../src/index.ts';

// The conformance checks that speak the inline and ephemeral words, against the emulator over loopback, and each
// shown failing on a planted broken driver. (The suite's upload, link and fault checks still assume a separate
// upload step and links: see docs/providers/elevenlabs.md.)

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
});
afterAll(() => emulator.close());

const fast = { jobTimeoutMs: 20_000, streamingGraceMs: 2_000, abortGraceMs: 2_000 };

function checkNamed(fragment: string): ConformanceCheck {
  const found = conformanceChecks.find((each) => each.name.includes(fragment));
  if (!found) throw new Error(`no check named like "${fragment}"`);
  return found;
}

function harness(wrap: (driver: StemkitDriver) => StemkitDriver = (driver) => driver) {
  const apiOrigin = new URL(emulator.elevenlabs.baseUrl).origin;
  const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.origin === apiOrigin });
  const make = (apiKey = emulator.elevenlabs.apiKey) =>
    wrap(elevenlabs({ baseUrl: emulator.elevenlabs.baseUrl, apiKey, fetch: faulty.fetch, retryLimit: 1 }));
  return {
    driver: make(),
    freshDriver: () => make(),
    driverWithBadCredentials: () => make('not-the-key'),
    driverForUnreachableHost: () => elevenlabs({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', retryLimit: 0 }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio: () => ({ bytes: sampleWav({ seconds: 0.5 }), name: 'sample.wav', contentType: 'audio/wav' }),
    request: { stems: ['vocals', 'drums'], format: 'mp3' },
    // The emulator is the suite's, closed in afterAll.
    close: async () => undefined,
  };
}

async function run(fragment: string, wrap?: (driver: StemkitDriver) => StemkitDriver): Promise<unknown> {
  try {
    await checkNamed(fragment).run(createConformanceContext(harness(wrap), fast));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('elevenlabs conformance (inline and ephemeral words)', () => {
  for (const fragment of ['declares contract 1', 'an inline job', 'JSON-serialisable handle'])
    it(`passes: ${fragment}`, async () => {
      expect(await run(fragment)).toBeUndefined();
    });

  it('catches a planted driver that collects the whole source before its one request', async () => {
    const error = await run('an inline job', (driver) => ({
      ...driver,
      async start(request, options) {
        if (!('upload' in request.source)) return driver.start(request, options);
        const bytes = await new Response(request.source.upload.body).arrayBuffer();
        const upload = { ...request.source.upload, body: new Blob([bytes]).stream() };
        return driver.start({ ...request, source: { upload } }, options);
      },
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/read the whole source/);
  });

  it('catches a planted driver that keeps its outputs outside the local store', async () => {
    const error = await run('an inline job', (driver) => ({
      ...driver,
      start: (request, options) => driver.start(request, { ...options, localStore: undefined }),
    }));
    expect(String(error)).toMatch(/localStore|not in the local store/);
  });

  it('catches a planted ephemeral driver whose handle hangs in another process', async () => {
    const error = await run('JSON-serialisable handle', (driver) => ({
      ...driver,
      status: (handle, options) =>
        driver.status(handle, options).catch(() => new Promise<never>(() => undefined)),
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/did not settle/);
  });
});

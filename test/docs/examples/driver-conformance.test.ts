// The example driver under the shared conformance suite (one vitest test per check), wired to an in-memory
// Tinystems API through the faulty fetch the suite injects failures with; then the metered wrapper around it.
import { createStemkit } from '@stemkit/core';
import { type StemkitDriver, UnsupportedCapabilityError } from '@stemkit/core/driver';
import {
  type ConformanceHarness,
  createFaultyFetch,
  describeDriverConformance,
  sampleWav,
} from '@stemkit/testing';
import { describe, expect, it } from 'vitest';
import { createTinystemsApi, TINYSTEMS_KEY } from '../support/tinystems-api.ts';
import { metered } from './metered-driver.ts';
import { tinystems } from './tinystems.ts';

function harness(wrap: (driver: StemkitDriver) => StemkitDriver = (driver) => driver): ConformanceHarness {
  const api = createTinystemsApi();
  const faulty = createFaultyFetch(api.fetch, { isApiRequest: api.isApiRequest });
  const driver = (options: Parameters<typeof tinystems>[0] = {}) =>
    wrap(tinystems({ apiKey: TINYSTEMS_KEY, fetch: faulty.fetch, retryLimit: 1, ...options }));
  return {
    driver: driver(),
    driverWithBadCredentials: () => driver({ apiKey: 'wrong-key' }),
    driverForUnreachableHost: () => driver({ baseUrl: 'https://unreachable.tinystems.example/v1/' }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink() {
      api.expireLinks();
      faulty.expireNextLink();
    },
    sampleAudio: () => ({
      bytes: sampleWav({ seconds: 0.25 }),
      name: 'sample.wav',
      contentType: 'audio/wav',
    }),
    request: { stems: ['vocals', 'accompaniment'], format: 'wav' },
    // Within the capabilities, refused by the provider: `validate` must catch it before the upload.
    rejectedRequest: { stems: ['accompaniment', 'drums'], format: 'wav' },
    close: async () => undefined,
  };
}

describeDriverConformance('tinystems', () => harness());
describeDriverConformance('metered tinystems', () => harness(metered));

describe('the tinystems driver', () => {
  it('separates real audio through the client, and refuses a mix of models before uploading', async () => {
    const api = createTinystemsApi();
    const stemkit = createStemkit({ driver: tinystems({ apiKey: TINYSTEMS_KEY, fetch: api.fetch }) });
    const refused = await stemkit
      .separate({ source: sampleWav({ seconds: 0.5 }), stems: ['accompaniment', 'bass'] })
      .catch((error: unknown) => error);
    expect(UnsupportedCapabilityError.isInstance(refused)).toBe(true);

    const job = await stemkit.wait(
      await stemkit.separate({ source: sampleWav({ seconds: 0.5 }), stems: ['vocals', 'drums'] }),
      { initialDelayMs: 1 },
    );
    const vocals = await stemkit.download(job.targets[0]!.outputs[0]!);
    const bytes = new Uint8Array(await new Response(vocals.body).arrayBuffer());
    expect(job.status).toBe('succeeded');
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(api.splitsStarted()).toBe(1);
  });

  it('reads its key from TINYSTEMS_API_KEY, and names the variable when it is missing', () => {
    expect(() => tinystems({}).capabilities).toThrow(/apiKey.*TINYSTEMS_API_KEY/);
    process.env.TINYSTEMS_API_KEY = TINYSTEMS_KEY;
    try {
      expect(tinystems().provider).toBe('tinystems');
    } finally {
      delete process.env.TINYSTEMS_API_KEY;
    }
  });
});

it('the metered wrapper counts one provider operation per call', async () => {
  const driver = metered(harness().driver);
  const song = sampleWav({ seconds: 0.1 });
  await driver.upload({ body: new Blob([song]).stream(), name: 'song.wav', size: song.byteLength });
  expect(Object.fromEntries(driver.calls)).toEqual({ upload: 1 });
  expect(driver.validate).toBeTypeOf('function');
});

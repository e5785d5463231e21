import { type StemkitDriver, signStandardWebhook } from '@stemkit/core/driver';
import type { ConformanceHarness } from '../conformance/harness.ts';
import { createFaultyFetch } from '../faulty-fetch.ts';
import { sampleWav } from '../sample.ts';
import { createMockDriver, type MockDriverOptions } from './driver.ts';
import { createMockServer } from './server.ts';

/**
 * The conformance harness of the mock driver: a worked example for driver packages, and what the suite's own
 * tests run. `wrap` lets a test swap in a deliberately broken driver around the mock one.
 *
 * @example
 * ```ts
 * describeDriverConformance('mock', () => createMockHarness());
 * ```
 */
export function createMockHarness(
  options: MockDriverOptions & Partial<Pick<ConformanceHarness, 'request' | 'rejectedRequest'>> = {},
  wrap: (driver: StemkitDriver) => StemkitDriver = (driver) => driver,
): ConformanceHarness {
  const server = createMockServer(options);
  const faulty = createFaultyFetch(server.fetch, { isApiRequest: server.isApiRequest });
  const driverWith = (overrides: MockDriverOptions) =>
    wrap(createMockDriver({ ...options, server, fetch: faulty.fetch, ...overrides }));
  return {
    driver: driverWith({}),
    driverWithBadCredentials: () => driverWith({ apiKey: 'wrong-mock-key' }),
    driverForUnreachableHost: () => driverWith({ baseUrl: 'https://unreachable.mock.stemkit.test/v1/' }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink() {
      // The in-memory provider really expires what it issued; the faulty fetch makes the next GET say so.
      server.expireLinks();
      faulty.expireNextLink();
    },
    sampleAudio: () => ({
      bytes: sampleWav({ seconds: 0.25 }),
      name: 'sample.wav',
      contentType: 'audio/wav',
    }),
    request: options.request ?? { stems: ['vocals', 'instrumental'], format: 'wav' },
    rejectedRequest: options.rejectedRequest,
    ...(options.webhookSecret ? { signCallback: signedBy(options.webhookSecret) } : {}),
    close: async () => undefined,
  };
}

/** Signs mock callbacks as a Standard Webhooks provider would, with `secret`. */
function signedBy(secret: string): NonNullable<ConformanceHarness['signCallback']> {
  return async (jobId, timestampSeconds) => {
    const rawBody = JSON.stringify({ event: 'job.updated', job: { id: jobId } });
    const id = `msg_${timestampSeconds}`;
    const signature = await signStandardWebhook(id, timestampSeconds, rawBody, secret);
    const headers = new Headers({
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': `v1,${signature}`,
    });
    return { headers, rawBody };
  };
}

import { createFaultyFetch, describeDriverConformance, sampleWav } from '@stemkit/testing';
import { driverFor, startFastEmulator } from './helpers/emulator.ts';

// The conformance suite every stemkit driver passes, against the emulator over loopback; with the idempotent
// start and batched status checks, which this driver is the first to declare.

describeDriverConformance(
  'lalal',
  async () => {
    const emulator = await startFastEmulator();
    const apiOrigin = new URL(emulator.lalal.baseUrl).origin;
    const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.origin === apiOrigin });
    // A high check budget here: the suite reads statuses far more often than an app (the 30-a-minute default is
    // exercised by the twenty-jobs test).
    const options = { fetch: faulty.fetch, retryLimit: 2, checksPerMinute: 6_000 };
    return {
      driver: driverFor(emulator, options),
      driverWithBadCredentials: () => driverFor(emulator, { ...options, licenseKey: 'not-the-key' }),
      driverForUnreachableHost: () =>
        driverFor(emulator, { baseUrl: 'http://127.0.0.1:9/lalal/api/v1/', retryLimit: 2 }),
      failNextRequests: faulty.failNextRequests,
      expireNextLink: faulty.expireNextLink,
      sampleAudio: () => ({ bytes: sampleWav(), name: 'sample.wav', contentType: 'audio/wav' }),
      request: { stems: ['vocals', 'drums'], format: 'wav' },
      // Eleven targets: more than a job takes (the handle's share of one `/check/`).
      rejectedRequest: {
        stems: [
          'vocals',
          'drums',
          'bass',
          'piano',
          'electric_guitar',
          'acoustic_guitar',
          'synthesizer',
          'strings',
          'wind',
          'music',
          'voice',
        ],
        format: 'wav',
      },
      close: () => emulator.close(),
    };
  },
  { jobTimeoutMs: 30_000 },
);

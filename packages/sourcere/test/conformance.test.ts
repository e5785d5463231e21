import { createFaultyFetch, describeDriverConformance, sampleWav } from '@stemkit/testing';
import { driverFor, startFastEmulator } from './helpers/emulator.ts';

// The conformance suite every stemkit driver passes, against the emulator over loopback.

describeDriverConformance('sourcere', async () => {
  const emulator = await startFastEmulator();
  const apiOrigin = new URL(emulator.sourcere.baseUrl).origin;
  const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.origin === apiOrigin });
  // Transport retries on, as users run the driver; two keep the injected-failure checks quick.
  const options = { fetch: faulty.fetch, retryLimit: 2 };
  return {
    driver: driverFor(emulator, options),
    driverWithBadCredentials: () => driverFor(emulator, { ...options, password: 'not-the-password' }),
    driverForUnreachableHost: () =>
      driverFor(emulator, { baseUrl: 'http://127.0.0.1:9/sourcere', retryLimit: 2 }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio: () => ({ bytes: sampleWav(), name: 'sample.wav', contentType: 'audio/wav' }),
    request: { stems: ['vocals', 'instrumental'], format: 'wav' },
    // Two algorithms: refused by `validate` before the upload.
    rejectedRequest: { stems: ['instrumental', 'drums'], format: 'wav' },
    close: () => emulator.close(),
  };
});

import { createFaultyFetch, describeDriverConformance, sampleWav } from '@stemkit/testing';
import { driverFor, startFastEmulator } from './helpers/emulator.ts';

// The conformance suite every stemkit driver passes, against the emulator over loopback.

describeDriverConformance('sourcere', async () => {
  const emulator = await startFastEmulator();
  const apiOrigin = new URL(emulator.sourcere.baseUrl).origin;
  const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: (url) => url.origin === apiOrigin });
  // Transport retries off: with retries on, ky sends each attempt a clone of the request, and the faulty fetch
  // awaits the cancel of that tee'd body, which never settles (reported to @stemkit/testing). Retries are
  // covered by the end-to-end suite.
  const options = { fetch: faulty.fetch, retryLimit: 0 };
  return {
    driver: driverFor(emulator, options),
    driverWithBadCredentials: () => driverFor(emulator, { ...options, password: 'not-the-password' }),
    driverForUnreachableHost: () =>
      driverFor(emulator, { baseUrl: 'http://127.0.0.1:9/sourcere', retryLimit: 0 }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio: () => ({ bytes: sampleWav(), name: 'sample.wav', contentType: 'audio/wav' }),
    request: { stems: ['vocals', 'instrumental'], format: 'wav' },
    // Two algorithms: refused by `validate` before the upload.
    rejectedRequest: { stems: ['instrumental', 'drums'], format: 'wav' },
    close: () => emulator.close(),
  };
});

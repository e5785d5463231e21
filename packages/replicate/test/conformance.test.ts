import { signStandardWebhook } from '@stemkit/core/driver';
import { createFaultyFetch, describeDriverConformance, sampleWav } from '@stemkit/testing';
import { driverFor, startFastEmulator } from './helpers/emulator.ts';

// The conformance suite every stemkit driver passes, against the emulator over loopback.

describeDriverConformance('replicate', async () => {
  const emulator = await startFastEmulator();
  const { baseUrl, apiToken } = emulator.replicate;
  const api = new URL(baseUrl);
  const faulty = createFaultyFetch(globalThis.fetch, {
    isApiRequest: (url) => url.origin === api.origin && url.pathname.startsWith(api.pathname),
  });
  const options = { fetch: faulty.fetch, retryLimit: 2, model: 'cjwbw/demucs' as const };
  // The emulator's account secret, as the API hands it out: what its deliveries are signed with.
  const secretAnswer = await fetch(`${baseUrl}/webhooks/default/secret`, {
    headers: { authorization: `Bearer ${apiToken}` },
  });
  const { key: secret } = (await secretAnswer.json()) as { key: string };
  return {
    driver: driverFor(emulator, options),
    driverWithBadCredentials: () => driverFor(emulator, { ...options, apiToken: 'r8_not-the-token' }),
    driverForUnreachableHost: () =>
      driverFor(emulator, { ...options, fetch: globalThis.fetch, baseUrl: 'http://127.0.0.1:9/v1' }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio: () => ({ bytes: sampleWav(), name: 'sample.wav', contentType: 'audio/wav' }),
    request: { stems: ['vocals', 'drums'], format: 'wav' },
    rejectedRequest: { stems: ['other'], format: 'wav' },
    async signCallback(jobId, timestampSeconds) {
      const rawBody = JSON.stringify({ id: jobId, status: 'succeeded', output: null });
      const signature = await signStandardWebhook(`msg_${jobId}`, timestampSeconds, rawBody, secret);
      return {
        headers: new Headers({
          'content-type': 'application/json',
          'webhook-id': `msg_${jobId}`,
          'webhook-timestamp': String(timestampSeconds),
          'webhook-signature': `v1,${signature}`,
        }),
        rawBody,
      };
    },
    close: () => emulator.close(),
  };
});

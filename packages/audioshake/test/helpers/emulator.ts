import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';
import { type ConformanceHarness, createFaultyFetch, sampleWav } from '@stemkit/testing';
import { type AudioShakeLegacyOptions, audioshakeLegacy, audioshakeTasks } from '../../src/index.ts';

/** Where nothing listens: the conformance suite's unreachable host. */
export const UNREACHABLE = 'http://127.0.0.1:9';

/** Starts the emulator fast enough for tests: processing 200× real time, loopback only. */
export function startTestEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ processing: { speed: 200 }, ...options });
}

/** Whether `url` is a request to the API at `baseUrl` (storage links live on another origin). */
function isUnder(baseUrl: string) {
  const base = new URL(baseUrl);
  return (url: URL) => url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

function sampleAudio() {
  return { bytes: sampleWav({ seconds: 2 }), name: 'sample.wav', contentType: 'audio/wav' };
}

/** The conformance harness of the legacy driver on a fresh emulator. */
export async function legacyHarness(): Promise<ConformanceHarness> {
  const emulator = await startTestEmulator();
  const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: isUnder(emulator.legacy.baseUrl) });
  const options: AudioShakeLegacyOptions = {
    token: emulator.legacy.token,
    baseUrl: emulator.legacy.baseUrl,
    fetch: faulty.fetch,
    retryLimit: 1,
    timeoutMs: 10_000,
  };
  return {
    driver: audioshakeLegacy(options),
    driverWithBadCredentials: () => audioshakeLegacy({ ...options, token: 'not-the-emulator-token' }),
    driverForUnreachableHost: () => audioshakeLegacy({ ...options, baseUrl: UNREACHABLE, fetch: undefined }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio,
    request: { stems: ['vocals', 'instrumental'], format: 'wav' },
    close: () => emulator.close(),
  };
}

/** The conformance harness of the Tasks driver on a fresh emulator. */
export async function tasksHarness(): Promise<ConformanceHarness> {
  const emulator = await startTestEmulator();
  const faulty = createFaultyFetch(globalThis.fetch, { isApiRequest: isUnder(emulator.tasks.baseUrl) });
  const options = {
    apiKey: emulator.tasks.apiKey,
    baseUrl: emulator.tasks.baseUrl,
    fetch: faulty.fetch,
    retryLimit: 1,
    timeoutMs: 10_000,
  };
  return {
    driver: audioshakeTasks(options),
    driverWithBadCredentials: () => audioshakeTasks({ ...options, apiKey: 'not-the-emulator-key' }),
    driverForUnreachableHost: () => audioshakeTasks({ ...options, baseUrl: UNREACHABLE, fetch: undefined }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio,
    request: { stems: ['vocals', 'instrumental'], format: 'wav' },
    close: () => emulator.close(),
  };
}

import { type AudioShakeLegacyOptions, audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import type { StemkitDriver } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { type ConformanceHarness, createFaultyFetch, sampleWav } from '@stemkit/testing';
import { type RunningGateway, startGateway } from '../../src/gateway/index.ts';
import { startFastEmulator } from '../support/emulator.ts';

/** The backends the gateway is tested over. */
export type Backend = 'tasks' | 'sourcere';

export const GATEWAY_TOKEN = 'gateway-test-token-7d1f';
/** Where nothing listens. */
export const UNREACHABLE = 'http://127.0.0.1:9';

/** The backend driver of a kind, on the emulator. */
export function backendDriver(emulator: RunningEmulator, backend: Backend): StemkitDriver {
  if (backend === 'tasks') {
    return audioshakeTasks({
      apiKey: emulator.tasks.apiKey,
      baseUrl: emulator.tasks.baseUrl,
      timeoutMs: 20_000,
    });
  }
  const { baseUrl, username, password } = emulator.sourcere;
  return sourcere({ baseUrl, username, password, timeoutMs: 20_000 });
}

/** An emulator, a gateway over one of its APIs, and the legacy driver pointed at the gateway. */
export interface GatewayRig {
  readonly emulator: RunningEmulator;
  readonly gateway: RunningGateway;
  legacyOptions(overrides?: AudioShakeLegacyOptions): AudioShakeLegacyOptions;
  close(): Promise<void>;
}

export async function startGatewayRig(
  backend: Backend,
  gatewayOptions: { linkLifetimeSeconds?: number } = {},
): Promise<GatewayRig> {
  const emulator = await startFastEmulator({ processing: { speed: 500 } });
  const gateway = await startGateway({
    driver: backendDriver(emulator, backend),
    token: GATEWAY_TOKEN,
    wait: { initialDelayMs: 50, maxDelayMs: 200 },
    // The emulator, file servers and receivers are all on loopback.
    allowPrivateNetwork: true,
    ...gatewayOptions,
  });
  return {
    emulator,
    gateway,
    legacyOptions: (overrides = {}) => ({
      token: GATEWAY_TOKEN,
      baseUrl: gateway.url,
      timeoutMs: 20_000,
      ...overrides,
    }),
    async close() {
      await gateway.close();
      await emulator.close();
    },
  };
}

/** The conformance harness of the legacy driver, pointed at a gateway over `backend`. */
export async function gatewayHarness(backend: Backend): Promise<ConformanceHarness> {
  const rig = await startGatewayRig(backend);
  const origin = new URL(rig.gateway.url).origin;
  // Gateway download links play the part of storage links: the faulty fetch expires them, not API calls.
  const faulty = createFaultyFetch(globalThis.fetch, {
    isApiRequest: (url) => url.origin === origin && !url.pathname.startsWith('/download/'),
  });
  const options = rig.legacyOptions({ fetch: faulty.fetch, retryLimit: 1, timeoutMs: 10_000 });
  return {
    driver: audioshakeLegacy(options),
    driverWithBadCredentials: () => audioshakeLegacy({ ...options, token: 'not-the-gateway-token' }),
    driverForUnreachableHost: () => audioshakeLegacy({ ...options, baseUrl: UNREACHABLE, fetch: undefined }),
    failNextRequests: faulty.failNextRequests,
    expireNextLink: faulty.expireNextLink,
    sampleAudio: () => ({ bytes: sampleWav({ seconds: 2 }), name: 'sample.wav', contentType: 'audio/wav' }),
    request: { stems: ['vocals', 'instrumental'], format: 'wav' },
    close: () => rig.close(),
  };
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatedApis } from '../src/apis.ts';
import {
  basePaths,
  createEmulatorHandlers,
  type EmulatorHandlers,
  emulatorBaseUrls,
  type RunningEmulator,
  startEmulator,
} from '../src/index.ts';

// Issue #27: an emulated API is registered once (src/apis.ts); both transports, the base paths, the fake
// origins and the fault rules are derived from that list.

let emulator: RunningEmulator;
let handlers: EmulatorHandlers;
beforeAll(async () => {
  emulator = await startEmulator();
  handlers = createEmulatorHandlers();
});
afterAll(async () => {
  await emulator.close();
  await handlers.close();
});

describe('the EmulatedApi registration', () => {
  test('every registered API is mounted on the Node server under its base path, with its handle', async () => {
    expect(Object.keys(basePaths)).toEqual(emulatedApis.map((api) => api.name));
    for (const api of emulatedApis) {
      const handle = emulator[api.name];
      expect(basePaths[api.name]).toBe(api.basePath);
      expect(handle.baseUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${api.basePath}$`));
      // Mounted: an unauthenticated request gets the API's own 401 (or 404 for an unknown path), not the
      // server's "No emulated API at this path".
      const response = await fetch(`${handle.baseUrl}/no-such-route`);
      expect((await response.json()).message, api.name).not.toBe('No emulated API at this path');
    }
  });

  test('every registered API has msw handlers on its fake origin, and the same handle shape', () => {
    expect(Object.keys(emulatorBaseUrls)).toEqual([...emulatedApis.map((api) => api.name), 'storage']);
    // The storage host, then one handler per API.
    expect(handlers).toHaveLength(emulatedApis.length + 1);
    for (const api of emulatedApis) {
      expect(emulatorBaseUrls[api.name]).toBe(api.mswOrigin);
      expect(handlers[api.name].baseUrl).toBe(api.mswOrigin);
      expect(Object.keys(handlers[api.name]).sort()).toEqual(Object.keys(emulator[api.name]).sort());
    }
  });

  test('the handles carry the credentials each API accepts', () => {
    expect(emulator.sourcere).toMatchObject({ username: 'emulator', password: 'emulator-password' });
    expect(emulator.legacy).toMatchObject({ token: 'emulator-legacy-token' });
    expect(emulator.tasks).toMatchObject({ apiKey: 'emulator-tasks-key' });
  });
});

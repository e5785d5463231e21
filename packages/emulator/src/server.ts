import { apiHandles, byApi, type EmulatedApiHandles, emulatedApis } from './apis.ts';
import type { CallbackDelivery } from './callbacks.ts';
import { createEmulatorCore } from './core.ts';
import type { FaultController } from './faults.ts';
import { listen, type ResponseObserver } from './http/node-listener.ts';
import type { EmulatorOptions } from './options.ts';

/**
 * Base paths of the emulated APIs on the Node server's one port.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * emulator.legacy.baseUrl.endsWith(basePaths.legacy); // true: http://127.0.0.1:<port>/audioshake/legacy
 * ```
 */
export const basePaths: Readonly<Record<keyof EmulatedApiHandles, string>> = byApi((api) => api.basePath);

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** API port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Storage port (signed URLs, a separate origin); 0 (default) picks a free one. */
  storagePort?: number;
  /**
   * Told of every API request once answered (method, path, status, time; never headers or bodies): tests
   * count 429s and request rates with it. Storage requests are not included.
   */
  onResponse?: ResponseObserver;
}

/**
 * A running emulator: where each API is and the credentials it accepts (`sourcere: { baseUrl, username,
 * password }`, `legacy: { baseUrl, token }`, `tasks: { baseUrl, apiKey }`), and its fault control.
 */
export interface RunningEmulator extends EmulatedApiHandles {
  /** Origin of the signed-URL storage host (a second port). */
  storageUrl: string;
  /** Run-time fault control. */
  faults: FaultController;
  /** Every callback and webhook sent so far (the last thousand). */
  callbacks: readonly CallbackDelivery[];
  /** The data folder in use. */
  dataDir: string;
  /** Stops serving, waits for background work to stop, and writes the state. */
  close(): Promise<void>;
}

/**
 * Starts the emulator on 127.0.0.1: one port for the three APIs (under {@link basePaths}) and one for signed
 * storage URLs.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ processing: { speed: 100 } });
 * const auth = await fetch(`${emulator.sourcere.baseUrl}/auth/`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ username: emulator.sourcere.username, password: emulator.sourcere.password }),
 * });
 * const { token } = await auth.json();
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const core = createEmulatorCore(options, 'http://127.0.0.1');
  const { apps, context } = core;
  const storage = await listen(options.storagePort ?? 0, (path) => ({ handle: apps.storage.fetch, path }));
  core.setStorageUrl(storage.url);
  const mounts = emulatedApis.map((each) => [each.basePath, apps[each.name]] as const);
  let api: Awaited<ReturnType<typeof listen>>;
  try {
    api = await listen(
      options.port ?? 0,
      (pathname) => {
        for (const [base, app] of mounts) {
          if (pathname === base || pathname.startsWith(`${base}/`)) {
            return { handle: app.fetch, path: pathname.slice(base.length) || '/' };
          }
        }
        return undefined;
      },
      options.onResponse,
    );
  } catch (error) {
    await storage.close();
    await core.close();
    throw error;
  }
  const { credentials } = context.options;
  return {
    ...apiHandles((each) => `${api.url}${each.basePath}`, credentials),
    storageUrl: storage.url,
    faults: context.faults,
    callbacks: context.callbacks.deliveries,
    dataDir: context.store.dataDir,
    async close() {
      await Promise.all([api.close(), storage.close()]);
      await core.close();
    },
  };
}

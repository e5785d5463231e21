import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { byApi, type EmulatedApiName, emulatedApis } from './apis.ts';
import { CallbackSender } from './callbacks.ts';
import type { EmulatorContext } from './context.ts';
import { FaultController, seededRandom } from './faults.ts';
import { logFailure } from './log.ts';
import { type EmulatorOptions, resolveOptions } from './options.ts';
import { ModelBatcher } from './processing/batch.ts';
import { Clock } from './processing/clock.ts';
import { ComputePool } from './processing/pool.ts';
import { Store } from './state/store.ts';
import { ObjectStore } from './storage/objects.ts';
import { createStorageApp } from './storage/routes.ts';
import { UrlSigner } from './storage/signing.ts';

/** The hono apps, one per emulated API and one for the storage host, each on its own origin or base path. */
export type EmulatorApps = Record<EmulatedApiName | 'storage', Hono>;

/** One emulator, transport-free: both the Node server and the msw handlers wrap it. */
export interface EmulatorCore {
  context: EmulatorContext;
  apps: EmulatorApps;
  /** Sets the storage origin once known (the Node listener picks a free port). */
  setStorageUrl(url: string): void;
  /** Stops processing, writes the state, and removes a temporary data folder. */
  close(): Promise<void>;
}

/** Builds one emulator: state, signing, faults, compute pool, the apps, and resumes interrupted work. */
export function createEmulatorCore(options: EmulatorOptions, storageUrl: string): EmulatorCore {
  const resolved = resolveOptions(options);
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stemkit-emulator-'));
  const store = new Store(dataDir);
  if (options.tasksWebhookUrl !== undefined) store.state.tasksWebhookUrl = options.tasksWebhookUrl;
  const objects = new ObjectStore(dataDir);
  const faults = new FaultController({ seed: resolved.seed, ...options.faults });
  const clock = new Clock(() => faults.options.processingSpeed ?? resolved.speed);
  let storageBase = storageUrl;
  const running = new Set<Promise<void>>();
  const compute = new ComputePool(resolved.concurrency);

  const context: EmulatorContext = {
    options: resolved,
    store,
    objects,
    signer: new UrlSigner(store.state.secret, () => storageBase),
    faults,
    clock,
    compute,
    models: new ModelBatcher(compute),
    callbacks: new CallbackSender(clock),
    random: seededRandom(resolved.seed),
    background(work) {
      const promise = work().catch((error: unknown) => {
        if (!clock.signal.aborted) logFailure('background work failed', error);
      });
      running.add(promise);
      void promise.finally(() => running.delete(promise));
    },
    objectWritten: new Set(),
    signedUrlLifetime: (defaultSeconds) => faults.options.signedUrlLifetimeSeconds ?? defaultSeconds,
  };

  const apps: EmulatorApps = {
    ...byApi((api) => api.createApp(context)),
    storage: createStorageApp(context),
  };
  for (const api of emulatedApis) api.resume(context);

  return {
    context,
    apps,
    setStorageUrl(url) {
      storageBase = url;
    },
    async close() {
      clock.stop();
      await context.compute.close();
      await Promise.allSettled([...running]);
      await store.flush();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

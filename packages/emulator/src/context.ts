import type { CallbackSender } from './callbacks.ts';
import type { FaultController } from './faults.ts';
import type { ResolvedOptions } from './options.ts';
import type { ModelBatcher } from './processing/batch.ts';
import type { Clock } from './processing/clock.ts';
import type { ComputePool } from './processing/pool.ts';
import type { Store } from './state/store.ts';
import type { ObjectStore } from './storage/objects.ts';
import type { UrlSigner } from './storage/signing.ts';

/** Everything the routes and the processing share: one per emulator, whatever the transport. */
export interface EmulatorContext {
  options: ResolvedOptions;
  store: Store;
  objects: ObjectStore;
  signer: UrlSigner;
  faults: FaultController;
  clock: Clock;
  /** Audio work, on worker threads, at most `processing.concurrency` at once. */
  compute: ComputePool;
  /** Model runs (Tasks targets, legacy jobs), gathered per source so that a multi-stem job separates once. */
  models: ModelBatcher;
  callbacks: CallbackSender;
  /** The emulator's seeded randomness (trial starts). */
  random: () => number;
  /** Runs work off the request path; its failures never reach a client, and close() waits for it. */
  background(work: () => Promise<void>): void;
  /** Called after the storage host stores an upload. */
  objectWritten: Set<(key: string) => void>;
  /** Lifetime of a signed URL: the fault override, or the API's own default. */
  signedUrlLifetime(defaultSeconds: number): number;
}

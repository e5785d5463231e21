import type { CapabilityMatrix } from '../driver/capabilities.ts';
import type { StemkitDriver, UploadRequest } from '../driver/contract.ts';
import type { Logger } from '../logger.ts';
import type { Asset } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import type { CredentialCheck } from './credentials.ts';
import type { LocalStore } from './local-store.ts';
import type { StatusBatcher } from './status-batch.ts';
import type { StemkitPlugin, WaitOptions } from './types.ts';
import type { Waiters } from './waiters.ts';

/**
 * Opens a file path as an upload, with a way to read the file's first bytes for the sniff without touching the
 * stream; only `@stemkit/core/node` provides it.
 */
export type PathOpener = (
  path: string,
  name?: string,
) => Promise<UploadRequest & { readonly head?: (bytes: number) => Promise<Uint8Array> }>;

/** What every client operation shares. */
export interface ClientContext {
  readonly driver: StemkitDriver;
  readonly capabilities: CapabilityMatrix;
  readonly logger: Logger;
  readonly plugins: readonly StemkitPlugin[];
  readonly wait: WaitOptions;
  readonly fetch: typeof globalThis.fetch;
  readonly openPath: PathOpener | undefined;
  /** Which job each output seen belongs to, so `download` can refresh its link. */
  readonly owners: OutputOwners;
  /** The one bounded store of files on this machine: local mixes, zips, and outputs that came as bytes. */
  readonly localStore: LocalStore;
  /** The waits in progress, which callbacks wake. */
  readonly waiters: Waiters;
  /** The driver's credential check, done once before the first upload. */
  readonly credentials: CredentialCheck;
  /** The poll coalescer, for a driver declaring `batchedStatus`: `wait` reads statuses through it. */
  readonly statusBatcher: StatusBatcher | undefined;
}

const REMEMBERED_OUTPUTS = 10_000;

/**
 * Remembers the job of every asset the client returned — outputs, sources, mixes and zips — by asset id
 * (bounded, oldest forgotten first).
 */
export class OutputOwners {
  readonly #owners = new Map<string, JobHandle>();

  /** Records the owner of every output (and the source) of `job`. */
  remember(job: Job): void {
    const assets = [...(job.source ? [job.source] : []), ...job.targets.flatMap((target) => target.outputs)];
    this.rememberAssets(assets, job.handle);
  }

  /** Records `owner` as the job of `assets`, e.g. a mix or zip made from it. */
  rememberAssets(assets: readonly Asset[], owner: JobHandle): void {
    for (const asset of assets) {
      this.#owners.delete(asset.id);
      this.#owners.set(asset.id, owner);
    }
    if (this.#owners.size <= REMEMBERED_OUTPUTS) return;
    for (const key of this.#owners.keys()) {
      if (this.#owners.size <= REMEMBERED_OUTPUTS) break;
      this.#owners.delete(key);
    }
  }

  /** The handle of the job `asset` came from, when known. */
  ownerOf(asset: Asset): JobHandle | undefined {
    return this.#owners.get(asset.id);
  }
}

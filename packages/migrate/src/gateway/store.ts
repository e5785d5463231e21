import { readFile } from 'node:fs/promises';
import type { Asset, Failure, JobHandle } from '@stemkit/core';
import type { SourceReference } from '@stemkit/core/driver';
import { jsonText, writeFileAtomic } from '../shared/files.ts';

/** A legacy asset the gateway handed out, and where its audio is on the backend. */
export interface GatewayAsset {
  /** The legacy-style id the client uses (`c` and 24 letters or digits). */
  readonly id: string;
  /** The file name, as uploaded or taken from the link. */
  readonly name: string;
  /** The format, from the name's extension (`wav`), or `bin`. */
  readonly format: string;
  /** The MIME type the legacy body reports. */
  readonly fileType: string;
  /** The backend asset, or a URL the backend fetches itself. */
  readonly source: SourceReference;
  /** When it was handed out, ISO-8601. */
  readonly createdAt: string;
}

/** A legacy job the gateway handed out: the request as the client sent it and the backend job behind it. */
export interface GatewayJob {
  /** The legacy-style id the client uses. */
  readonly id: string;
  /** The {@link GatewayAsset} it separates. */
  readonly assetId: string;
  /** The request's `metadata` (or older `stemMetadata`), echoed back; `name` is the model. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Where status changes are POSTed, when the client gave one. */
  readonly callbackUrl?: string;
  /** When it was created, ISO-8601. */
  readonly createdAt: string;
  /** The backend job; absent when the backend refused it (then `failure` says why). */
  readonly handle?: JobHandle;
  /** Why the backend could not run it (the job then reads `failed`). */
  readonly failure?: Failure;
  /** When it was first seen running, ISO-8601. */
  startedAt?: string;
  /** When it was first seen completed, ISO-8601. */
  completedAt?: string;
  /** When its legacy status last changed, ISO-8601. */
  updatedAt: string;
  /** The legacy status last reported (`created`, `processing`, `completed`, `failed`). */
  lastStatus?: string;
}

/** A legacy job status, in the order a job goes through them. */
export type LegacyStatus = 'created' | 'processing' | 'completed' | 'failed';

const RANK: Readonly<Record<LegacyStatus, number>> = { created: 0, processing: 1, completed: 2, failed: 2 };

/** Whether a job that reported `status` last has ended (nothing more to tell its callback). */
export function isFinalStatus(status: string | undefined): boolean {
  return status === 'completed' || status === 'failed';
}

/**
 * The callback statuses that may come before `status`: a claim for it is granted only after one of them (or
 * none), so no status is sent twice and none after a later one.
 */
export function statusesBefore(status: LegacyStatus): LegacyStatus[] {
  return (Object.keys(RANK) as LegacyStatus[]).filter((each) => RANK[each] < RANK[status]);
}

/**
 * Where the gateway keeps the assets and jobs it handed out, so that it answers for them (and owes their
 * callbacks) across restarts and across instances. Records are written whole, by id; a store may hand out copies.
 * {@link memoryGatewayStore} keeps them in the process, {@link fileGatewayStore} in a JSON file,
 * `postgresGatewayStore` in PostgreSQL, shared by several gateways.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ driver, token, store: fileGatewayStore('gateway-state.json') });
 * ```
 */
export interface GatewayStore {
  /** Loads what earlier runs kept; the gateway calls it once and answers no request before it ends. */
  open(): Promise<void>;
  /** The asset with this id, if the gateway handed it out. */
  getAsset(id: string): Promise<GatewayAsset | undefined>;
  /** Records an asset (new or changed). */
  putAsset(asset: GatewayAsset): Promise<void>;
  /** The job with this id, if the gateway handed it out. */
  getJob(id: string): Promise<GatewayJob | undefined>;
  /**
   * Records a job (new or changed). It never changes which callbacks were sent: only
   * {@link GatewayStore.claimCallback} does.
   */
  putJob(job: GatewayJob): Promise<void>;
  /**
   * Claims the right to send the callback of `status` for a job that still owes callbacks: true for exactly one
   * caller, whichever gateway asks, and only when the last status claimed came before it (so a status is sent
   * once, never after a later one); the gateway that gets true sends it. Claiming `completed` or `failed` ends
   * what the job owes.
   */
  claimCallback(id: string, status: LegacyStatus): Promise<boolean>;
  /**
   * Whether this gateway should follow the job for its callbacks now: false while another running gateway does
   * (a store for one process answers true; the gateway itself follows a job once).
   */
  claimFollowing(id: string): Promise<boolean>;
  /** How many jobs were created from `from` (inclusive) to `to` (exclusive), ISO-8601 timestamps. */
  countJobs(from: string, to: string): Promise<number>;
  /**
   * Jobs with a `callbackUrl` that still owe a callback (no `completed` or `failed` one claimed) and that no other
   * running gateway follows.
   */
  jobsOwingCallbacks(): Promise<GatewayJob[]>;
  /** Writes whatever is still pending; the gateway calls it when it closes. */
  flush(): Promise<void>;
}

/** How long writes to the state file are gathered before one is made. */
const WRITE_DELAY_MS = 50;

/** Records in maps, optionally mirrored to a JSON file. */
class MapGatewayStore implements GatewayStore {
  readonly #assets = new Map<string, GatewayAsset>();
  readonly #jobs = new Map<string, GatewayJob>();
  /** The last callback status claimed, by job id: apart from the records, which any poll rewrites. */
  readonly #callbacks = new Map<string, LegacyStatus>();
  readonly #path: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(path?: string) {
    this.#path = path;
  }

  async open(): Promise<void> {
    if (!this.#path) return;
    const text = await readFile(this.#path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return;
    const state = JSON.parse(text) as {
      assets?: GatewayAsset[];
      jobs?: GatewayJob[];
      callbacks?: Record<string, LegacyStatus>;
    };
    for (const asset of state.assets ?? []) this.#assets.set(asset.id, asset);
    for (const job of state.jobs ?? []) {
      this.#jobs.set(job.id, job);
      // A file written before callbacks were claimed: its last status is taken as the last one sent.
      const sent = state.callbacks?.[job.id] ?? (state.callbacks ? undefined : job.lastStatus);
      if (sent) this.#callbacks.set(job.id, sent as LegacyStatus);
    }
  }

  async getAsset(id: string): Promise<GatewayAsset | undefined> {
    return this.#assets.get(id);
  }

  async putAsset(asset: GatewayAsset): Promise<void> {
    this.#assets.set(asset.id, asset);
    this.#changed();
  }

  async getJob(id: string): Promise<GatewayJob | undefined> {
    return this.#jobs.get(id);
  }

  async putJob(job: GatewayJob): Promise<void> {
    this.#jobs.set(job.id, job);
    this.#changed();
  }

  async claimCallback(id: string, status: LegacyStatus): Promise<boolean> {
    const job = this.#jobs.get(id);
    const claimed = this.#callbacks.get(id);
    if (!job?.callbackUrl || isFinalStatus(claimed)) return false;
    if (claimed !== undefined && !statusesBefore(status).includes(claimed)) return false;
    this.#callbacks.set(id, status);
    this.#changed();
    return true;
  }

  async claimFollowing(): Promise<boolean> {
    return true;
  }

  async countJobs(from: string, to: string): Promise<number> {
    let count = 0;
    for (const job of this.#jobs.values()) if (job.createdAt >= from && job.createdAt < to) count++;
    return count;
  }

  async jobsOwingCallbacks(): Promise<GatewayJob[]> {
    return [...this.#jobs.values()].filter(
      (job) => job.callbackUrl && !isFinalStatus(this.#callbacks.get(job.id)),
    );
  }

  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#writing = this.#writing.then(() => this.#write());
    }
    await this.#writing;
  }

  #changed(): void {
    if (!this.#path || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#writing = this.#writing.then(() => this.#write()).catch(() => undefined);
    }, WRITE_DELAY_MS);
  }

  async #write(): Promise<void> {
    if (!this.#path) return;
    const assets = [...this.#assets.values()].map((asset) => ({
      ...asset,
      source: referenceOnly(asset.source),
    }));
    const callbacks = Object.fromEntries(this.#callbacks);
    await writeFileAtomic(this.#path, jsonText({ assets, jobs: [...this.#jobs.values()], callbacks }));
  }
}

/**
 * A store in the process's memory: ids die with it. The default of {@link createGateway}.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ driver, token, store: memoryGatewayStore() });
 * ```
 */
export function memoryGatewayStore(): GatewayStore {
  return new MapGatewayStore();
}

/**
 * A store in a JSON file, written atomically shortly after each change and read back by `open()`, so a restarted
 * gateway still answers for the jobs legacy clients hold (`stemkit gateway --state FILE`). Backend assets are
 * kept by reference only (id, provider, name, format): no signed link, provider payload or credential is written.
 * One gateway process per file.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ driver, token, store: fileGatewayStore('gateway-state.json') });
 * ```
 */
export function fileGatewayStore(path: string): GatewayStore {
  return new MapGatewayStore(path);
}
/** A source without its signed link or provider payload: what the backend needs to find it again. */
export function referenceOnly(source: SourceReference): SourceReference {
  // A URL holds no payload; an inline upload is a stream the gateway never stores.
  if (!('asset' in source)) return source;
  const { id, name, role, provider, format, mimeType }: Asset = source.asset;
  return {
    asset: {
      id,
      name,
      role,
      provider,
      ...(format ? { format } : {}),
      ...(mimeType ? { mimeType } : {}),
      raw: {},
    },
  };
}

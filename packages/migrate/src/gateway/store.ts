import { readFile } from 'node:fs/promises';
import type { Asset, Failure, JobHandle } from '@stemkit/core';
import type { SourceReference } from '@stemkit/core/driver';
import { jsonText, writeFileAtomic } from '../shared/files.ts';

/** A legacy asset the gateway handed out, and where its audio is on the backend. */
export interface GatewayAsset {
  readonly id: string;
  readonly name: string;
  readonly format: string;
  readonly fileType: string;
  /** The backend asset, or a URL the backend fetches itself. */
  readonly source: SourceReference;
  readonly createdAt: string;
}

/** A legacy job the gateway handed out: the request as the client sent it and the backend job behind it. */
export interface GatewayJob {
  readonly id: string;
  readonly assetId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly callbackUrl?: string;
  readonly createdAt: string;
  /** The backend job; absent when the backend refused it (then `failure` says why). */
  readonly handle?: JobHandle;
  readonly failure?: Failure;
  startedAt?: string;
  updatedAt: string;
  lastStatus?: string;
}

/** How long writes to the state file are gathered before one is made. */
const WRITE_DELAY_MS = 50;

/**
 * The gateway's memory of the assets and jobs it handed out: in the process, and — given a `path` — in a JSON
 * file written atomically shortly after each change and reloaded on start, so a restarted gateway still
 * answers for the jobs legacy clients hold. Backend assets are kept by reference only (id, provider, name,
 * format): no signed link or provider payload is written.
 */
export class GatewayStore {
  readonly assets = new Map<string, GatewayAsset>();
  readonly jobs = new Map<string, GatewayJob>();
  readonly #path: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(path?: string) {
    this.#path = path;
  }

  /** Reloads the state file, if there is one. */
  async load(): Promise<void> {
    if (!this.#path) return;
    const text = await readFile(this.#path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return;
    const state = JSON.parse(text) as { assets?: GatewayAsset[]; jobs?: GatewayJob[] };
    for (const asset of state.assets ?? []) this.assets.set(asset.id, asset);
    for (const job of state.jobs ?? []) this.jobs.set(job.id, job);
  }

  /** Notes a change; the state file is written shortly after. */
  changed(): void {
    if (!this.#path || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#writing = this.#writing.then(() => this.#write()).catch(() => undefined);
    }, WRITE_DELAY_MS);
  }

  /** Writes any pending change now. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#writing = this.#writing.then(() => this.#write());
    }
    await this.#writing;
  }

  async #write(): Promise<void> {
    if (!this.#path) return;
    const assets = [...this.assets.values()].map((asset) => ({
      ...asset,
      source: referenceOnly(asset.source),
    }));
    await writeFileAtomic(this.#path, jsonText({ assets, jobs: [...this.jobs.values()] }));
  }
}

/** A source without its signed link or provider payload: what the backend needs to find it again. */
function referenceOnly(source: SourceReference): SourceReference {
  if ('url' in source) return source;
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

import type { OutputFormat, StemName } from '../model/names.ts';

/**
 * What a driver can do, declared up front so the client can refuse an unsupported ask before any request.
 * Optional driver methods (`mix`, `zip`, `list`, `usage`, `cancel`, `parseCallback`) signal the rest: see
 * {@link describeCapabilities}.
 *
 * @example
 * ```ts
 * const capabilities: DriverCapabilities = {
 *   stems: ['vocals', 'instrumental'], formats: ['wav', 'mp3'], maxTargets: 2, trial: true, residual: false,
 *   transcription: false, alignment: false, callbacks: 'per-job', urlInput: false, variants: false, languages: false,
 * };
 * ```
 */
export interface DriverCapabilities {
  /** Stems or models the provider produces; `'any'` when it accepts any model key. */
  readonly stems: readonly StemName[] | 'any';
  /** Output formats it can deliver. */
  readonly formats: readonly OutputFormat[];
  /** Most targets one job may carry. */
  readonly maxTargets?: number;
  /** Whether a job can separate only a section of the track (a trial). */
  readonly trial: boolean;
  /** Whether a target can also return its residual (the input minus the target). */
  readonly residual: boolean;
  /** Whether it takes `transcription` targets (the words of the audio as text). */
  readonly transcription: boolean;
  /** Whether it takes `alignment` targets (a transcript timed against the audio). */
  readonly alignment: boolean;
  /** How the provider calls back: per job (a URL in each request), per account (a webhook), or not at all. */
  readonly callbacks: 'per-job' | 'account' | false;
  /**
   * Whether the provider signs its callbacks and `parseCallback` verifies them (Standard Webhooks or the
   * provider's scheme, with a replay window): forged, tampered and replayed callbacks are refused, and so is one
   * whose raw body is not at hand. Left out: `false`.
   */
  readonly signedCallbacks?: boolean;
  /** Whether a job can start from a remote URL without uploading first. */
  readonly urlInput: boolean;
  /** Whether targets take a model `variant`; without it the client refuses one before sending anything. */
  readonly variants: boolean;
  /** Whether targets take a `language`; without it the client refuses one before sending anything. */
  readonly languages: boolean;
  /** Largest upload, in bytes. */
  readonly maxUploadBytes?: number;
  /**
   * Whether `link` converts an output to another of `formats` on request (`download(asset, { format })`);
   * without it, the client converts through a plugin with `convert`, or refuses before any request.
   */
  readonly convertOnDownload?: boolean;
  /**
   * Whether the provider's payloads carry download links: assets then have a `url` (and an `expiresAt` when the
   * link states its expiry). Without them, `download` asks the driver for one.
   */
  readonly links?: boolean;
  /**
   * Whether `start` honours `StartRequest.idempotencyKey`: a start repeated with the same key makes no second
   * job. The client then passes the caller's key through; batch derives one per track instead of listing jobs.
   */
  readonly idempotentStart?: boolean;
  /**
   * The driver's `statusMany` and its budget: how many jobs one call may ask about, and how many such calls
   * the provider allows a minute (LALAL.AI: 200 and 30). `wait` coalesces its polls into calls within it.
   */
  readonly batchedStatus?: BatchedStatus;
  /**
   * How the source reaches the provider: `'separate'` (default) uploads it first and starts the job on the
   * stored asset; `'inline'` hands the upload stream to `start` (a `{ upload }` source), for APIs whose one
   * request carries the audio in and starts the work, so nothing is buffered and no asset is invented.
   */
  readonly uploads?: 'separate' | 'inline';
  /**
   * Where jobs live: `'provider'` (default) keeps them, so a handle finds the job again from another process;
   * `'ephemeral'` keeps nothing once the call returns (the outputs live in this client's local store), so a
   * handle from another process is a `NotFoundError` saying so, never a hang.
   */
  readonly jobs?: 'provider' | 'ephemeral';
}

/** The budget of a batched status call: see {@link DriverCapabilities.batchedStatus}. */
export interface BatchedStatus {
  /** Most jobs one `statusMany` call may ask about. */
  readonly maxJobs: number;
  /** Most `statusMany` calls a minute, the provider's documented rate limit (a client-side budget). */
  readonly requestsPerMinute: number;
}

/** The full capability matrix of a driver: its declarations plus what its optional methods signal. */
export interface CapabilityMatrix extends DriverCapabilities {
  /** The driver's provider name. */
  readonly provider: string;
  /** Whether `link` converts outputs on request (the declaration, `false` when left out). */
  readonly convertOnDownload: boolean;
  /** Whether assets carry the provider's download links (the declaration, `false` when left out). */
  readonly links: boolean;
  /** How the source reaches the provider (the declaration, `'separate'` when left out). */
  readonly uploads: 'separate' | 'inline';
  /** Where jobs live (the declaration, `'provider'` when left out). */
  readonly jobs: 'provider' | 'ephemeral';
  /**
   * Whether the provider reports the source's duration, channels and sample rate after an upload (the driver has
   * `inspect`): `upload` returns them, and `job.source` carries them.
   */
  readonly sourceMetadata: boolean;
  /** Whether the driver mixes provider-side (it has `mix`); otherwise `mix` needs a plugin. */
  readonly mix: boolean;
  /** Whether the driver zips provider-side (it has `zip`); otherwise `zip` needs a plugin. */
  readonly zip: boolean;
  /** Whether the driver can list the account's jobs (it has `list`); otherwise `list` throws. */
  readonly list: boolean;
  /** Whether the driver reports the account's usage (it has `usage`); otherwise `usage` throws. */
  readonly usage: boolean;
  /** Whether the driver can cancel a job (it has `cancel`); otherwise `cancel` throws. */
  readonly cancel: boolean;
  /** Whether starts honour an idempotency key (the declaration, `false` when left out). */
  readonly idempotentStart: boolean;
  /** Whether the driver deletes a source with its results (it has `deleteSource`); otherwise that throws. */
  readonly deleteSource: boolean;
  /** Whether the driver reads incoming callbacks (it has `parseCallback`); `callbacks.parse` needs it. */
  readonly parseCallbacks: boolean;
  /** Whether the driver verifies callback signatures (the declaration, `false` when left out). */
  readonly signedCallbacks: boolean;
}

/**
 * The full capability matrix of a driver, for tables and docs.
 *
 * @example
 * ```ts
 * console.table(describeCapabilities(sourcere({ username, password })));
 * ```
 */
export function describeCapabilities(driver: {
  readonly provider: string;
  readonly capabilities: DriverCapabilities;
  readonly inspect?: unknown;
  readonly mix?: unknown;
  readonly zip?: unknown;
  readonly list?: unknown;
  readonly usage?: unknown;
  readonly cancel?: unknown;
  readonly deleteSource?: unknown;
  readonly parseCallback?: unknown;
}): CapabilityMatrix {
  return {
    provider: driver.provider,
    ...driver.capabilities,
    convertOnDownload: driver.capabilities.convertOnDownload === true,
    links: driver.capabilities.links === true,
    uploads: driver.capabilities.uploads ?? 'separate',
    jobs: driver.capabilities.jobs ?? 'provider',
    sourceMetadata: typeof driver.inspect === 'function',
    mix: typeof driver.mix === 'function',
    zip: typeof driver.zip === 'function',
    list: typeof driver.list === 'function',
    usage: typeof driver.usage === 'function',
    cancel: typeof driver.cancel === 'function',
    idempotentStart: driver.capabilities.idempotentStart === true,
    deleteSource: typeof driver.deleteSource === 'function',
    parseCallbacks: typeof driver.parseCallback === 'function',
    signedCallbacks:
      driver.capabilities.signedCallbacks === true && typeof driver.parseCallback === 'function',
  };
}

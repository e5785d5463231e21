import type { LocalStore } from '../client/local-store.ts';
import type { Asset } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job, Warning } from '../model/job.ts';
import type { AudioFormat, OutputFormat, StemName } from '../model/names.ts';
import type { JobStatus } from '../model/status.ts';
import type { Usage } from '../model/usage.ts';
import type { DriverCapabilities } from './capabilities.ts';

/** The version of the driver contract this build of core speaks. Drivers declare the one they implement. */
export const DRIVER_CONTRACT_VERSION = 1 as const;

/** Options every driver operation takes. */
export interface DriverCallOptions {
  /** Aborts the operation; drivers pass it to every request they make. */
  readonly signal?: AbortSignal;
  /**
   * `false`: each request is sent once, with no transport retry (drivers pass it to `HttpClient.call` as
   * `retry`). The callback receiver's confirmations use it, so that a forged callback costs one request.
   */
  readonly retry?: boolean;
  /**
   * The client's bounded local store, where a driver whose provider answers with bytes (not links) keeps its
   * outputs; `download`, local mixes and zips read them from it. The client passes it to `start`.
   */
  readonly localStore?: LocalStore;
}

/** A source to upload, always as a stream: the client turns paths, Blobs and bytes into one. */
export interface UploadRequest {
  /** The file's bytes, pulled as the driver sends them; a stream is read once, so it cannot be resent. */
  readonly body: ReadableStream<Uint8Array>;
  /** File name, with its extension when known (`song.mp3`). */
  readonly name: string;
  /** Size in bytes when known; some providers need it up front. */
  readonly size?: number;
  /** MIME type, from the source or guessed from the name's extension; absent when unknown. */
  readonly contentType?: string;
}

/**
 * Where a job's audio comes from: an uploaded asset, a remote URL the provider fetches itself, or — for a driver
 * that declares `uploads: 'inline'` — the upload stream itself, which `start` sends in its one request.
 */
export type SourceReference =
  | { readonly asset: Asset }
  | { readonly url: string }
  | { readonly upload: UploadRequest };

/** One stem or model to produce. */
export interface TargetRequest {
  /** The stem or model to produce; unique within the job together with `variant`. */
  readonly stem: StemName;
  /** Output formats, at least one. */
  readonly formats: readonly OutputFormat[];
  /** Also return the residual (the input minus the stem); set only when the driver declares `residual`. */
  readonly residual?: boolean;
  /** Provider model variant; set only when the driver declares `variants`. */
  readonly variant?: string;
  /** Language code of the audio; set only when the driver declares `languages`. */
  readonly language?: string;
  /** For alignment: the transcript to align, uploaded or remote. */
  readonly transcript?: SourceReference;
}

/** A validated request to start a job. */
export interface StartRequest {
  /** The uploaded asset, or a remote URL when the driver declares `urlInput`. */
  readonly source: SourceReference;
  /** What to produce, at least one, already checked against the driver's capabilities and its `validate`. */
  readonly targets: readonly TargetRequest[];
  /** Separate only a section of the track, in seconds. */
  readonly trial?: { readonly start?: number; readonly seconds?: number };
  /**
   * Where the provider calls back; set only when the driver declares `callbacks: 'per-job'` or `'account'` (a
   * driver whose provider calls one webhook per account ignores it and reports a {@link Warning}).
   */
  readonly callbackUrl?: string;
  /** Free text the provider stores and echoes back. */
  readonly metadata?: string;
  /** The caller's priority, passed through; a driver whose provider has none reports a {@link Warning}. */
  readonly priority?: string;
  /** Provider-specific fields, passed through untouched. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /**
   * A key naming this start, set only when the driver declares `idempotentStart`: a second start with the same
   * key makes no second job (the provider answers with the first, or refuses). The driver sends it where its API
   * takes one (LALAL.AI: each split's `idempotency_key`) and may then let the transport repeat the start (see
   * `ApiRequest.idempotencyKey`). Stable for the same logical job: batch derives it from its ledger.
   */
  readonly idempotencyKey?: string;
}

/** What `start` returns: the handle to follow the job with, and the job if the provider already described it. */
export interface StartResult {
  /** The job's handle: the client passes it to `status`, `link` and every later call on the job. */
  readonly handle: JobHandle;
  /** The job, when the start response describes it; else the client builds one with every target queued. */
  readonly job?: Job;
  /** Options the provider ignored or changed; the client adds them to the job's `warnings` and logs them. */
  readonly warnings?: readonly Warning[];
}

/** What `status` returns: the job as it is now, and the provider's hint for when to ask again. */
export interface StatusResult {
  /** The job as the provider describes it now, mapped onto the neutral model. */
  readonly job: Job;
  /** Milliseconds the provider asked us to wait before the next poll (`Retry-After`, a 202's hint…). */
  readonly retryAfterMs?: number;
}

/** Asks for a fresh download link for one output, optionally converted to another format. */
export interface LinkRequest {
  /** The output to link to, as a job of this driver reported it. */
  readonly asset: Asset;
  /** A format to convert the output to, where the provider converts; absent for the output's own format. */
  readonly format?: OutputFormat;
}

/** A download link, or a note that the file is still being prepared (a 202). */
export type LinkResult =
  | {
      readonly ready: true;
      readonly url: string;
      readonly expiresAt?: string;
      /** Method and headers the storage host expects; never the provider credential. */
      readonly method?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly ready: false; readonly retryAfterMs?: number };

/** A provider-side mix of a job's stems. `volume` is 0–1, `pan` −1 (left) to 1 (right). */
export interface MixRequest {
  /** The stems to mix (1–64), each with its volume and pan, as the caller gave them. */
  readonly tracks: ReadonlyArray<{ readonly stem: StemName; readonly volume: number; readonly pan: number }>;
  /** Base name of the mix, without extension; the client always sets it (default `mix`). */
  readonly name?: string;
  /** Audio format of the mix; the client always sets it (default `wav`). */
  readonly format?: AudioFormat;
}

/** A provider-side zip of a job's stems in one format. */
export interface ZipRequest {
  /** The stems to pack (1–64). */
  readonly stems: readonly StemName[];
  /** Audio format of every stem in the archive. */
  readonly format: AudioFormat;
  /** Base name of the archive, without extension; the client always sets it (default `stems`). */
  readonly name?: string;
}

/** What the provider has computed about an uploaded asset: ready, or still computing (a 202). */
export type InspectResult =
  | { readonly ready: true; readonly asset: Asset }
  | { readonly ready: false; readonly retryAfterMs?: number };

/** One page of jobs. */
export interface JobPage {
  /** This page's jobs, mapped onto the neutral model; `list` yields them one by one. */
  readonly jobs: readonly Job[];
  /** Pass it back to get the next page; absent on the last one. */
  readonly nextCursor?: string;
}

/** An incoming callback: its headers, its parsed JSON body and, when the entry point had it, its raw body. */
export interface CallbackRequest {
  /** The callback request's headers, as received. */
  readonly headers: Headers;
  /** The body, parsed from JSON when it came raw (a `Request`, a string or bytes; an empty body is `''`). */
  readonly body: unknown;
  /**
   * The body exactly as received, as text: present whenever the callback came as a `Request` or a raw string
   * or bytes, absent when the caller handed an already parsed object. A driver that verifies signatures
   * (`capabilities.signedCallbacks`) refuses a callback without it: a re-serialised body is not what was signed.
   */
  readonly rawBody?: string;
}

/** What a callback says: which job to re-fetch. It is a hint, never a result. */
export interface CallbackHint {
  /** The job the callback is about, checked to be this provider's; `get` it before acting. */
  readonly handle: JobHandle;
  /** The provider's event name or status, when it gave one. */
  readonly event?: string;
  /**
   * The job status the callback claims, in stemkit's terms, when it says one. A claim, never a result: a
   * receiver may skip fetching a job that a callback only says is still queued or running.
   */
  readonly claimedStatus?: JobStatus;
}

/**
 * The contract every provider driver implements. Each method is **one logical provider operation**: drivers
 * never sleep, poll or loop — the client owns waiting. Optional methods double as capability signals.
 *
 * @example
 * ```ts
 * const driver: StemkitDriver = sourcere({ username, password });
 * const stemkit = createStemkit({ driver });
 * ```
 */
export interface StemkitDriver {
  /** The contract version it implements; `createStemkit` refuses any but {@link DRIVER_CONTRACT_VERSION}. */
  readonly contract: typeof DRIVER_CONTRACT_VERSION;
  /** Provider name, as written in every neutral object's `provider`. */
  readonly provider: string;
  /** What the provider can do; the client checks every request against it before sending anything. */
  readonly capabilities: DriverCapabilities;
  /** The fetch the driver uses, so the client moves signed-URL bytes through the same transport. */
  readonly fetch?: typeof globalThis.fetch;

  /**
   * Checks the credential with one cheap authenticated request, so that a refused key fails before a large
   * upload, not after the whole file was sent: resolves when the provider accepts it (or cannot tell), throws
   * `AuthenticationError` when it refuses it. The client calls it before its first upload, once per client
   * (concurrent uploads share the one call, and its outcome is kept). Left out by drivers whose upload learns of
   * a refused credential before sending the file (a signed-URL upload asks for its URL first).
   *
   * @example
   * ```ts
   * await driver.verifyCredentials?.(); // AuthenticationError for a wrong key, before any upload
   * ```
   */
  verifyCredentials?(options?: DriverCallOptions): Promise<void>;
  /** Uploads a source; resolves once the bytes are stored (see `inspect` for metadata computed afterwards). */
  upload(request: UploadRequest, options?: DriverCallOptions): Promise<Asset>;
  /**
   * Asks once for what the provider computes after an upload (duration, channels, sample rate, or that the file
   * is not audio: an `UploadError` with the provider's message). The client's `upload` waits on it while it
   * answers `ready: false`. Drivers whose API computes nothing after upload leave it out.
   */
  inspect?(asset: Asset, options?: DriverCallOptions): Promise<InspectResult>;
  /**
   * Checks a start request against the provider's own rules — those the capability declarations cannot express,
   * such as stems that no single algorithm produces together — and throws `InvalidArgumentError` or
   * `UnsupportedCapabilityError`. Synchronous and sends nothing: the client calls it in `separate` before any
   * request, so a request the provider would refuse costs no upload. A wrapper around a driver must forward it.
   * What the capabilities declare (stems, formats, targets, trial, options) the client checks itself, once.
   *
   * @example
   * ```ts
   * driver.validate?.({ targets: [{ stem: 'instrumental', formats: ['wav'] }, { stem: 'drums', formats: ['wav'] }] });
   * // UnsupportedCapabilityError on a provider that separates these two with different algorithms
   * ```
   */
  validate?(request: Omit<StartRequest, 'source'>): void;
  /**
   * Starts a job, from a request the client has checked against the capabilities and `validate`. Never
   * retried by the transport unless a duplicate cannot result.
   */
  start(request: StartRequest, options?: DriverCallOptions): Promise<StartResult>;
  /** Fetches the job's current state once. */
  status(handle: JobHandle, options?: DriverCallOptions): Promise<StatusResult>;
  /**
   * Fetches the current state of several jobs in one provider request (LALAL.AI's `/check/` takes up to 200
   * task ids), answering in the order of `handles`. Declared by `capabilities.batchedStatus`, which bounds the
   * count per call and the requests per minute: `wait` then coalesces every job it waits on into such calls,
   * within that budget. An error for the whole call rejects it; one job's trouble is that job's status.
   */
  statusMany?(handles: readonly JobHandle[], options?: DriverCallOptions): Promise<readonly StatusResult[]>;
  /** Fetches a fresh download link for one output of the job. */
  link(handle: JobHandle, request: LinkRequest, options?: DriverCallOptions): Promise<LinkResult>;

  /**
   * Asks the provider to mix some of the job's stems into one file, resolving to the mixed asset. Drivers whose
   * provider cannot mix leave it out; the client then falls back to a plugin's `mix`.
   */
  mix?(handle: JobHandle, request: MixRequest, options?: DriverCallOptions): Promise<Asset>;
  /**
   * Asks the provider to zip some of the job's stems in one format, resolving to the zip asset. Drivers whose
   * provider cannot zip leave it out; the client then falls back to a plugin's `zip`.
   */
  zip?(handle: JobHandle, request: ZipRequest, options?: DriverCallOptions): Promise<Asset>;
  /** Fetches one page of the account's jobs, starting at `cursor` (the first page without one). */
  list?(
    request: { readonly cursor?: string; readonly pageSize: number },
    options?: DriverCallOptions,
  ): Promise<JobPage>;
  /**
   * Fetches the account's usage statistics once, as months of targets and minutes (the provider's payload in
   * `raw`). Left out by drivers whose provider reports no usage; the client's `usage` then throws.
   */
  usage?(options?: DriverCallOptions): Promise<Usage>;
  /** Asks the provider to stop the job. Left out by drivers whose provider cannot cancel. */
  cancel?(handle: JobHandle, options?: DriverCallOptions): Promise<void>;
  /**
   * Deletes an uploaded source together with every result made from it (jobs on it still running are stopped
   * by the provider). Left out by drivers whose provider cannot delete; the client's `deleteSource` then throws.
   */
  deleteSource?(asset: Asset, options?: DriverCallOptions): Promise<void>;
  /**
   * Reads an incoming callback and says which job it is about; throws `InvalidArgumentError` when the body is
   * not the provider's callback, or is not signed as the provider signs it (`capabilities.signedCallbacks`).
   * It sends nothing; it may be async (signature checks use Web Crypto). Left out by drivers without callbacks.
   */
  parseCallback?(request: CallbackRequest): CallbackHint | Promise<CallbackHint>;
}

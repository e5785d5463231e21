import type { CapabilityMatrix } from '../driver/capabilities.ts';
import type { CallbackHint, StemkitDriver } from '../driver/contract.ts';
import type { Logger } from '../logger.ts';
import type { Asset } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import type { AudioFormat, OutputFormat, StemName } from '../model/names.ts';
import type { Usage } from '../model/usage.ts';
import type { LocalStore } from './local-store.ts';

/**
 * Audio to separate: a `Blob` (or `File`), bytes, a Web stream, a remote `http(s)` URL, a named stream, an asset
 * uploaded before, or — with `@stemkit/core/node` only — a file path.
 *
 * @example
 * ```ts
 * const response = await fetch('https://cdn.example.com/song.mp3');
 * const source: SourceInput = { body: response.body!, name: 'song.mp3', size: 4_200_000 };
 * ```
 */
export type SourceInput =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | ReadableStream<Uint8Array>
  | URL
  | { readonly url: string }
  | {
      readonly body: ReadableStream<Uint8Array>;
      readonly name: string;
      readonly size?: number;
      readonly contentType?: string;
    }
  | Asset
  | string;

/**
 * A job, its handle, the handle's JSON text, or its `handleToToken` token: every client method that follows a
 * job takes any of them.
 *
 * @example
 * ```ts
 * await stemkit.get('sk1.eyJjb250cmFjdCI6MS…');
 * ```
 */
export type JobReference = Job | JobHandle | string;

/**
 * How `wait` polls. Defaults: first poll after 1 s, ×1.5 per poll with ±20 % jitter, capped at 15 s; a server
 * hint (`retryAfterMs`) wins when given; no deadline.
 *
 * @example
 * ```ts
 * createStemkit({ driver, wait: { timeoutMs: 10 * 60_000, maxDelayMs: 5_000 } });
 * ```
 */
export interface WaitOptions {
  /** Give up (with a `WaitTimeoutError` carrying the handle) after this many milliseconds. Default: none. */
  readonly timeoutMs?: number;
  /** Delay before the first poll of a job just started, in ms (default 1 000). */
  readonly initialDelayMs?: number;
  /** Longest delay between polls, in ms (default 15 000). */
  readonly maxDelayMs?: number;
  /** Growth of the delay per poll (default 1.5). */
  readonly factor?: number;
  /** Random spread of each delay, 0–1 (default 0.2 = ±20 %). */
  readonly jitter?: number;
  /** Consecutive transient poll failures tolerated before the last one surfaces (default 8). */
  readonly maxPollFailures?: number;
}

/**
 * Local fallbacks for what a driver cannot do provider-side: `mix` and `zip` of a job's stems, and `convert`
 * of a downloaded output to a format the provider does not deliver. `@stemkit/audio`'s `localAudio()` provides
 * all three; any object of this shape works.
 *
 * @example
 * ```ts
 * const plugin: StemkitPlugin = { name: 'zip-only', zip: async ({ files, name }) => ({ data: await zip(files), name }) };
 * ```
 */
export interface StemkitPlugin {
  /** Identifies the plugin (e.g. `local-audio`); `createStemkit` requires it to be non-empty. */
  readonly name: string;
  /**
   * The audio formats the plugin reads and writes (`mix` output, `convert` from and to); the client refuses a
   * local mix or conversion to any other before downloading anything. Absent: any format is tried.
   */
  readonly formats?: readonly string[];
  /**
   * Mixes downloaded stems into one file: each track's audio bytes with its volume (0–1) and pan (−1 to 1),
   * encoded as `format`.
   */
  mix?(input: {
    tracks: Array<{ stem: StemName; volume: number; pan: number; data: Uint8Array; format: string }>;
    format: string;
    name: string;
  }): Promise<{ data: Uint8Array; format: string; name: string }>;
  /** Packs downloaded files into one zip archive called `name`. */
  zip?(input: {
    files: Array<{ name: string; data: Uint8Array }>;
    name: string;
  }): Promise<{ data: Uint8Array; name: string }>;
  /**
   * Converts one downloaded file from `format` to `to`; the client calls it when `download` asks for a format
   * the driver does not declare.
   */
  convert?(input: {
    data: Uint8Array;
    format: string;
    to: string;
  }): Promise<{ data: Uint8Array; format: string }>;
}

/**
 * Options of `createStemkit`.
 *
 * @example
 * ```ts
 * const stemkit = createStemkit({ driver: sourcere({ username, password }), logger: console });
 * ```
 */
export interface StemkitOptions {
  /** The provider driver; swapping it is the only change an app needs to move providers. */
  readonly driver: StemkitDriver;
  /** Local fallbacks for `mix`, `zip` and format conversion, e.g. `[localAudio()]` from `@stemkit/audio`. */
  readonly plugins?: readonly StemkitPlugin[];
  /** Where stemkit writes what it does; every line is scrubbed of secrets. Default: silent. */
  readonly logger?: Logger;
  /** Defaults for every `wait`. */
  readonly wait?: WaitOptions;
  /**
   * Where files that exist on this machine only are kept (local mixes and zips, outputs a provider answered
   * with as bytes): default a temporary folder under `@stemkit/core/node`, else `memoryStore()` (256 MiB).
   */
  readonly localStore?: LocalStore;
}

/**
 * Options of `upload`.
 *
 * @example
 * ```ts
 * const asset = await stemkit.upload(file, { name: 'song.mp3', onProgress: (sent) => console.log(`${sent} bytes sent`) });
 * ```
 */
export interface UploadOptions {
  /** File name to give the provider (default: the `File`'s name, the path's base name or `source`). */
  readonly name?: string;
  /** Aborts fetching a remote source, the upload and the wait for the provider's metadata. */
  readonly signal?: AbortSignal;
  /** Called as bytes leave, with the running total. */
  readonly onProgress?: (sentBytes: number) => void;
  /**
   * The source is a transcript (text or JSON) to align, not audio: it is not sniffed as audio before the upload,
   * nor inspected after it. Without it, a source that is not audio, or holds none, is refused before any byte
   * is sent.
   */
  readonly transcript?: boolean;
}

/**
 * One target of `separate`, when stems need different formats or options.
 *
 * @example
 * ```ts
 * const targets: TargetInput[] = [{ stem: 'vocals', formats: ['wav', 'mp3'] }, { stem: 'drums', residual: true }];
 * ```
 */
export interface TargetInput {
  /** The stem or model to produce; a job takes each stem (with a given `variant`) once. */
  readonly stem: StemName;
  /** Output formats of this target (default: the shared `formats`, else `['wav']`). */
  readonly formats?: readonly OutputFormat[];
  /** Also return this target's residual, the input minus the stem (default: the shared `residual`). */
  readonly residual?: boolean;
  /** Provider model variant, e.g. `high_quality` (default: the shared `variant`); needs `variants`. */
  readonly variant?: string;
  /** Language code of the audio, 2–35 characters (default: the shared `language`); needs `languages`. */
  readonly language?: string;
  /** For `alignment`: the transcript to align (uploaded first unless the driver takes URLs). */
  readonly transcript?: SourceInput;
}

/**
 * What `separate` starts. Give `stems` (all sharing `formats` and options) and/or `targets`.
 *
 * @example
 * ```ts
 * const job = await stemkit.separate({ source: file, stems: ['vocals', 'drums'], formats: ['wav', 'mp3'] });
 * ```
 */
export interface SeparateOptions {
  /** The audio; uploaded first unless it is an uploaded asset or a URL the driver fetches (`urlInput`). */
  readonly source: SourceInput;
  /** Stems to produce (up to 64), all sharing `formats`, `residual`, `variant` and `language`. */
  readonly stems?: readonly StemName[];
  /** Targets with their own formats or options (up to 64); unset ones fall back to the shared options. */
  readonly targets?: readonly TargetInput[];
  /** Output formats of every target from `stems`, and of `targets` that name none (default `['wav']`). */
  readonly formats?: readonly OutputFormat[];
  /** Also return each target's residual, the input minus the stem, unless the target says otherwise. */
  readonly residual?: boolean;
  /** Model variant for every target that sets none, e.g. `high_quality`; needs the `variants` capability. */
  readonly variant?: string;
  /** Language code of the audio (2–35 characters) for every target that sets none; needs `languages`. */
  readonly language?: string;
  /** For `alignment` among `stems`: the transcript to align. */
  readonly transcript?: SourceInput;
  /** Separate only a section of the track, in seconds. */
  readonly trial?: { readonly start?: number; readonly seconds?: number };
  /** Where the provider calls back when the job changes (a hint to re-fetch, never a result). */
  readonly callbackUrl?: string;
  /** Free text (up to 10 000 characters) the provider stores with the job and returns as its `metadata`. */
  readonly metadata?: string;
  /** The provider's own priority value, passed through; providers without one ignore it with a warning. */
  readonly priority?: string;
  /** Provider-specific fields, passed through untouched. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /**
   * A key (1–255 characters) naming this job, so that starting it again with the same key makes no second job:
   * for drivers declaring `idempotentStart`, refused before any request on the others. Reuse it only for the
   * same request (a retried or resumed one).
   */
  readonly idempotencyKey?: string;
  /** File name for an upload, when the source does not carry one. */
  readonly name?: string;
  /** Aborts the uploads and the start request; a job already started keeps running (see `cancel`). */
  readonly signal?: AbortSignal;
  /** Called as the uploaded source's bytes leave, with the running total. */
  readonly onUploadProgress?: (sentBytes: number) => void;
}

/**
 * Options of `get` and `cancel`.
 *
 * @example
 * ```ts
 * await stemkit.get(handle, { signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface CallOptions {
  /** Aborts the one provider request (the status read of `get`, the cancel request of `cancel`). */
  readonly signal?: AbortSignal;
}

/**
 * Options of `get`.
 *
 * @example
 * ```ts
 * // One request, even behind a 429: the caller decides whether to ask again.
 * await stemkit.get(handle, { retry: false });
 * ```
 */
export interface GetOptions extends CallOptions {
  /**
   * `false`: the status is read with one request per provider job, never repeated by the transport (a 429 or a
   * 5xx is thrown at once). Default: retried like every idempotent request.
   */
  readonly retry?: boolean;
}

/**
 * Options of one `wait`, over the client's defaults.
 *
 * @example
 * ```ts
 * await stemkit.wait(job, { timeoutMs: 600_000, onProgress: (job) => console.log(job.status) });
 * ```
 */
export interface WaitCallOptions extends WaitOptions {
  /** Stops waiting, mid-sleep or mid-poll, with the signal's reason; the job carries on at the provider. */
  readonly signal?: AbortSignal;
  /** Called with the job after every poll. */
  readonly onProgress?: (job: Job) => void;
}

/**
 * Options of `download`.
 *
 * @example
 * ```ts
 * const { body } = await stemkit.download(asset, { format: 'mp3', job: handleToToken(job.handle) });
 * ```
 */
export interface DownloadOptions {
  /**
   * Another format of the same output: the provider converts when the driver declares the format, else a
   * plugin with `convert` does it on this machine (the file is then held in memory); otherwise
   * `UnsupportedCapabilityError` before any request.
   */
  readonly format?: OutputFormat;
  /** Aborts getting the link and the transfer, including reading `body` after `download` has resolved. */
  readonly signal?: AbortSignal;
  /**
   * The job the asset belongs to, needed to refresh its link when this client has not seen the job (an asset
   * read back from storage, say).
   */
  readonly job?: JobReference;
}

/**
 * A download in progress: the body streams; nothing is buffered.
 *
 * @example
 * ```ts
 * const { body, size } = await stemkit.download(asset);
 * console.log(size, (await new Response(body).arrayBuffer()).byteLength);
 * ```
 */
export interface DownloadResult {
  /** The asset as downloaded: the requested `format` and MIME type, the `url` and `expiresAt` used. */
  readonly asset: Asset;
  /** The file's bytes, streamed from the host; read it to the end or cancel it to free the connection. */
  readonly body: ReadableStream<Uint8Array>;
  /** Length in bytes, when the host said. */
  readonly size?: number;
}

/**
 * Options of `mix`. `volume` is 0–1 and `pan` −1 (left) to 1 (right).
 *
 * @example
 * ```ts
 * await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 0.5, pan: 0 }, { stem: 'drums', volume: 1, pan: -0.2 }] });
 * ```
 */
export interface MixOptions {
  /** The stems to mix (1–64), each with its volume and pan; the job must have finished them. */
  readonly tracks: ReadonlyArray<{ readonly stem: StemName; readonly volume: number; readonly pan: number }>;
  /** Base name of the mix (default `mix`); the asset is named `<name>.<format>`, whoever mixes. */
  readonly name?: string;
  /** Audio format of the mix (default `wav`). */
  readonly format?: AudioFormat;
  /** Aborts the provider's mix request or, with a plugin, fetching the job and downloading its stems. */
  readonly signal?: AbortSignal;
}

/**
 * Options of `zip`.
 *
 * @example
 * ```ts
 * const archive = await stemkit.zip(job, { stems: ['vocals', 'drums'], format: 'wav', name: 'stems.zip' });
 * ```
 */
export interface ZipOptions {
  /** The stems to pack (1–64); the job must have finished them. */
  readonly stems: readonly StemName[];
  /**
   * Audio format of the stems in the archive; the plugin fallback takes a stem in another format when the job
   * lacks this one and the provider cannot convert to it.
   */
  readonly format: AudioFormat;
  /** Base name of the archive (default `stems`); the asset is named `<name>.zip`, whoever zips. */
  readonly name?: string;
  /** Aborts the provider's zip request or, with a plugin, fetching the job and downloading its stems. */
  readonly signal?: AbortSignal;
}

/**
 * Options of `list`.
 *
 * @example
 * ```ts
 * for await (const job of stemkit.list({ pageSize: 100 })) console.log(job.id, job.status);
 * ```
 */
export interface ListOptions {
  /** Jobs per provider request, 1–100 (default 50). */
  readonly pageSize?: number;
  /** Aborts the page request in flight; iterating then throws instead of fetching another page. */
  readonly signal?: AbortSignal;
}

/**
 * An incoming callback, as a Web `Request` or its headers and body. Give the body raw — a string or bytes, as
 * `express.raw({ type: 'application/json' })` leaves it — so that a driver verifying signatures can check what was signed; a
 * parsed object is accepted only by drivers that do not (`capabilities.signedCallbacks` false).
 *
 * @example
 * ```ts
 * // Express: app.post('/hooks', express.raw({ type: 'application/json' }), …) and pass req.body (a Buffer) as body
 * const hint = await stemkit.callbacks.parse({ headers: new Headers({ 'content-type': 'application/json' }), body: '{}' });
 * ```
 */
export type CallbackInput = Request | { readonly headers: Headers; readonly body: unknown };

/**
 * The one client: every provider behind the same methods. Create it with `createStemkit`.
 *
 * @example
 * ```ts
 * const job = await stemkit.wait(await stemkit.separate({ source: file, stems: ['vocals'] }));
 * const { body } = await stemkit.download(job.targets[0]!.outputs[0]!);
 * ```
 */
export interface Stemkit {
  /** The driver's provider name. */
  readonly provider: string;
  /** What the driver can do. */
  readonly capabilities: CapabilityMatrix;
  /**
   * Uploads a source without starting a job; pass the asset to `separate` later. When the provider computes
   * metadata after an upload (the driver's `inspect`), it resolves with it — `durationSeconds`, `channels`,
   * `sampleRate` — and rejects with `UploadError` when the provider cannot decode the file.
   */
  upload(source: SourceInput, options?: UploadOptions): Promise<Asset>;
  /** Starts a job (uploading first when needed); does not wait for it. */
  separate(options: SeparateOptions): Promise<Job>;
  /** The job as it is now (one provider request). */
  get(job: JobReference, options?: GetOptions): Promise<Job>;
  /**
   * Polls until the job is terminal: resolves with `succeeded`, `partial` (inspect the failed targets) or
   * `canceled`; throws `JobFailedError` when it failed and `WaitTimeoutError` (with the handle) past the deadline.
   */
  wait(job: JobReference, options?: WaitCallOptions): Promise<Job>;
  /** Streams one output; refreshes an expired link once instead of failing. */
  download(asset: Asset, options?: DownloadOptions): Promise<DownloadResult>;
  /** Mixes stems of a finished job, provider-side or through a plugin. */
  mix(job: JobReference, options: MixOptions): Promise<Asset>;
  /** Zips stems of a finished job, provider-side or through a plugin. */
  zip(job: JobReference, options: ZipOptions): Promise<Asset>;
  /** Every job the account has, page by page. */
  list(options?: ListOptions): AsyncIterable<Job>;
  /**
   * The account's usage, as months of targets and minutes, the same shape on every driver with `usage`
   * (`capabilities.usage`); `UnsupportedCapabilityError` on the others, before any request.
   */
  usage(options?: CallOptions): Promise<Usage>;
  /** Asks the provider to stop the job. */
  cancel(job: JobReference, options?: CallOptions): Promise<void>;
  /**
   * Deletes an uploaded source (a job's `source`, or what `upload` returned) with every result the provider
   * made from it; running jobs on it are stopped. On drivers with `deleteSource` (`capabilities.deleteSource`),
   * `UnsupportedCapabilityError` on the others, before any request.
   *
   * @example
   * ```ts
   * const job = await stemkit.wait(await stemkit.separate({ source: 'song.mp3', stems: ['vocals'] }));
   * // …download the outputs, then free the provider's storage:
   * if (job.source) await stemkit.deleteSource(job.source);
   * ```
   */
  deleteSource(asset: Asset, options?: CallOptions): Promise<void>;
  /**
   * Reads provider callbacks and wakes the waits they concern; `parse` rejects with
   * `UnsupportedCapabilityError` if the driver has none. `createCallbackReceiver` does both for a server.
   */
  readonly callbacks: {
    /** Reads an incoming callback into the handle to re-fetch; a callback is a hint, never a result. */
    parse(request: CallbackInput): Promise<CallbackHint>;
    /**
     * Says the job may have changed: every `wait` on it in this client polls within a quarter of a second
     * (a burst of callbacks costs one poll), and a `wait` that starts on it later polls at once. Resolves with
     * the job as a woken wait's poll read it, or `undefined` when nothing here waits on it (or that poll
     * failed). It sends nothing itself, and trusts nothing: only the poll changes what a wait sees.
     */
    wake(job: JobReference): Promise<Job | undefined>;
  };
}

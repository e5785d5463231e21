import { createHash } from 'node:crypto';
import { opendir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  InvalidArgumentError,
  type Logger,
  type OutputFormat,
  type StemName,
  type WaitOptions,
} from '@stemkit/core';
import type { NodeStemkit } from '@stemkit/core/node';
import type { JobWithMetadata } from 'pg-boss';
import { type ExistingOutputs, ExistingOutputsError, existingOutputs } from './existing.ts';
import { BatchInput, type IntakeProgress } from './input.ts';
import { type BatchItem, resolveItem, type TrackRequest } from './items.ts';
import {
  type BatchRow,
  type NewTrack,
  type StateCounts,
  type TrackOutput,
  type TrackRow,
  type TrackState,
  trackJobId,
} from './ledger.ts';
import { type BatchQueue, openBatchQueue } from './queue.ts';
import type { SourceRule } from './sources.ts';
import { processTrack } from './track.ts';

/**
 * How a finished track ended, as `runBatch` yields it and the report lists it.
 *
 * @example
 * ```ts
 * for await (const result of runBatch(stemkit, items, { out: 'stems' })) {
 *   if (result.status === 'failed') console.error(result.name, result.error);
 * }
 * ```
 */
export interface TrackResult {
  /** The track's key in the ledger: its output name. */
  readonly key: string;
  /** Its output folder under the batch's `out`. */
  readonly name: string;
  /** The source it was read from. */
  readonly source: string;
  /** `done` when every stem was written; `failed` otherwise, with `error`. */
  readonly status: 'done' | 'failed';
  /** The provider job's id, once one was started. */
  readonly jobId: string | null;
  /** The files written, relative to `out`. */
  readonly outputs: readonly TrackOutput[];
  /** Why it failed, secrets masked. */
  readonly error: string | null;
  /**
   * Starts whose answer a crash lost on a provider that cannot list its jobs: each may have left one unused
   * provider job behind (0 almost always).
   */
  readonly uncertainStarts: number;
}

/**
 * How many tracks are where.
 *
 * @example
 * ```ts
 * const line = (counts: BatchCounts) => `${counts.done}/${counts.total} done, ${counts.failed} failed`;
 * ```
 */
export interface BatchCounts {
  /** Tracks in the batch so far. */
  readonly total: number;
  /** Waiting for a worker (including retries waiting for their backoff). */
  readonly queued: number;
  /** In a worker's hands: uploading, starting, waiting for the provider or downloading. */
  readonly running: number;
  /** Finished with every stem written. */
  readonly done: number;
  /** Finished without. */
  readonly failed: number;
}

/**
 * A track moved: the ledger says it is now in `state`. Seen the same way whichever machine moved it.
 *
 * @example
 * ```ts
 * const onEvent = (event: BatchEvent) => console.log(JSON.stringify(event));
 * ```
 */
export interface BatchEvent {
  /** The track's key. */
  readonly key: string;
  /** Where it is now. */
  readonly state: TrackState;
  /** The provider job's id, once started. */
  readonly jobId: string | null;
  /** The last failure's reason: final when `state` is `failed`, else that of an attempt being retried. */
  readonly error: string | null;
  /** The whole batch's counts as the ledger kept them when this move was read. */
  readonly counts: BatchCounts;
}

/**
 * Callbacks for a batch: the provider's callbacks, served by `createCallbackReceiver` over the same client,
 * wake each track's wait, so a job costs about one status request instead of a polling schedule; polling slows
 * to a safety net meanwhile.
 *
 * @example
 * ```ts
 * const callbacks: BatchCallbacks = { url: 'https://hooks.example.com/stemkit' };
 * ```
 */
export interface BatchCallbacks {
  /**
   * The receiver's address, passed with each job to a provider that takes one per job (Sourcere, the legacy
   * API). Leave it out for the Tasks API, which calls the account webhook: register it once (`POST /webhooks`).
   */
  readonly url?: string;
  /** Polls of a job meanwhile, in ms (default 60 000): the safety net for a callback that never comes. */
  readonly pollMs?: number;
}

/**
 * Options of {@link runBatch}.
 *
 * @example
 * ```ts
 * const options: BatchOptions = { out: 'stems', stems: ['vocals', 'instrumental'], concurrency: 8 };
 * ```
 */
export interface BatchOptions {
  /** The output folder: each track's files go to `<out>/<name>/<stem>.<format>`. */
  readonly out: string;
  /** The queue and ledger (default: the embedded one in `<out>/.stemkit-batch`, opened and closed here). */
  readonly queue?: BatchQueue;
  /** Names the batch in the ledger (default: derived from `out`, so the same command resumes the same batch). */
  readonly id?: string;
  /** Stems of items that name none (default: `['vocals', 'instrumental']`). */
  readonly stems?: readonly StemName[];
  /**
   * Formats of items that name none (default `['wav']`). One the provider does not deliver is asked as wav and
   * converted on this machine at download, by the client's convert plugin (`localAudio()` from `@stemkit/audio`).
   */
  readonly formats?: readonly OutputFormat[];
  /** Also each stem's residual, the input minus the stem, written as `<stem>_residual.<format>`. */
  readonly residual?: boolean;
  /** The provider's model variant for every track, e.g. `high_quality` (needs the `variants` capability). */
  readonly variant?: string;
  /**
   * What to do with tracks the ledger does not know whose output files are already in `out` (the ledger folder
   * was deleted): `refuse` (default) throws {@link ExistingOutputsError} before any provider job, `adopt` takes
   * a track with every file as done without a job, `redo` separates them again (a billed job each).
   */
  readonly existingOutputs?: ExistingOutputs;
  /** Tracks this process works on at once (default 4); 0 only queues and follows, for workers elsewhere. */
  readonly concurrency?: number;
  /** Polling of each track's `wait`, over the client's defaults. */
  readonly wait?: WaitOptions;
  /** Callbacks that wake the tracks' waits (serve `createCallbackReceiver(stemkit)` meanwhile). */
  readonly callbacks?: BatchCallbacks;
  /** How long an interrupted start's request may still take to land, before looking it up (default 5 000 ms). */
  readonly settleMs?: number;
  /** Stops the batch: tracks in hand go back to the queue, and the same call later resumes. */
  readonly signal?: AbortSignal;
  /**
   * Told of every track's every move out of `queued`, wherever it happened (tracks an earlier run finished
   * first). Tracks entering the queue are told by `onIntake` and the counts, a statement at a time.
   */
  readonly onEvent?: (event: BatchEvent) => void;
  /** Told how intake goes: after each statement of tracks queued (`phase: 'queueing'`, `rows` of `total`). */
  readonly onIntake?: (progress: IntakeProgress) => void;
  /** Gets the queue's warnings. */
  readonly logger?: Logger;
  /**
   * The folder local sources must be in (symbolic links resolved); files elsewhere fail their track before any
   * upload. Default: on the embedded queue, any regular file; on a shared (PostgreSQL) queue, whose workers here
   * also run batches others queued, no local file at all. Pseudo-filesystems (`/proc`, `/sys`, `/dev`) are
   * refused whatever this says.
   */
  readonly sources?: string;
}

/** How often the ledger is read for changes, in ms. */
const FOLLOW_MS = 250;
/** Tracks queued per statement. */
const CHUNK = 1_000;

/**
 * Separates every item, yielding each track's result as it finishes — the tracks finished by an earlier run of
 * the same batch first. Every step is recorded in a durable ledger beside a pg-boss queue (embedded PGlite, or
 * PostgreSQL shared with `runWorker` processes on other machines), so a run stopped at any point — Ctrl-C, a
 * crash, SIGKILL — and started again resumes: no provider job is started twice for a track, finished outputs
 * are not downloaded again, and a half-written file is never taken for a finished one.
 *
 * `items` may be an async iterable that never ends (a folder being watched): the batch then runs until
 * `signal` aborts.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core/node';
 * import { audioshakeTasks } from '@stemkit/audioshake';
 * import { readBatchInput, runBatch } from '@stemkit/batch';
 *
 * const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey }) });
 * const items = await readBatchInput('catalogue.csv');
 * for await (const result of runBatch(stemkit, items, { out: 'stems', stems: ['vocals', 'instrumental'] })) {
 *   console.log(result.name, result.status, result.error ?? '');
 * }
 * ```
 */
export async function* runBatch(
  stemkit: NodeStemkit,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  options: BatchOptions,
): AsyncGenerator<TrackResult, void, undefined> {
  const concurrency = options.concurrency ?? 4;
  waitingOptions(stemkit, options);
  if (!Number.isInteger(concurrency) || concurrency < 0) {
    throw new InvalidArgumentError('concurrency', 'must be a whole number, 0 or more');
  }
  if (typeof options.out !== 'string' || options.out === '') {
    throw new InvalidArgumentError('out', 'must be a folder path');
  }
  const out = resolve(options.out);
  const sources = sourceRule(options.sources, (options.queue?.kind ?? 'embedded') === 'embedded');
  const queue =
    options.queue ??
    (await openBatchQueue({ directory: join(out, '.stemkit-batch'), ...withLogger(options.logger) }));
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let fatal: unknown;
  const worker = { id: undefined as string | undefined };
  let name = '';
  try {
    name = await queue.queueFor(stemkit.provider);
    const id = options.id ?? defaultBatchId(out);
    const defaults = {
      stems: options.stems ?? ['vocals', 'instrumental'],
      formats: options.formats ?? ['wav'],
    };
    const batch = await queue.ledger.openBatch({ id, provider: stemkit.provider, out, ...defaults });
    if (batch.provider !== stemkit.provider) {
      throw new InvalidArgumentError(
        'id',
        `batch "${id}" runs on ${batch.provider}, not ${stemkit.provider}`,
      );
    }
    const existing = options.existingOutputs ?? 'refuse';
    if (!['refuse', 'adopt', 'redo'].includes(existing)) {
      throw new InvalidArgumentError('existingOutputs', "must be 'refuse', 'adopt' or 'redo'");
    }
    // Outputs the ledger cannot know of are looked for only where they can be: a batch the ledger holds no
    // track of (its ledger was deleted, or its id changed) whose output folder already holds something.
    const checkExisting =
      existing !== 'redo' && isEmpty(await queue.ledger.counts(batch.id)) && (await holdsEntries(out));
    const extra = {
      ...(options.residual ? { residual: true } : {}),
      ...(options.variant === undefined ? {} : { variant: options.variant }),
    };
    const feeding = feed(queue, name, batch, items, { ...defaults, ...extra }, signal, options.onIntake, {
      check: checkExisting,
      existing,
    });
    feeding.done.catch((error: unknown) => {
      fatal ??= error;
      stop.abort(error);
    });
    if (concurrency > 0) {
      worker.id = await work(queue, name, stemkit, concurrency, {
        ...options,
        sources,
        signal,
        onFatal: (error) => {
          fatal ??= error;
          stop.abort(error);
        },
      });
    }
    yield* follow(queue, batch.id, feeding, signal, options.onEvent);
    if (fatal !== undefined) throw fatal;
  } finally {
    stop.abort();
    if (worker.id !== undefined)
      await queue.boss.offWork(name, { id: worker.id, wait: true }).catch(() => {});
    if (!options.queue) await queue.close();
  }
  if (fatal !== undefined) throw fatal;
  options.signal?.throwIfAborted();
}

/**
 * Options of {@link runWorker}.
 *
 * @example
 * ```ts
 * const options: WorkerOptions = { queue, concurrency: 16, signal: AbortSignal.timeout(3_600_000) };
 * ```
 */
export interface WorkerOptions {
  /** The shared queue (a `postgres://` one, to be useful on several machines). */
  readonly queue: BatchQueue;
  /** Tracks worked on at once (default 4). */
  readonly concurrency?: number;
  /** Polling of each track's `wait`, over the client's defaults. */
  readonly wait?: WaitOptions;
  /** Callbacks that wake the tracks' waits (serve `createCallbackReceiver(stemkit)` meanwhile). */
  readonly callbacks?: BatchCallbacks;
  /** How long an interrupted start's request may still take to land, before looking it up (default 5 000 ms). */
  readonly settleMs?: number;
  /** Stops the worker: tracks in hand go back to the queue. */
  readonly signal?: AbortSignal;
  /** Told of every track this worker ends. */
  readonly onResult?: (result: TrackResult) => void;
  /**
   * The folder local sources must be in (symbolic links resolved). A worker runs manifests written by someone
   * else, so without it no local file is read: tracks with a local source fail before any upload, URL sources
   * run. Pseudo-filesystems (`/proc`, `/sys`, `/dev`) are refused whatever this says.
   */
  readonly sources?: string;
}

/**
 * Works the tracks of every batch queued for this client's provider, until `signal` aborts; resolves then.
 * Run it on as many machines as you like against one PostgreSQL queue: pg-boss hands each track to one worker
 * at a time, a worker that dies has its tracks handed to others once its heartbeat stops, and the ledger makes
 * every attempt resume where the last one stopped. A credential refusal rejects it.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core/node'; // the Node client: a worker writes files
 *
 * const queue = await openBatchQueue({ url: process.env.STEMKIT_QUEUE });
 * const fetch = queue.rateLimitedFetch({ requestsPerSecond: 50, key: 'audioshake:main' });
 * const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey, fetch }) });
 * await runWorker(stemkit, { queue, concurrency: 16, signal: controller.signal });
 * ```
 */
export async function runWorker(stemkit: NodeStemkit, options: WorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? 4;
  waitingOptions(stemkit, options);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError('concurrency', 'must be a whole number, 1 or more');
  }
  const { queue } = options;
  const sources = sourceRule(options.sources, false);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let fatal: unknown;
  const name = await queue.queueFor(stemkit.provider);
  const id = await work(queue, name, stemkit, concurrency, {
    ...options,
    sources,
    signal,
    onFatal: (error) => {
      fatal ??= error;
      stop.abort(error);
    },
  });
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await queue.boss.offWork(name, { id, wait: true }).catch(() => {});
  if (fatal !== undefined) throw fatal;
}

/** The batch id a folder gets: its name and a hash of its absolute path. */
export function defaultBatchId(out: string): string {
  const absolute = resolve(out);
  const base = absolute.split(/[\\/]/).filter(Boolean).at(-1) ?? 'batch';
  return `${base.replace(/[^\w.-]/g, '_').slice(0, 40)}-${createHash('sha256').update(absolute).digest('hex').slice(0, 8)}`;
}

/** The rule for local sources: under `root` when given, else anywhere (one machine) or nowhere (a shared queue). */
function sourceRule(root: string | undefined, localFiles: boolean): SourceRule {
  if (root !== undefined && (typeof root !== 'string' || root === '')) {
    throw new InvalidArgumentError('sources', 'must be a folder path');
  }
  return root === undefined ? { localFiles } : { root: resolve(root) };
}

/** Whether a batch's ledger holds no track at all. */
function isEmpty(counts: StateCounts): boolean {
  return Object.values(counts).every((tracks) => !tracks);
}

/** Whether `out` holds anything besides the ledger's own folder (reads no more of it than its first entries). */
async function holdsEntries(out: string): Promise<boolean> {
  const folder = await opendir(out).catch(() => undefined);
  if (!folder) return false;
  try {
    for await (const entry of folder) {
      if (entry.name !== '.stemkit-batch') return true;
    }
    return false;
  } finally {
    await folder.close().catch(() => {});
  }
}

function withLogger(logger: Logger | undefined) {
  return logger ? { logger } : {};
}

/** How the tracks wait: polling only, or woken by callbacks with polling as a safety net. */
function waitingOptions(
  stemkit: NodeStemkit,
  options: { readonly wait?: WaitOptions; readonly callbacks?: BatchCallbacks },
): { wait: WaitOptions | undefined; callbackUrl: string | undefined } {
  const { callbacks } = options;
  if (callbacks === undefined) return { wait: options.wait, callbackUrl: undefined };
  const kind = stemkit.capabilities.callbacks;
  if (kind === false || !stemkit.capabilities.parseCallbacks) {
    throw new InvalidArgumentError('callbacks', `${stemkit.provider} sends no callbacks`);
  }
  if (kind === 'per-job' && callbacks.url === undefined) {
    throw new InvalidArgumentError(
      'callbacks.url',
      `is needed: ${stemkit.provider} takes a callback URL per job`,
    );
  }
  if (kind === 'account' && callbacks.url !== undefined) {
    throw new InvalidArgumentError(
      'callbacks.url',
      `must be left out: ${stemkit.provider} calls the account's webhook, registered once`,
    );
  }
  const pollMs = callbacks.pollMs ?? 60_000;
  if (!(pollMs > 0) || !Number.isFinite(pollMs)) {
    throw new InvalidArgumentError('callbacks.pollMs', 'must be a positive number of milliseconds');
  }
  return {
    wait: { ...options.wait, initialDelayMs: pollMs, maxDelayMs: pollMs },
    callbackUrl: callbacks.url,
  };
}

/** Tracks in the first statement of intake, so workers start at once; later ones take {@link CHUNK}. */
const FIRST_CHUNK = 50;

/** Whether two lists hold the same names in the same order. */
function sameList(left: readonly string[], right: readonly string[] | null | undefined): boolean {
  return (
    right !== null &&
    right !== undefined &&
    left.length === right.length &&
    left.every((each, index) => each === right[index])
  );
}

/** Queues the jobs of these tracks: an id already queued is skipped, one failed for good is revived. */
async function enqueue(
  queue: BatchQueue,
  name: string,
  batch: string,
  keys: readonly string[],
  revive: boolean,
) {
  if (keys.length === 0) return;
  const jobs = keys.map((key) => ({ id: trackJobId(batch, key), data: { batch, key } }));
  await queue.boss.insert(name, jobs);
  // A job a worker was killed in once too often is failed in pg-boss while its track is unfinished.
  if (revive)
    await queue.boss.retry(
      name,
      jobs.map((job) => job.id),
    );
}

/**
 * Adds items to the ledger and their jobs to the queue, in statements of up to {@link CHUNK} tracks, as the
 * iterable yields them: workers start on the first while later ones are written, and no more than one
 * statement's tracks are held at once. A resumed batch first requeues the tracks its ledger holds unfinished
 * (through an index, a page at a time), so a run killed anywhere in intake loses none and queues none twice;
 * a rerun on the same checked input whose intake completed reads none of its rows again.
 */
function feed(
  queue: BatchQueue,
  name: string,
  batch: BatchRow,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  defaults: {
    stems: readonly StemName[];
    formats: readonly OutputFormat[];
    residual?: boolean;
    variant?: string;
  },
  signal: AbortSignal,
  onIntake: ((progress: IntakeProgress) => void) | undefined,
  outputs: { readonly check: boolean; readonly existing: ExistingOutputs },
): { done: Promise<void>; finished: () => boolean } {
  let finished = false;
  const done = (async () => {
    for (let after = 0; ; ) {
      signal.throwIfAborted();
      const rows = await queue.ledger.page(batch.id, 'unfinished', after, CHUNK);
      await enqueue(
        queue,
        name,
        batch.id,
        rows.map((row) => row.key),
        true,
      );
      if (rows.length < CHUNK) break;
      after = (rows.at(-1) as TrackRow).position;
    }
    const input = items instanceof BatchInput ? items : undefined;
    if (input && batch.intake === input.fingerprint) {
      onIntake?.({ phase: 'queueing', rows: input.count, total: input.count });
      finished = true;
      return;
    }
    const { residual, variant } = defaults;
    const requestOf = (item: BatchItem, field: string): TrackRequest => ({
      ...resolveItem(item, defaults, field),
      ...(residual ? { residual } : {}),
      ...(variant === undefined ? {} : { variant }),
    });
    // Code may hand over the same name twice; a checked input holds none (its names were indexed).
    const seen = input || !Array.isArray(items) ? undefined : new Set<string>();
    const live = !input && !Array.isArray(items);
    /** Tracks of `tracks` new to the ledger whose files are already in `out`, each with its files if complete. */
    const withOutputs = async (tracks: readonly TrackRequest[]) => {
      const found: Array<{ key: string; outputs: TrackOutput[] | undefined }> = [];
      if (!outputs.check || tracks.length === 0) return found;
      const known = await queue.ledger.known(
        batch.id,
        tracks.map((track) => track.name),
      );
      for (const track of tracks) {
        if (known.has(track.name)) continue;
        const files = await existingOutputs(batch.out, track);
        if (files.found > 0) found.push({ key: track.name, outputs: files.outputs });
      }
      return found;
    };
    // A refusal counts the tracks and names the first ten, whatever the input's size.
    const tally = { count: 0, complete: 0, names: [] as string[] };
    const note = (found: ReadonlyArray<{ key: string; outputs: TrackOutput[] | undefined }>) => {
      for (const track of found) {
        tally.count += 1;
        if (track.outputs) tally.complete += 1;
        if (tally.names.length < 10) tally.names.push(track.key);
      }
    };
    const refuse = () => {
      if (tally.count > 0) throw new ExistingOutputsError(batch.out, tally);
    };
    // An input that can be read twice (a list, a checked manifest or folder) is checked whole before anything
    // is queued, so a refusal leaves nothing half-started; a live one (a watched folder) a statement at a time.
    const prechecked = outputs.check && outputs.existing === 'refuse' && !live;
    if (prechecked) {
      const once = new Set<string>();
      let pending: TrackRequest[] = [];
      let position = 0;
      for await (const item of items) {
        signal.throwIfAborted();
        const request = requestOf(item, `items.${position++}`);
        if (seen) {
          if (once.has(request.name)) continue;
          once.add(request.name);
        }
        pending.push(request);
        if (pending.length >= CHUNK) {
          note(await withOutputs(pending));
          pending = [];
        }
      }
      note(await withOutputs(pending));
      refuse();
    }
    let chunk: TrackRequest[] = [];
    let index = 0;
    let queued = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const found = prechecked ? [] : await withOutputs(chunk);
      if (outputs.existing === 'refuse') {
        note(found);
        refuse();
      }
      const added = await queue.ledger.addTracks(
        batch.id,
        chunk.map(
          (request): NewTrack => ({
            key: request.name,
            source: request.source,
            ...(sameList(request.stems, batch.stems) ? {} : { stems: request.stems }),
            ...(sameList(request.formats, batch.formats) ? {} : { formats: request.formats }),
            ...(request.residual ? { residual: true } : {}),
            ...(request.variant === undefined ? {} : { variant: request.variant }),
          }),
        ),
      );
      const adopted = new Set<string>();
      for (const track of found) {
        if (!track.outputs) continue;
        await queue.ledger.adopt(batch.id, track.key, track.outputs);
        adopted.add(track.key);
      }
      await enqueue(
        queue,
        name,
        batch.id,
        adopted.size === 0 ? added : added.filter((key) => !adopted.has(key)),
        false,
      );
      queued += chunk.length;
      chunk = [];
      onIntake?.({ phase: 'queueing', rows: queued, ...(input ? { total: input.count } : {}) });
    };
    for await (const item of items) {
      signal.throwIfAborted();
      const request = requestOf(item, `items.${index++}`);
      if (seen?.has(request.name)) continue;
      seen?.add(request.name);
      chunk.push(request);
      // A watched folder's files go as they land; a list goes in statements, the first one small.
      if (live || chunk.length >= (queued === 0 ? FIRST_CHUNK : CHUNK)) await flush();
    }
    await flush();
    if (input?.fingerprint) await queue.ledger.completeIntake(batch.id, input.fingerprint);
    finished = true;
  })();
  return { done, finished: () => finished };
}

/** What a track's queue job carries. */
interface TrackJobData {
  batch: string;
  key: string;
}

/** Registers this process's workers on the queue; returns the work id. */
async function work(
  queue: BatchQueue,
  name: string,
  stemkit: NodeStemkit,
  concurrency: number,
  options: {
    readonly wait?: WaitOptions;
    readonly callbacks?: BatchCallbacks;
    readonly settleMs?: number;
    readonly sources: SourceRule;
    readonly signal: AbortSignal;
    readonly onFatal: (error: unknown) => void;
    readonly onResult?: (result: TrackResult) => void;
  },
): Promise<string> {
  const batches = new Map<string, Promise<BatchRow | undefined>>();
  const waiting = waitingOptions(stemkit, options);
  const settings = {
    localConcurrency: concurrency,
    includeMetadata: true,
    pollingIntervalSeconds: queue.pollSeconds,
    // While tracks are waiting, a worker that just finished one takes the next at once instead of after a poll.
    burstWhenReadyExceeds: 1,
  } as const;
  return queue.boss.work<TrackJobData, unknown, typeof settings>(
    name,
    settings,
    async (jobs: Array<JobWithMetadata<TrackJobData>>) => {
      for (const job of jobs) {
        const { batch: id, key } = job.data;
        if (!batches.has(id)) batches.set(id, queue.ledger.batch(id));
        const batch = await batches.get(id);
        if (!batch) continue;
        await processTrack(
          {
            stemkit,
            ledger: queue.ledger,
            batch,
            settleMs: options.settleMs ?? 5_000,
            sources: options.sources,
            ...waiting,
            onFatal: options.onFatal,
          },
          key,
          {
            retryCount: job.retryCount,
            retryLimit: job.retryLimit,
            signal: AbortSignal.any([job.signal, options.signal]),
          },
        );
        if (options.onResult) {
          const row = await queue.ledger.track(id, key);
          if (row && (row.state === 'done' || row.state === 'failed')) options.onResult(resultOf(row));
        }
      }
    },
  );
}

/** A batch's counts from the ledger's counts per state. */
function countsOf(states: StateCounts): BatchCounts {
  const count = (state: TrackState) => states[state] ?? 0;
  const running = count('uploading') + count('creating') + count('running') + count('downloading');
  const [queued, done, failed] = [count('queued'), count('done'), count('failed')];
  return { total: queued + running + done + failed, queued, running, done, failed };
}

/** How far back each read of the ledger looks: a write stamped before `now` may commit after the read. */
const LOOK_BACK_MS = 5_000;

/**
 * Reads the ledger for moves until every track is finished and no more are coming. Memory stays flat in the
 * batch's size: tracks an earlier run finished are read a page at a time, moves are read through an index of
 * moved tracks, the counts come from the ledger's own, and only the moves of the last few seconds are
 * remembered (to tell a move read twice from a new one).
 */
async function* follow(
  queue: BatchQueue,
  batch: string,
  feeding: { done: Promise<void>; finished: () => boolean },
  signal: AbortSignal,
  onEvent: ((event: BatchEvent) => void) | undefined,
): AsyncGenerator<TrackResult> {
  const seen = new Map<string, { revision: number; at: number }>();
  const ended = (state: TrackState | undefined) => state === 'done' || state === 'failed';
  const tell = (row: TrackRow, counts: BatchCounts) =>
    onEvent?.({ key: row.key, state: row.state, jobId: row.jobId, error: row.error, counts: { ...counts } });
  let since = new Date((await queue.ledger.now()).getTime() - LOOK_BACK_MS);
  // What an earlier run finished, first; a track finishing meanwhile is read again below, and told once.
  let counts = countsOf(await queue.ledger.counts(batch));
  for await (const row of queue.ledger.each(batch, 'finished')) {
    if (row.updatedAt >= since.getTime()) seen.set(row.key, { revision: row.revision, at: row.updatedAt });
    tell(row, counts);
    yield resultOf(row);
  }
  for (;;) {
    const settled = feeding.finished();
    // Counts before moves: a track counted finished here has committed, so the read below sees it.
    counts = countsOf(await queue.ledger.counts(batch));
    const changed = await queue.ledger.changes(batch, since);
    for (const row of changed.rows) {
      const previous = seen.get(row.key);
      if (previous && previous.revision >= row.revision) continue;
      seen.set(row.key, { revision: row.revision, at: row.updatedAt });
      tell(row, counts);
      if (ended(row.state)) yield resultOf(row);
    }
    since = new Date(changed.now.getTime() - LOOK_BACK_MS);
    // A move older than the look-back is not read again: it need not be remembered.
    for (const [key, move] of seen) if (move.at < since.getTime()) seen.delete(key);
    if (settled && counts.queued === 0 && counts.running === 0) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
    signal.throwIfAborted();
  }
}

/**
 * Every finished track of a batch, from its ledger, a page at a time in the order they were added: what
 * `runBatch` yielded over all its runs, read without holding it. Feed it to {@link writeBatchReport}.
 *
 * @example
 * ```ts
 * await writeBatchReport(batchResults(queue, { out: 'stems' }), 'stems/batch-report');
 * ```
 */
export async function* batchResults(
  queue: BatchQueue,
  batch: { readonly out: string; readonly id?: string },
): AsyncGenerator<TrackResult> {
  for await (const row of queue.ledger.each(batch.id ?? defaultBatchId(batch.out), 'finished')) {
    yield resultOf(row);
  }
}

/** A finished track's ledger row, as a result. */
export function resultOf(row: TrackRow): TrackResult {
  return {
    key: row.key,
    name: row.request.name,
    source: row.request.source,
    status: row.state === 'done' ? 'done' : 'failed',
    jobId: row.jobId,
    outputs: row.outputs,
    error: row.state === 'done' ? null : row.error,
    uncertainStarts: row.uncertainStarts,
  };
}

import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Asset,
  isAbortError,
  type Job,
  type JobHandle,
  outputBaseName,
  RateLimitError,
  redact,
  StemkitError,
  type WaitOptions,
} from '@stemkit/core';
import type { NodeStemkit } from '@stemkit/core/node';
import type { BatchRow, Ledger, TrackOutput, TrackRow } from './ledger.ts';
import { trackMarker } from './ledger.ts';
import { whileStarting } from './sending.ts';
import { checkSource, type SourceRule } from './sources.ts';

/** What processing one track needs. */
export interface TrackContext {
  readonly stemkit: NodeStemkit;
  readonly ledger: Ledger;
  readonly batch: BatchRow;
  /** How long after an interrupted start its request may still land at the provider, in ms. */
  readonly settleMs: number;
  /** Polling of `wait`, over the client's defaults (a slow safety net when callbacks wake the waits). */
  readonly wait: WaitOptions | undefined;
  /** Where the provider calls back about each job, when it takes a URL per job. */
  readonly callbackUrl: string | undefined;
  /** Told of a failure that every track would meet (credentials refused): the run stops. */
  readonly onFatal: (error: unknown) => void;
  /** Which local files this process may read for a track: checked before anything is uploaded. */
  readonly sources: SourceRule;
}

/** The pg-boss attempt running the track: `retryCount` fences the ledger writes, `signal` ends on a lost claim. */
export interface TrackAttempt {
  readonly retryCount: number;
  readonly retryLimit: number;
  readonly signal: AbortSignal;
}

/** A later attempt took the track over: this one stops without touching it. */
class SupersededError extends Error {}

/** Clients seen sending a start through the batch's fetch, which then records the intent itself. */
const sendsThroughBatch = new WeakSet<object>();

/**
 * Runs one track from wherever its ledger row says it is: nothing is done twice. The provider job is started
 * only after the intent is recorded, and its handle is recorded before anything waits on it; outputs already
 * in place are not downloaded again. Permanent failures end the track `failed` with the reason; transient ones
 * throw, and pg-boss retries the track (from the ledger) with backoff until its retries run out.
 */
export async function processTrack(context: TrackContext, key: string, attempt: TrackAttempt): Promise<void> {
  const { ledger, batch } = context;
  const row = await ledger.track(batch.id, key);
  if (!row || row.state === 'done' || row.state === 'failed') return;
  try {
    // A job just started is waited on as it is: its first poll comes after a delay, or a callback.
    const started = row.handle ?? (await start(context, row, attempt));
    await ledger.setState(batch.id, key, 'running');
    const job = await waitForJob(context, started, attempt.signal);
    await ledger.setState(batch.id, key, 'downloading');
    await downloadOutputs(context, row, job, attempt.signal);
    const failed = job.targets.filter((target) => target.status !== 'succeeded');
    const reason =
      job.status === 'canceled'
        ? 'canceled at the provider'
        : failed.map((target) => `${target.stem}: ${target.error?.message ?? target.status}`).join('; ');
    await ledger.settle(
      batch.id,
      key,
      failed.length === 0 ? 'done' : 'failed',
      failed.length ? reason : null,
    );
  } catch (error) {
    if (error instanceof SupersededError) return;
    if (isAbortError(error) || attempt.signal.aborted) throw error;
    if (StemkitError.isInstance(error) && error.code === 'auth') {
      context.onFatal(error);
      throw error;
    }
    const reason = reasonOf(error);
    if (isPermanent(error) || attempt.retryCount >= attempt.retryLimit) {
      await ledger.settle(batch.id, key, 'failed', reason);
      return;
    }
    await ledger.noteError(batch.id, key, reason);
    throw error;
  }
}

/**
 * Starts the provider job of a track that has no handle yet. A previous attempt may have sent the start and
 * died before recording the answer: on a provider that lists its jobs, that job is looked up by the marker
 * in its metadata and adopted; on one that cannot, the start is counted as uncertain (the report says so).
 * A start request in flight is never aborted: Ctrl-C lets it finish and be recorded, so only a process killed
 * outright leaves an outcome unknown.
 */
async function start(context: TrackContext, row: TrackRow, attempt: TrackAttempt): Promise<Job | JobHandle> {
  const { stemkit, ledger, batch } = context;
  const { signal } = attempt;
  const marker = trackMarker(batch.id, row.key);
  const canList = stemkit.capabilities.list;
  // A provider that takes an idempotency key needs no search: the start is sent again with the track's key, and
  // the provider answers with the job an interrupted attempt made (or refuses the key), never a second one.
  const idempotent = stemkit.capabilities.idempotentStart;
  if (row.state === 'creating' && !idempotent) {
    const found = canList
      ? await patiently(() => findStarted(context, row, marker, signal), signal)
      : undefined;
    if (found) {
      if (!(await ledger.intend(batch.id, row.key, attempt.retryCount))) throw new SupersededError();
      if (!(await ledger.recordHandle(batch.id, row.key, attempt.retryCount, found.handle, found.id))) {
        throw new SupersededError();
      }
      return found.handle;
    }
    if (!canList) await ledger.countUncertainStart(batch.id, row.key);
  }
  await ledger.setState(batch.id, row.key, 'uploading');
  const { request } = row;
  const isUrl = /^https?:\/\//i.test(request.source);
  // Uploading creates no job, so it happens before the intent: the window in which a crash leaves the outcome
  // of a start unknown is the start request alone.
  // A manifest is someone else's word: the file it names is checked before a byte of it leaves this machine.
  const readable = await checkSource(request.source, context.sources);
  const source =
    isUrl && stemkit.capabilities.urlInput
      ? new URL(readable)
      : await patiently(() => stemkit.upload(isUrl ? new URL(readable) : readable, { signal }), signal);
  let intended = false;
  let superseded = false;
  const intend = async () => {
    if (intended) return;
    intended = true;
    superseded = !(await ledger.intend(batch.id, row.key, attempt.retryCount));
    if (superseded) throw new SupersededError();
  };
  // Through the batch's own fetch, the intent is recorded as the start's first request leaves, after its
  // rate-limit slot; through any other, it has to be recorded before the start.
  if (!sendsThroughBatch.has(stemkit)) await intend();
  let job: Job;
  try {
    job = await patiently(
      () =>
        whileStarting(
          async () => {
            sendsThroughBatch.add(stemkit);
            await intend();
          },
          () =>
            stemkit.separate({
              source,
              stems: request.stems,
              formats: deliveredFormats(request.formats, stemkit.capabilities.formats),
              ...(request.residual ? { residual: true } : {}),
              ...(request.variant === undefined ? {} : { variant: request.variant }),
              // Where the provider cannot be searched, the marker still names the track of any job it holds;
              // where it takes a key, the marker is the key (stable per batch and track, from the ledger).
              ...(idempotent ? { idempotencyKey: marker } : { metadata: marker }),
              ...(context.callbackUrl === undefined ? {} : { callbackUrl: context.callbackUrl }),
            }),
        ),
      signal,
    );
  } catch (error) {
    if (superseded) throw new SupersededError();
    // The provider refused before doing anything: no job exists, nothing is uncertain.
    if (intended && createdNothing(error)) await ledger.withdrawIntent(batch.id, row.key, attempt.retryCount);
    throw error;
  }
  await intend();
  if (!(await ledger.recordHandle(batch.id, row.key, attempt.retryCount, job.handle, job.id))) {
    // A later attempt owns the track; the job just started is an orphan the provider will finish unused.
    throw new SupersededError();
  }
  return job;
}

/** Most 429s a step waits out before it counts as a failed attempt. */
const PATIENCE = 20;

/**
 * Runs a step again after each 429, as long as the provider asks: it did nothing, so waiting is not failing and
 * spends none of the track's retries (a busy account would otherwise fail tracks that never failed).
 */
async function patiently<Value>(step: () => Promise<Value>, signal: AbortSignal): Promise<Value> {
  for (let refusals = 0; ; refusals++) {
    try {
      return await step();
    } catch (error) {
      if (!RateLimitError.isInstance(error) || refusals >= PATIENCE) throw error;
      const delay = error.retryAfterMs ?? 500 * 2 ** Math.min(refusals, 5);
      // Spread, so the tracks refused together do not come back together.
      await sleep(delay * (0.5 + Math.random()), undefined, { signal });
    }
  }
}

/** Whether a failed start certainly created no job: aborted before sending, or so the error says. */
export function createdNothing(error: unknown): boolean {
  return isAbortError(error) || (StemkitError.isInstance(error) && error.createdNothing);
}

/** The job an interrupted attempt started, if the provider has it: looked up once its request has had time to land. */
async function findStarted(
  context: TrackContext,
  row: TrackRow,
  marker: string,
  signal: AbortSignal,
): Promise<Job | undefined> {
  const intentAt = row.intentAt?.getTime() ?? Date.now();
  const settle = intentAt + context.settleMs - Date.now();
  if (settle > 0) await sleep(settle, undefined, { signal });
  // Newest first: stop after a page's worth of jobs older than the intent (with a margin for clock skew).
  const floor = intentAt - 10 * 60_000;
  let older = 0;
  for await (const job of context.stemkit.list({ pageSize: 100, signal })) {
    if (job.metadata === marker) return job;
    if (job.createdAt !== undefined && Date.parse(job.createdAt) < floor && ++older > 100) break;
  }
  return undefined;
}

/**
 * Waits for the provider job: the one place a track waits. Callbacks served by `createCallbackReceiver` over the
 * same client wake this wait, whose next poll confirms them; meanwhile `context.wait` polls as a safety net.
 */
function waitForJob(context: TrackContext, job: Job | JobHandle, signal: AbortSignal): Promise<Job> {
  return context.stemkit.wait(job, { ...context.wait, signal });
}

/**
 * The formats to ask the provider for: each wanted one it delivers, and wav for the others, which are converted
 * on this machine at download (by the client's convert plugin, as `stemkit download --format` does).
 */
export function deliveredFormats(wanted: readonly string[], delivers: readonly string[]): string[] {
  return [...new Set(wanted.map((format) => fromFormat(format, delivers)))];
}

function fromFormat(format: string, delivers: readonly string[]): string {
  return delivers.includes(format) ? format : 'wav';
}

/**
 * The files a track writes: every wanted format of every succeeded stem (and residual), each named by core's
 * `outputBaseName` (`vocals.wav`, `vocals_residual.wav`) like `stemkit separate`'s, and converted from what the
 * provider delivered when that is another format.
 */
export function plannedOutputs(
  job: Job,
  formats: readonly string[],
  delivers: readonly string[] = formats,
): Array<{ asset: Asset; file: string; convertTo?: string }> {
  const planned: Array<{ asset: Asset; file: string; convertTo?: string }> = [];
  const taken = new Set<string>();
  for (const target of job.targets) {
    if (target.status !== 'succeeded') continue;
    for (const asset of target.outputs) {
      const from = (asset.format ?? asset.name.split('.').at(-1) ?? '').replace(/^\./, '').toLowerCase();
      if (asset.role !== 'stem' && asset.role !== 'residual') continue;
      const stem = asset.stem ?? target.stem;
      const base = outputBaseName({ ...asset, stem });
      for (const format of formats) {
        if (fromFormat(format, delivers) !== from) continue;
        let file = `${base}.${format}`;
        for (let index = 2; taken.has(file); index++) file = `${base}-${index}.${format}`;
        taken.add(file);
        planned.push({ asset: { ...asset, stem }, file, ...(format === from ? {} : { convertTo: format }) });
      }
    }
  }
  return planned;
}

async function downloadOutputs(
  context: TrackContext,
  row: TrackRow,
  job: Job,
  signal: AbortSignal,
): Promise<void> {
  const { stemkit, ledger, batch } = context;
  const folder = join(batch.out, row.request.name);
  const done = new Map(row.outputs.map((output) => [output.path, output]));
  // What a killed download left: temporary files beside the outputs, never taken for outputs.
  await removeParts(folder);
  const planned = plannedOutputs(job, row.request.formats, stemkit.capabilities.formats);
  for (const { asset, file, convertTo } of planned) {
    const path = `${row.request.name}/${file}`;
    const recorded = done.get(path);
    const absolute = join(batch.out, path);
    if (recorded && (await stat(absolute).catch(() => undefined))?.size === recorded.sizeBytes) continue;
    const written = await stemkit.downloadToFile(asset, absolute, {
      signal,
      job: job.handle,
      ...(convertTo === undefined ? {} : { format: convertTo }),
    });
    const output: TrackOutput = {
      stem: asset.stem ?? '',
      format: file.split('.').at(-1) ?? '',
      path,
      sizeBytes: written.size,
    };
    await ledger.recordOutput(batch.id, row.key, output);
  }
}

async function removeParts(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const entries = await readdir(folder).catch(() => [] as string[]);
  await Promise.all(
    entries.filter((name) => name.endsWith('.part')).map((name) => rm(join(folder, name), { force: true })),
  );
}

/** Failures a retry cannot mend: bad input, a provider's refusal or verdict, a file that cannot be read. */
export function isPermanent(error: unknown): boolean {
  if (!StemkitError.isInstance(error)) {
    const code = (error as { code?: unknown } | undefined)?.code;
    // ENAMETOOLONG: a path segment past the file system's limit stays too long however often it is retried.
    return (
      typeof code === 'string' &&
      ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG'].includes(code)
    );
  }
  // The error knows whether trying again may mend it (a lost answer, a 429, a 5xx, a wait cut short).
  return !error.retryable;
}

/** A failure as the report shows it: its kind and message, secrets masked. */
export function reasonOf(error: unknown): string {
  if (StemkitError.isInstance(error)) return redact(`${error.code}: ${error.message}`);
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return redact(typeof code === 'string' ? `${code}: ${message}` : message);
}

import {
  type Asset,
  deriveJobStatus,
  type Failure,
  InvalidArgumentError,
  type Job,
  type JobHandle,
  mimeTypeOf,
  type Progress,
  parsePayload,
  type StemName,
  sourceFromSummary,
  type Target,
  type TargetStatus,
  z,
} from '@stemkit/core/driver';
import { fileBaseOf, stemOfFile } from './catalog.ts';
import { HandleData } from './handle.ts';
import { MetadataResponse, type ProgressEntry, ProgressResponse, utcTimestamp } from './wire.ts';

// Sourcere names an output by its separation and a file name (`track.wav`, `mix/mix_<uuid>`, `zip/<uuid>.zip`);
// every separation has a `vocals.wav`. Asset ids carry both, so they are unique and say which job they belong to.

/** The asset id of one of a separation's files: `<separationId>/<fileName>`. */
export function outputId(separationId: string, fileName: string): string {
  return `${separationId}/${fileName}`;
}

/** The file name of an output asset of this separation; an asset of another separation is refused. */
export function outputFileName(separationId: string, asset: Asset): string {
  const prefix = `${separationId}/`;
  if (!asset.id.startsWith(prefix)) {
    throw new InvalidArgumentError('asset', `${asset.id} is not an output of separation ${separationId}`);
  }
  return asset.id.slice(prefix.length);
}

/** The documented event sequence of a full separation; a trial adds its chunking after the metadata. */
const FULL_SEQUENCE = [
  'Formatting Request File',
  'Request Formatting Done',
  'Requesting Metadata',
  'Metadata Task Done',
  'Starting Separation',
  'Queue message received',
  'Processing',
  'Finalising',
];
const TRIAL_SEQUENCE = [
  ...FULL_SEQUENCE.slice(0, 4),
  'Trial Chunking Start',
  'Trial Chunking Done',
  ...FULL_SEQUENCE.slice(4),
];

/** Events that mean a worker has the separation: from the first of them on, it is running. */
const RUNNING_EVENTS = new Set(['Queue message received', 'Processing', 'Finalising']);
const FAILED_EVENT = 'Failed';

/** When the status is read, and how long a silent event log may last before the job counts as stalled. */
export interface MappingContext {
  readonly now: number;
  readonly stallTimeoutMs: number;
}

/** Where one separation is, decided from its progress payload alone. */
type SeparationState =
  | { readonly status: 'queued' | 'running' | 'succeeded' }
  | { readonly status: 'failed'; readonly failure: Failure };

/**
 * Decides the state of a separation (the README's mapping table):
 * `outputFiles` non-empty → succeeded; last event `Failed` → failed with its message; no event for longer than
 * the stall timeout → failed; a worker event seen (`Queue message received`, `Processing`, `Finalising`) →
 * running; otherwise (no event yet, or only preparation steps) → queued.
 */
function separationState(body: ProgressResponse, data: HandleData, context: MappingContext): SeparationState {
  const events = body.events ?? [];
  if ((body.outputFiles ?? []).length > 0) return { status: 'succeeded' };
  const last = events.at(-1);
  if (last?.event === FAILED_EVENT) {
    return {
      status: 'failed',
      failure: { code: FAILED_EVENT, message: last.message || 'the separation failed' },
    };
  }
  const lastActivity = Date.parse(last?.timestamp ?? data.startedAt ?? '');
  if (context.now - lastActivity > context.stallTimeoutMs) {
    const since = last ? `the event "${last.event}" at ${last.timestamp}` : `its start at ${data.startedAt}`;
    const minutes = Math.round(context.stallTimeoutMs / 60_000);
    return {
      status: 'failed',
      failure: { code: 'stalled', message: `stalled: no progress since ${since} (more than ${minutes} min)` },
    };
  }
  return events.some((entry) => RUNNING_EVENTS.has(entry.event))
    ? { status: 'running' }
    : { status: 'queued' };
}

/**
 * The event log as neutral progress: the stage is the last event's name; the fraction is the share of the
 * documented steps done (the last known event's position, over the sequence plus the output files' arrival).
 */
function toProgress(body: ProgressResponse, data: HandleData, succeeded: boolean): Progress {
  const events = body.events ?? [];
  const sequence = data.trial ? TRIAL_SEQUENCE : FULL_SEQUENCE;
  const lastKnown = events.findLast((entry) => sequence.includes(entry.event));
  const fraction = succeeded
    ? 1
    : lastKnown && (sequence.indexOf(lastKnown.event) + 1) / (sequence.length + 1);
  const progress: Progress = { events: events.map(toProgressEvent) };
  const stage = events.at(-1)?.event;
  if (stage !== undefined) progress.stage = stage;
  if (fraction) progress.fraction = fraction;
  return progress;
}

function toProgressEvent(entry: ProgressEntry): Progress['events'][number] {
  const event: Progress['events'][number] = { name: entry.event };
  const at = utcTimestamp(entry.timestamp);
  if (at) event.at = at;
  if (entry.message) event.message = entry.message;
  return event;
}

/** One output of a separation as a neutral asset, in one format (the download endpoint converts). */
function stemAsset(separationId: string, stem: StemName, format: string, file: string): Asset {
  return {
    id: outputId(separationId, `${fileBaseOf(stem)}.${format}`),
    name: `${stem}.${format}`,
    role: 'stem',
    stem,
    format,
    mimeType: mimeTypeOf(format),
    provider: 'sourcere',
    raw: { file },
  };
}

/** A stand-in stem for a handle that does not know which stems were asked (one built from a callback). */
const UNKNOWN_STEMS = '*';

/**
 * Rebuilds the neutral job from the handle and one progress payload: one target per requested stem, all sharing
 * the separation's state, each with only the outputs asked for (Sourcere also returns the stems of its
 * algorithm nobody asked for; they stay in `raw`).
 */
export function toJob(
  handle: JobHandle,
  data: HandleData,
  body: ProgressResponse,
  context: MappingContext,
): Job {
  const state = separationState(body, data, context);
  const outputFiles = body.outputFiles ?? [];
  const stems = data.stems ?? (outputFiles.length > 0 ? outputFiles.map(stemOfFile) : [UNKNOWN_STEMS]);
  const formats = data.formats ?? ['wav'];
  const targets = stems.map((stem): Target => {
    const file = outputFiles.find((each) => stemOfFile(each) === stem);
    const base = { id: `${handle.id}:${stem}`, stem, formats, raw: { file } };
    if (state.status === 'failed') return { ...base, status: 'failed', outputs: [], error: state.failure };
    if (state.status !== 'succeeded') return { ...base, status: state.status, outputs: [] };
    if (!file) {
      const error = { code: 'missing-output', message: `sourcere listed no output file for ${stem}` };
      return { ...base, status: 'failed', outputs: [], error };
    }
    return {
      ...base,
      status: 'succeeded',
      outputs: formats.map((format) => stemAsset(handle.id, stem, format, file)),
    };
  });
  const events = body.events ?? [];
  const at = (entry: ProgressEntry | undefined) => utcTimestamp(entry?.timestamp);
  const job: Job = {
    id: handle.id,
    provider: 'sourcere',
    status: deriveJobStatus(targets.map((target): TargetStatus => target.status)),
    targets,
    progress: toProgress(body, data, state.status === 'succeeded'),
    warnings: [],
    createdAt: data.startedAt ?? at(events[0]),
    // A worker picking the separation up is when work starts; it ends with the last event once finished.
    startedAt: at(events.find((entry) => RUNNING_EVENTS.has(entry.event))),
    updatedAt: at(events.at(-1)),
    completedAt: state.status === 'succeeded' || state.status === 'failed' ? at(events.at(-1)) : undefined,
    handle,
    raw: body,
  };
  if (data.source) job.source = sourceFromSummary(data.source, 'sourcere');
  if (data.customMetadata !== undefined) job.metadata = data.customMetadata;
  if (data.callbackUrl !== undefined) job.callbackUrl = data.callbackUrl;
  for (const key of ['createdAt', 'startedAt', 'updatedAt', 'completedAt'] as const) {
    if (job[key] === undefined) delete job[key];
  }
  return job;
}

/**
 * A Sourcere separation, every field typed: what the progress endpoint said (`events`, `outputFiles`) and what
 * the request was (stems, formats, trial, `customMetadata`, `callbackUrl`, the uploaded source), kept in the
 * handle because the API does not echo it.
 *
 * @example
 * ```ts
 * const separation: SourcereSeparation = sourcereSeparationOf(await stemkit.get(handle));
 * separation.progress.events?.map((entry) => entry.guid);
 * ```
 */
export interface SourcereSeparation {
  /** The `separationId`. */
  readonly separationId: string;
  /** The progress endpoint's body, as last read. */
  readonly progress: ProgressResponse;
  /** What the separation was started with. */
  readonly request: HandleData;
}

/**
 * The Sourcere separation behind a neutral job, with its fields typed; an `InvalidArgumentError` for a job of
 * another provider.
 *
 * @example
 * ```ts
 * const job = await stemkit.get(handle);
 * sourcereSeparationOf(job).request.trial; // { start: 30, seconds: 15 }
 * ```
 */
export function sourcereSeparationOf(job: Job): SourcereSeparation {
  if (job.provider !== 'sourcere') {
    throw new InvalidArgumentError('job', `is a job of ${job.provider}, not sourcere`);
  }
  const what = { provider: 'sourcere', what: 'a separation' };
  return {
    separationId: job.id,
    progress: parsePayload(ProgressResponse, job.raw, what),
    request: parsePayload(HandleData, job.handle.data ?? {}, what),
  };
}

/** What Sourcere said about an upload: its slot's expiry and, once computed, the audio's metadata. */
const UploadRaw = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ expiry: z.optional(z.string()), metadata: z.optional(MetadataResponse) }),
);

/**
 * A Sourcere upload, every field typed: the `uploadId`, when its slot expires, and the metadata the API computed
 * (`duration`, `numChannels`, `sampleRate`, which the neutral asset also carries).
 *
 * @example
 * ```ts
 * const upload: SourcereUpload = sourcereUploadOf(await stemkit.upload('song.wav'));
 * ```
 */
export interface SourcereUpload {
  /** The `uploadId` a separation starts from (the asset's `id`). */
  readonly uploadId: string;
  /** When the signed upload slot expires, ISO-8601. */
  readonly expiry?: string;
  /** `GET /separation/metadata`'s body, once computed. */
  readonly metadata?: MetadataResponse;
}

/**
 * The Sourcere upload behind a neutral asset (an uploaded source, or a job's `source`), with its fields typed;
 * an `InvalidArgumentError` for an asset of another provider.
 *
 * @example
 * ```ts
 * sourcereUploadOf(asset).metadata?.numChannels; // 2
 * ```
 */
export function sourcereUploadOf(asset: Asset): SourcereUpload {
  if (asset.provider !== 'sourcere') {
    throw new InvalidArgumentError('asset', `is an asset of ${asset.provider}, not sourcere`);
  }
  const raw = parsePayload(UploadRaw, asset.raw ?? {}, { provider: 'sourcere', what: 'an upload' });
  return { uploadId: asset.id, ...raw };
}

import {
  type Asset,
  type AssetRole,
  combineTargetStatuses,
  DRIVER_CONTRACT_VERSION,
  deriveJobStatus,
  expiryOfSignedUrl,
  extensionOf,
  type Failure,
  type FanOutTarget,
  formatOfMimeType,
  InvalidArgumentError,
  type Job,
  type JobHandle,
  outputMimeType,
  type ProgressEvent,
  parsePayload,
  type SourceSummary,
  statusTable,
  type Target,
  type TargetStatus,
  withoutUndefined,
} from '@stemkit/core/driver';
import { expandLegacyFormat, stemOfModel } from '../shared/catalog.ts';
import { outputAsset } from '../shared/outputs.ts';
import { LEGACY_PROVIDER } from './options.ts';
import {
  type LegacyAsset,
  LegacyAssetSchema,
  type LegacyJob,
  LegacyJobSchema,
  legacyJobMetadata,
  legacyJobModel,
  legacyJobOutputs,
  unwrapJob,
} from './wire.ts';

// Pure mapping of legacy payloads onto the neutral model: one neutral target is the legacy jobs of one stem
// (one per audio format, one for all text formats); one neutral job is the targets of one request.

/**
 * The neutral status of a legacy job status (see docs/providers/audioshake-legacy.md, "Statuses"). The
 * undocumented failure states `failed` and `error` are both failures; a creation answer without a status (the
 * music-detection example) is queued; anything else unknown counts as still running, so waiting goes on rather
 * than stopping on a guess.
 */
export const legacyStatusToNeutral: (status: string | null | undefined) => TargetStatus =
  /* @__PURE__ */ statusTable({
    provider: LEGACY_PROVIDER,
    table: {
      created: 'queued',
      completed: 'succeeded',
      failed: 'failed',
      error: 'failed',
      canceled: 'canceled',
      cancelled: 'canceled',
    },
    missing: 'queued',
    unknown: 'running',
  });

/** A legacy Asset as a neutral one: `fileType` → `mimeType`, `link` → `url`; outputs get a role and stem. */
export function assetOf(asset: LegacyAsset, role: AssetRole, model?: string): Asset {
  const name = asset.name ?? asset.id;
  const format =
    asset.format ?? extensionOf(name) ?? (asset.fileType ? formatOfMimeType(asset.fileType) : undefined);
  const common = {
    id: asset.id,
    name,
    format,
    mimeType: outputMimeType(format, asset.fileType),
    url: asset.link ?? undefined,
    expiresAt: expiryOfSignedUrl(asset.link ?? undefined),
    provider: LEGACY_PROVIDER,
    raw: asset,
  };
  if (role !== 'source') return outputAsset({ ...common, model });
  return withoutUndefined({ ...common, role });
}

/** Why a failed job failed: `statusInfo {code, message}`, else the `error`/`errorMessage` some payloads carry. */
function failureOf(job: LegacyJob): Failure | undefined {
  if (legacyStatusToNeutral(job.status) !== 'failed') return undefined;
  const error = typeof job.error === 'string' ? { message: job.error } : job.error;
  const message =
    job.statusInfo?.message ?? error?.message ?? job.errorMessage ?? `legacy job ${job.id} ${job.status}`;
  const code = job.statusInfo?.code ?? error?.code ?? undefined;
  return withoutUndefined({ code, message });
}

/**
 * One neutral target and the legacy jobs behind it, in creation order: without `stem`, it is derived from the
 * first job's model; without `formats`, they are read from the jobs' `metadata.format` (`all` expanded).
 */
export type LegacyTargetParts = FanOutTarget<LegacyJob>;

/**
 * Assembles a neutral target from its legacy jobs: succeeded when all completed, failed when any failed (or
 * could not be created), otherwise running or queued; outputs are the union of the jobs' outputs.
 */
function targetOf(parts: LegacyTargetParts): Target {
  const { jobs } = parts;
  const failure = parts.failure ?? jobs.map(failureOf).find((each) => each !== undefined);
  const first = jobs[0];
  const metadata = first ? legacyJobMetadata(first) : undefined;
  const model = (first && legacyJobModel(first)) ?? parts.stem;
  const formats =
    parts.formats ?? jobs.flatMap((job) => expandLegacyFormat(legacyJobMetadata(job)?.format ?? ''));
  return withoutUndefined({
    id: parts.id,
    stem: parts.stem ?? (model ? stemOfModel(model) : 'unknown'),
    formats: formats.filter(Boolean),
    status: failure ? 'failed' : combineTargetStatuses(jobs.map((job) => legacyStatusToNeutral(job.status))),
    outputs: jobs.flatMap((job) =>
      legacyJobOutputs(job).map((asset) => assetOf(asset, 'stem', legacyJobModel(job) ?? model)),
    ),
    error: failure,
    options: metadata
      ? withoutUndefined({
          residual: metadata.residual ?? undefined,
          variant: metadata.variant ?? undefined,
          language: metadata.language ?? undefined,
        })
      : undefined,
    raw: jobs.length === 1 ? jobs[0] : jobs,
  });
}

/**
 * A neutral job from its targets' legacy jobs: status derived with `deriveJobStatus`, times spanning the jobs,
 * each job's `createdAt`/`startedAt`/`completedAt` as progress events, its `customProperty` as `metadata`.
 */
export function toJob(
  targets: readonly LegacyTargetParts[],
  handle: JobHandle,
  summary?: SourceSummary,
): Job {
  const neutralTargets = targets.map(targetOf);
  const jobs = targets.flatMap((target) => target.jobs);
  const first = jobs[0];
  const status = deriveJobStatus(neutralTargets.map((target) => target.status));
  const terminal = neutralTargets.every((target) => !['queued', 'running'].includes(target.status));
  const source = jobs.map((job) => job.sourceAsset).find(Boolean);
  return withoutUndefined({
    id: handle.id,
    provider: LEGACY_PROVIDER,
    status,
    source: source ? withSummary(assetOf(source, 'source'), summary) : undefined,
    targets: neutralTargets,
    progress: { stage: status, events: jobs.flatMap(progressEvents) },
    warnings: [],
    metadata: (first && legacyJobMetadata(first)?.customProperty) ?? undefined,
    callbackUrl: jobs.map((job) => job.callbackUrl).find(Boolean) ?? undefined,
    createdAt: earliest(jobs.map((job) => job.createdAt)),
    startedAt: earliest(jobs.map((job) => job.startedAt)),
    updatedAt: latest(jobs.map((job) => job.updatedAt)),
    completedAt: terminal ? latest(jobs.map((job) => job.completedAt ?? job.updatedAt)) : undefined,
    handle,
    raw: jobs.length === 1 ? jobs[0] : jobs,
  });
}

/** The source as the job reports it, with what the handle kept of the upload (its MIME type) where it lacks. */
function withSummary(asset: Asset, summary: SourceSummary | undefined): Asset {
  if (summary?.id !== asset.id) return asset;
  const { id: _id, url: _url, ...known } = summary;
  return withoutUndefined({ ...known, ...asset });
}

function progressEvents(job: LegacyJob): ProgressEvent[] {
  const message = `${legacyJobModel(job) ?? 'job'} (${job.id})`;
  const events: Array<[string, string | null | undefined]> = [
    ['created', job.createdAt],
    ['started', job.startedAt],
    ['completed', job.completedAt],
  ];
  return events.filter(([, at]) => Boolean(at)).map(([name, at]) => ({ name, at: at ?? undefined, message }));
}

function earliest(values: ReadonlyArray<string | null | undefined>): string | undefined {
  return values.filter((value): value is string => Boolean(value)).sort()[0];
}

function latest(values: ReadonlyArray<string | null | undefined>): string | undefined {
  return values
    .filter((value): value is string => Boolean(value))
    .sort()
    .at(-1);
}

/**
 * One stored legacy job (a `GET /job/:id` body, a callback body, or a bare job) as a neutral one-target job,
 * as the legacy driver would return it. A payload that is not a job is an `InvalidResponseError`.
 *
 * @example
 * ```ts
 * const job = legacyJobToNeutral(await response.json());
 * job.targets[0]?.outputs[0]?.name; // 'instrumental.wav'
 * ```
 */
export function legacyJobToNeutral(payload: unknown): Job {
  const job = parseJob(unwrapJob(payload));
  return toJob([{ id: job.id, jobs: [job] }], {
    contract: DRIVER_CONTRACT_VERSION,
    provider: LEGACY_PROVIDER,
    id: job.id,
    parts: [job.id],
  });
}

/**
 * The legacy jobs behind a neutral job, with every documented Job field (`clientId`, `requestId`, `licenseId`,
 * `startedAt`, `callbackUrl`, `statusInfo`…), read back from the targets' `raw`.
 *
 * @example
 * ```ts
 * const job = await stemkit.get(handle);
 * legacyJobsOf(job).map((legacy) => legacy.startedAt);
 * ```
 */
export function legacyJobsOf(job: Job): LegacyJob[] {
  if (job.provider !== LEGACY_PROVIDER) {
    throw new InvalidArgumentError('job', `is a job of ${job.provider}, not ${LEGACY_PROVIDER}`);
  }
  return job.targets
    .flatMap((target) => (Array.isArray(target.raw) ? target.raw : [target.raw]))
    .filter((raw) => raw !== undefined)
    .map(parseJob);
}

/**
 * The legacy Asset behind a neutral asset (a job's `source` or an output), every documented field typed
 * (`clientId`, `fileType`, `link`…); an `InvalidArgumentError` for an asset of another provider.
 *
 * @example
 * ```ts
 * legacyAssetOf(job.source!).clientId;
 * ```
 */
export function legacyAssetOf(asset: Asset): LegacyAsset {
  if (asset.provider !== LEGACY_PROVIDER) {
    throw new InvalidArgumentError('asset', `is an asset of ${asset.provider}, not ${LEGACY_PROVIDER}`);
  }
  return parsePayload(LegacyAssetSchema, asset.raw, { provider: LEGACY_PROVIDER, what: 'an asset' });
}

function parseJob(payload: unknown): LegacyJob {
  return parsePayload(LegacyJobSchema, payload, { provider: LEGACY_PROVIDER, what: 'a job' });
}

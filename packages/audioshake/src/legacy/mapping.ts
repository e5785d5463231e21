import {
  type Asset,
  type AssetRole,
  deriveJobStatus,
  type Failure,
  formatOfMimeType,
  type Job,
  type JobHandle,
  type ProgressEvent,
  type Target,
  type TargetStatus,
} from '@stemkit/core';
import type { DroppedField, MappingResult } from '../mapping/result.ts';
import { outputAsset, withoutUndefined } from '../shared/assets.ts';
import { expandLegacyFormat, extensionOf, outputMimeType } from '../shared/formats.ts';
import { stemOfModel } from '../shared/models.ts';
import { parseOrThrow } from '../shared/wire.ts';
import {
  type LegacyAsset,
  LegacyAssetSchema,
  type LegacyJob,
  type LegacyJobMetadata,
  LegacyJobSchema,
} from './schemas.ts';

/** The provider name of the legacy driver, in every neutral object it writes. */
export const LEGACY_PROVIDER = 'audioshake-legacy';

/**
 * The neutral status of a legacy job status (spec §3.5). The undocumented failure states `failed` and `error`
 * are both failures; a creation response without a status (the music-detection example) is queued; anything
 * else unknown counts as still running, so waiting goes on rather than stopping on a guess.
 *
 * @example
 * ```ts
 * legacyStatusToNeutral('created'); // 'queued'
 * legacyStatusToNeutral('error'); // 'failed'
 * ```
 */
export function legacyStatusToNeutral(status: string | null | undefined): TargetStatus {
  switch (status?.toLowerCase()) {
    case undefined:
    case 'created':
      return 'queued';
    case 'completed':
      return 'succeeded';
    case 'failed':
    case 'error':
      return 'failed';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    default:
      return 'running';
  }
}

/**
 * A legacy Asset as a neutral one: `fileType` → `mimeType`, `link` → `url`.
 *
 * @example
 * ```ts
 * const { value } = legacyAssetToNeutral({ id: 'clyx…', name: 'audioshake-it-up', fileType: 'audio/mpeg', format: 'mp3' });
 * value.mimeType; // 'audio/mpeg'
 * ```
 */
export function legacyAssetToNeutral(
  payload: unknown,
  options: { role?: AssetRole; model?: string } = {},
): MappingResult<Asset> {
  const asset = parseOrThrow(LegacyAssetSchema, payload, 'asset', LEGACY_PROVIDER);
  const dropped: DroppedField[] = [];
  if (asset.clientId) dropped.push(rawOnly('clientId'));
  return { value: assetOf(asset, options.role ?? 'source', options.model), dropped };
}

function assetOf(asset: LegacyAsset, role: AssetRole, model: string | undefined): Asset {
  const name = asset.name ?? asset.id;
  const format =
    asset.format ?? extensionOf(name) ?? (asset.fileType ? formatOfMimeType(asset.fileType) : undefined);
  const common = {
    id: asset.id,
    name,
    format,
    mimeType: outputMimeType(format, asset.fileType),
    url: asset.link ?? undefined,
    provider: LEGACY_PROVIDER,
    raw: asset,
  };
  if (role !== 'source') return outputAsset({ ...common, model });
  return withoutUndefined({ ...common, role });
}

/**
 * The request metadata a job echoes: `metadata`, the older `stemMetadata`, or either nested in `sourceAsset`.
 *
 * @example
 * ```ts
 * legacyJobMetadata(job)?.name; // 'instrumental'
 * ```
 */
export function legacyJobMetadata(job: LegacyJob): LegacyJobMetadata | undefined {
  return (
    job.metadata ??
    job.stemMetadata ??
    job.sourceAsset?.metadata ??
    job.sourceAsset?.stemMetadata ??
    undefined
  );
}

/**
 * The model a job runs: `metadata.name`, or the older `stemName`.
 *
 * @example
 * ```ts
 * legacyJobModel(job); // 'instrumental'
 * ```
 */
export function legacyJobModel(job: LegacyJob): string | undefined {
  const metadata = legacyJobMetadata(job);
  return metadata?.name ?? metadata?.stemName ?? undefined;
}

/**
 * Every output of a job, read defensively: `outputAssets`, `stemAssets`, the copies nested in `sourceAsset`,
 * and `otherAssets`, without duplicates.
 *
 * @example
 * ```ts
 * legacyJobOutputs(job).map((asset) => asset.name); // ['instrumental.wav']
 * ```
 */
export function legacyJobOutputs(job: LegacyJob): LegacyAsset[] {
  const lists = [
    job.outputAssets,
    job.stemAssets,
    job.sourceAsset?.outputAssets,
    job.sourceAsset?.stemAssets,
    job.otherAssets,
  ];
  const seen = new Set<string>();
  const outputs: LegacyAsset[] = [];
  for (const asset of lists.flatMap((list) => list ?? [])) {
    if (seen.has(asset.id)) continue;
    seen.add(asset.id);
    outputs.push(asset);
  }
  return outputs;
}

/**
 * Why a failed job failed: `statusInfo {code, message}`, else the `error`/`errorMessage` some payloads carry.
 *
 * @example
 * ```ts
 * legacyJobFailure({ id: 'j1', status: 'failed', statusInfo: { code: 500, message: 'bad audio' } });
 * // { code: 500, message: 'bad audio' }
 * ```
 */
export function legacyJobFailure(job: LegacyJob): Failure | undefined {
  if (legacyStatusToNeutral(job.status) !== 'failed') return undefined;
  const error = typeof job.error === 'string' ? { message: job.error } : job.error;
  const message =
    job.statusInfo?.message ?? error?.message ?? job.errorMessage ?? `legacy job ${job.id} ${job.status}`;
  const code = job.statusInfo?.code ?? error?.code ?? undefined;
  return withoutUndefined({ code, message });
}

/**
 * One neutral target built from the legacy jobs behind it (one per output format). `expected` is what the
 * handle remembers, for jobs not yet visible.
 */
export interface LegacyTargetParts {
  /** The target's id: its first job's id, or `not-created-<index>` when none could be created. */
  readonly id: string;
  /** The neutral stem asked for; when absent, derived from the first job's model. */
  readonly stem?: string;
  /** The formats asked for; when absent, read from the jobs' `metadata.format` (`all` expanded). */
  readonly formats?: readonly string[];
  /** The jobs, in creation order; `undefined` for one not yet visible (the early-404 race). */
  readonly jobs: ReadonlyArray<LegacyJob | undefined>;
  /** Set when some of the target's jobs could not be created. */
  readonly failure?: Failure;
}

/**
 * Assembles a neutral target from its legacy jobs: succeeded when all completed, failed when any failed (or
 * could not be created), otherwise running or queued; outputs are the union of the jobs' outputs.
 *
 * @example
 * ```ts
 * const target = legacyTargetToNeutral({ id: job.id, jobs: [job] });
 * ```
 */
export function legacyTargetToNeutral(parts: LegacyTargetParts): Target {
  const jobs = parts.jobs;
  const visible = jobs.filter((job): job is LegacyJob => job !== undefined);
  const statuses = jobs.map((job) => (job ? legacyStatusToNeutral(job.status) : 'queued'));
  const failure = parts.failure ?? visible.map(legacyJobFailure).find((each) => each !== undefined);
  const first = visible[0];
  const metadata = first ? legacyJobMetadata(first) : undefined;
  const model = (first && legacyJobModel(first)) ?? parts.stem;
  const formats =
    parts.formats ?? visible.flatMap((job) => expandLegacyFormat(legacyJobMetadata(job)?.format ?? ''));
  return withoutUndefined({
    id: parts.id,
    stem: parts.stem ?? (model ? stemOfModel(model) : 'unknown'),
    formats: formats.filter(Boolean),
    status: failure ? 'failed' : combineStatuses(statuses),
    outputs: visible.flatMap((job) =>
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
    raw: visible.length === 1 ? visible[0] : visible,
  });
}

function combineStatuses(statuses: readonly TargetStatus[]): TargetStatus {
  if (statuses.every((status) => status === 'succeeded')) return 'succeeded';
  if (statuses.includes('canceled')) return 'canceled';
  if (statuses.every((status) => status === 'queued')) return 'queued';
  return 'running';
}

/**
 * A neutral job from its targets' legacy jobs: status derived with `deriveJobStatus`, times spanning the jobs,
 * each job's `createdAt`/`startedAt`/`completedAt` as progress events, its `customProperty` as `metadata`.
 *
 * @example
 * ```ts
 * const job = legacyTargetsToNeutralJob([{ id: legacy.id, jobs: [legacy] }], handle);
 * ```
 */
export function legacyTargetsToNeutralJob(targets: readonly LegacyTargetParts[], handle: JobHandle): Job {
  const neutralTargets = targets.map(legacyTargetToNeutral);
  const jobs = targets.flatMap((target) => target.jobs).filter((job): job is LegacyJob => job !== undefined);
  const first = jobs[0];
  const status = deriveJobStatus(neutralTargets.map((target) => target.status));
  const terminal = neutralTargets.every((target) => !['queued', 'running'].includes(target.status));
  const source = jobs.map((job) => job.sourceAsset).find(Boolean);
  return withoutUndefined({
    id: handle.id,
    provider: LEGACY_PROVIDER,
    status,
    source: source ? assetOf(source, 'source', undefined) : undefined,
    targets: neutralTargets,
    progress: { stage: status, events: jobs.flatMap(progressEvents) },
    warnings: [],
    metadata: (first && legacyJobMetadata(first)?.customProperty) ?? undefined,
    createdAt: earliest(jobs.map((job) => job.createdAt)),
    updatedAt: latest(jobs.map((job) => job.updatedAt)),
    completedAt: terminal ? latest(jobs.map((job) => job.completedAt ?? job.updatedAt)) : undefined,
    handle,
    raw: jobs.length === 1 ? jobs[0] : jobs,
  });
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

/** Job fields the neutral model has no place for; they stay readable in `target.raw`. */
const RAW_ONLY_JOB_FIELDS = ['clientId', 'requestId', 'licenseId', 'callbackUrl', 'assetId'] as const;
const RAW_ONLY_METADATA_FIELDS = [
  'userSessionId',
  'audioId',
  'licenseId',
  'maxTrackLength',
  'preview',
  'watermarkInterval',
] as const;

/**
 * One legacy job (a `GET /job/:id` body, a callback body, or a bare job) as a neutral one-target job.
 * `dropped` lists the fields present in the payload that only `raw` keeps (clientId, requestId, licenseId…).
 *
 * @example
 * ```ts
 * const { value: job } = legacyJobToNeutral(await response.json());
 * job.targets[0].outputs[0].name; // 'instrumental.wav'
 * ```
 */
export function legacyJobToNeutral(payload: unknown, handle?: JobHandle): MappingResult<Job> {
  const job = parseOrThrow(LegacyJobSchema, unwrapJob(payload), 'job', LEGACY_PROVIDER);
  const jobHandle = handle ?? { contract: 1, provider: LEGACY_PROVIDER, id: job.id, parts: [job.id] };
  const dropped: DroppedField[] = [];
  for (const field of RAW_ONLY_JOB_FIELDS) if (job[field]) dropped.push(rawOnly(field));
  const metadata = legacyJobMetadata(job);
  for (const field of RAW_ONLY_METADATA_FIELDS) {
    if (metadata?.[field] !== undefined && metadata[field] !== null)
      dropped.push(rawOnly(`metadata.${field}`));
  }
  return { value: legacyTargetsToNeutralJob([{ id: job.id, jobs: [job] }], jobHandle), dropped };
}

/**
 * The job inside a payload wrapped in `{ job }` (API responses, most callbacks) or bare.
 *
 * @example
 * ```ts
 * unwrapJob({ job: { id: 'j1' } }); // { id: 'j1' }
 * ```
 */
export function unwrapJob(payload: unknown): unknown {
  if (typeof payload === 'object' && payload !== null && 'job' in payload) {
    const inner = (payload as { job: unknown }).job;
    if (typeof inner === 'object' && inner !== null) return inner;
  }
  return payload;
}

function rawOnly(field: string): DroppedField {
  return { field, reason: 'the neutral model has no such field; it stays in `raw`', behaviourChange: false };
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
  return job.targets
    .flatMap((target) => (Array.isArray(target.raw) ? target.raw : [target.raw]))
    .filter((raw) => raw !== undefined)
    .map((raw) => parseOrThrow(LegacyJobSchema, raw, 'job', LEGACY_PROVIDER));
}

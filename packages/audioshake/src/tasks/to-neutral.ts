import {
  type Asset,
  DRIVER_CONTRACT_VERSION,
  deriveJobStatus,
  expiryOfSignedUrl,
  extensionOf,
  fileNameOfUrl,
  InvalidArgumentError,
  type Job,
  outputMimeType,
  parsePayload,
  type SourceSummary,
  sourceFromSummary,
  statusTable,
  type Target,
  type TargetStatus,
  withoutUndefined,
} from '@stemkit/core/driver';
import { stemOfModel } from '../shared/catalog.ts';
import { outputAsset } from '../shared/outputs.ts';
import { TASKS_PROVIDER } from './options.ts';
import {
  type TasksAsset,
  TasksAssetSchema,
  type TasksOutput,
  TasksOutputSchema,
  type TasksTarget,
  type TasksTask,
  TasksTaskSchema,
} from './wire.ts';

// Pure mapping of Tasks payloads onto the neutral model: one task is one job, each target one target.

/** Output links live one hour (see docs/providers/audioshake-tasks.md, "Payloads"). */
export const LINK_LIFETIME_MS = 60 * 60 * 1000;
/** Uploaded assets are deleted after 72 hours. */
const ASSET_LIFETIME_MS = 72 * 60 * 60 * 1000;

/**
 * The neutral status of a Tasks target status (see docs/providers/audioshake-tasks.md, "Statuses"): `error`
 * and `failed` are both failures; targets start in `processing`, so there is no queued state on the wire (an
 * unknown `created`/`queued` still maps).
 */
export const tasksStatusToNeutral: (status: string | null | undefined) => TargetStatus =
  /* @__PURE__ */ statusTable({
    provider: TASKS_PROVIDER,
    table: {
      completed: 'succeeded',
      error: 'failed',
      failed: 'failed',
      created: 'queued',
      queued: 'queued',
      pending: 'queued',
      canceled: 'canceled',
      cancelled: 'canceled',
    },
    unknown: 'running',
  });

/** A Tasks asset as a neutral one; it expires 72 h after upload (`createdAt`, else `uploadedAt`). */
export function assetOf(asset: TasksAsset, uploadedAt: number): Asset {
  const name = asset.name ?? asset.id;
  const format = asset.format ?? extensionOf(name);
  const created = asset.createdAt ? Date.parse(asset.createdAt) : uploadedAt;
  return withoutUndefined({
    id: asset.id,
    name,
    role: 'source' as const,
    format,
    mimeType: outputMimeType(format),
    url: asset.link ?? undefined,
    expiresAt: new Date(created + ASSET_LIFETIME_MS).toISOString(),
    provider: TASKS_PROVIDER,
    raw: asset,
  });
}

/**
 * One target as a neutral one. Outputs are named `${name}.${format}` (the wire name has no extension), carry
 * their `type` as MIME type (or one derived from the format) and expire an hour after `fetchedAt`.
 */
function targetOf(target: TasksTarget, fetchedAt: number): Target {
  const model = target.model ?? 'unknown';
  const expiresAt = new Date(fetchedAt + LINK_LIFETIME_MS).toISOString();
  const outputs = (target.output ?? []).map((output) => {
    const base = output.name ?? model;
    const format = output.format ?? extensionOf(base);
    const name = format && extensionOf(base) !== format ? `${base}.${format}` : base;
    return outputAsset({
      id: `${target.id}/${name}`,
      name,
      model,
      format: format ?? undefined,
      mimeType: outputMimeType(format, output.type),
      url: output.link ?? undefined,
      expiresAt: output.link ? (expiryOfSignedUrl(output.link) ?? expiresAt) : undefined,
      provider: TASKS_PROVIDER,
      raw: output,
    });
  });
  const status = tasksStatusToNeutral(target.status);
  const error =
    status === 'failed'
      ? withoutUndefined({
          code: target.error?.code ?? undefined,
          message: target.error?.message ?? `target ${model} ${target.status}`,
        })
      : undefined;
  return withoutUndefined({
    id: target.id,
    stem: stemOfModel(model),
    formats: [...(target.formats ?? [])],
    status,
    outputs,
    error,
    options: withoutUndefined({
      residual: target.residual ?? undefined,
      variant: target.variant ?? undefined,
      language: target.language ?? undefined,
    }),
    raw: target,
  });
}

/**
 * A task as a neutral job: one task is one job, each target one target, the job status derived with
 * `deriveJobStatus` (a mix of completed and failed targets is `partial`). Output links are dated from
 * `fetchedAt`.
 */
export function toJob(task: TasksTask, fetchedAt: number, source?: SourceSummary): Job {
  const targets = (task.targets ?? []).map((target) => targetOf(target, fetchedAt));
  const status = deriveJobStatus(targets.map((target) => target.status));
  return withoutUndefined({
    id: task.id,
    provider: TASKS_PROVIDER,
    status,
    source: sourceOf(task, source),
    targets,
    progress: { stage: status, events: [] },
    warnings: [],
    metadata: task.metadata ?? undefined,
    createdAt: task.createdAt ?? undefined,
    updatedAt: task.updatedAt ?? undefined,
    // Targets are processing from the moment the task is created: there is no queued state on the wire.
    startedAt: task.createdAt ?? undefined,
    completedAt: task.completedAt ?? undefined,
    handle: {
      contract: DRIVER_CONTRACT_VERSION,
      provider: TASKS_PROVIDER,
      id: task.id,
      ...(source ? { data: { source } } : {}),
    },
    raw: task,
  });
}

function sourceOf(task: TasksTask, summary: SourceSummary | undefined): Asset | undefined {
  if (task.assetId && summary?.id === task.assetId) {
    return { ...sourceFromSummary(summary, TASKS_PROVIDER), raw: { assetId: task.assetId } };
  }
  if (task.assetId) {
    return {
      id: task.assetId,
      name: task.assetId,
      role: 'source',
      provider: TASKS_PROVIDER,
      raw: { assetId: task.assetId },
    };
  }
  if (!task.url) return undefined;
  const name = fileNameOfUrl(task.url);
  const format = extensionOf(name);
  return withoutUndefined({
    id: task.url,
    name,
    role: 'source' as const,
    format,
    mimeType: outputMimeType(format),
    url: task.url,
    provider: TASKS_PROVIDER,
    raw: { url: task.url },
  });
}

/**
 * A stored task (a `GET /tasks/:id` body, a `POST /tasks` answer, or a webhook body) as a neutral job, as the
 * Tasks driver would return it; links are dated from `fetchedAt` (default now). A payload that is not a task is
 * an `InvalidResponseError`.
 *
 * @example
 * ```ts
 * const job = taskToNeutral(await response.json());
 * job.targets.map((target) => target.outputs[0]?.name); // ['vocals_high_quality.mp3']
 * ```
 */
export function taskToNeutral(payload: unknown, fetchedAt: number = Date.now()): Job {
  return toJob(parseTask(payload), fetchedAt);
}

/**
 * The task behind a neutral job, with what the neutral model has no field for (costs, durations, client id),
 * read back from the job's `raw`.
 *
 * @example
 * ```ts
 * const job = await stemkit.get(handle);
 * taskOf(job).targets?.map((target) => target.cost);
 * ```
 */
export function taskOf(job: Job): TasksTask {
  if (job.provider !== TASKS_PROVIDER) {
    throw new InvalidArgumentError('job', `is a job of ${job.provider}, not ${TASKS_PROVIDER}`);
  }
  return parseTask(job.raw);
}

/**
 * The Tasks payload behind a neutral asset, typed: an output's `{ name, format, link, type }`
 * ({@link TasksOutput}), or an uploaded asset's `{ id, name, format, link, createdAt }` ({@link TasksAsset}); an
 * `InvalidArgumentError` for an asset of another provider.
 *
 * @example
 * ```ts
 * const output = tasksAssetOf(job.targets[0]!.outputs[0]!);
 * if (output.kind === 'output') console.log(output.payload.type);
 * ```
 */
export function tasksAssetOf(
  asset: Asset,
):
  | { readonly kind: 'output'; readonly payload: TasksOutput }
  | { readonly kind: 'asset'; readonly payload: TasksAsset } {
  if (asset.provider !== TASKS_PROVIDER) {
    throw new InvalidArgumentError('asset', `is an asset of ${asset.provider}, not ${TASKS_PROVIDER}`);
  }
  const what = { provider: TASKS_PROVIDER, what: 'an asset' };
  if (asset.role === 'source')
    return {
      kind: 'asset',
      payload: parsePayload(
        TasksAssetSchema,
        { id: asset.id, name: asset.name, ...(asset.raw as object) },
        what,
      ),
    };
  return { kind: 'output', payload: parsePayload(TasksOutputSchema, asset.raw, what) };
}

function parseTask(payload: unknown): TasksTask {
  return parsePayload(TasksTaskSchema, payload, { provider: TASKS_PROVIDER, what: 'a task' });
}

import {
  type Asset,
  deriveJobStatus,
  type Job,
  type JobHandle,
  type Target,
  type TargetStatus,
} from '@stemkit/core';
import type { DroppedField, MappingResult } from '../mapping/result.ts';
import { fileNameOfUrl, outputAsset, withoutUndefined } from '../shared/assets.ts';
import { extensionOf, outputMimeType } from '../shared/formats.ts';
import { stemOfModel } from '../shared/models.ts';
import { parseOrThrow } from '../shared/wire.ts';
import {
  type TasksAsset,
  TasksAssetSchema,
  type TasksTarget,
  type TasksTask,
  TasksTaskSchema,
} from './schemas.ts';

/** The provider name of the Tasks driver, in every neutral object it writes. */
export const TASKS_PROVIDER = 'audioshake-tasks';

/** Output links live one hour (spec §2.5). */
export const TASKS_LINK_LIFETIME_MS = 60 * 60 * 1000;
/** Uploaded assets are deleted after 72 hours (spec §2.3). */
export const TASKS_ASSET_LIFETIME_MS = 72 * 60 * 60 * 1000;

/**
 * The neutral status of a Tasks target status (spec §3.5): `error` and `failed` are both failures; targets
 * start in `processing`, so there is no queued state on the wire (an unknown `created`/`queued` still maps).
 *
 * @example
 * ```ts
 * tasksStatusToNeutral('processing'); // 'running'
 * tasksStatusToNeutral('failed'); // 'failed'
 * ```
 */
export function tasksStatusToNeutral(status: string | null | undefined): TargetStatus {
  switch (status?.toLowerCase()) {
    case 'completed':
      return 'succeeded';
    case 'error':
    case 'failed':
      return 'failed';
    case 'created':
    case 'queued':
    case 'pending':
      return 'queued';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    default:
      return 'running';
  }
}

/**
 * A Tasks asset as a neutral one; it expires 72 h after upload (`uploadedAt`, default now).
 *
 * @example
 * ```ts
 * const { value } = tasksAssetToNeutral({ id: 'cmkd…', format: 'mp3', name: 'test.mp3' });
 * ```
 */
export function tasksAssetToNeutral(payload: unknown, uploadedAt: number = Date.now()): MappingResult<Asset> {
  const asset: TasksAsset = parseOrThrow(TasksAssetSchema, payload, 'asset', TASKS_PROVIDER);
  const name = asset.name ?? asset.id;
  const format = asset.format ?? extensionOf(name);
  const created = asset.createdAt ? Date.parse(asset.createdAt) : uploadedAt;
  return {
    value: withoutUndefined({
      id: asset.id,
      name,
      role: 'source' as const,
      format,
      mimeType: outputMimeType(format),
      url: asset.link ?? undefined,
      expiresAt: new Date(created + TASKS_ASSET_LIFETIME_MS).toISOString(),
      provider: TASKS_PROVIDER,
      raw: asset,
    }),
    dropped: [],
  };
}

/**
 * One target as a neutral one. Outputs are named `${name}.${format}` (the wire name has no extension), carry
 * their `type` as MIME type (or one derived from the format) and expire an hour after `fetchedAt`.
 *
 * @example
 * ```ts
 * const target = tasksTargetToNeutral(task.targets[0], Date.now());
 * ```
 */
export function tasksTargetToNeutral(target: TasksTarget, fetchedAt: number): Target {
  const model = target.model ?? 'unknown';
  const expiresAt = new Date(fetchedAt + TASKS_LINK_LIFETIME_MS).toISOString();
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
      expiresAt: output.link ? expiresAt : undefined,
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
 * A task (a `GET /tasks/:id` body, a `POST /tasks` answer, or a webhook body) as a neutral job: one task is one
 * job, each target one target, the job status derived with `deriveJobStatus` (a mix of completed and failed
 * targets is `partial`). `dropped` lists what only `raw` keeps: costs, durations, the client id.
 *
 * @example
 * ```ts
 * const { value: job } = taskToNeutral(await response.json());
 * job.targets.map((target) => target.outputs[0]?.name); // ['vocals_high_quality.mp3']
 * ```
 */
export function taskToNeutral(payload: unknown, fetchedAt: number = Date.now()): MappingResult<Job> {
  return parsedTaskToNeutral(parseOrThrow(TasksTaskSchema, payload, 'task', TASKS_PROVIDER), fetchedAt);
}

/** {@link taskToNeutral} for a task the transport has already parsed: no second pass of the schema. */
export function parsedTaskToNeutral(task: TasksTask, fetchedAt: number): MappingResult<Job> {
  const targets = (task.targets ?? []).map((target) => tasksTargetToNeutral(target, fetchedAt));
  const dropped: DroppedField[] = [];
  if (task.clientId) dropped.push(rawOnly('clientId'));
  if (task.cost !== undefined && task.cost !== null) dropped.push(rawOnly('cost'));
  for (const [index, target] of (task.targets ?? []).entries()) {
    for (const field of ['cost', 'duration', 'transcriptUrl', 'transcriptAssetId'] as const) {
      if (target[field] !== undefined && target[field] !== null)
        dropped.push(rawOnly(`targets.${index}.${field}`));
    }
  }
  const handle: JobHandle = { contract: 1, provider: TASKS_PROVIDER, id: task.id };
  const status = deriveJobStatus(targets.map((target) => target.status));
  return {
    value: withoutUndefined({
      id: task.id,
      provider: TASKS_PROVIDER,
      status,
      source: sourceOf(task),
      targets,
      progress: { stage: status, events: [] },
      warnings: [],
      metadata: task.metadata ?? undefined,
      createdAt: task.createdAt ?? undefined,
      updatedAt: task.updatedAt ?? undefined,
      completedAt: task.completedAt ?? undefined,
      handle,
      raw: task,
    }),
    dropped,
  };
}

function sourceOf(task: TasksTask): Asset | undefined {
  if (task.assetId) {
    return {
      id: task.assetId,
      name: task.assetId,
      role: 'source',
      provider: TASKS_PROVIDER,
      raw: { assetId: task.assetId },
    };
  }
  if (task.url) {
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
  return undefined;
}

function rawOnly(field: string): DroppedField {
  return { field, reason: 'the neutral model has no such field; it stays in `raw`', behaviourChange: false };
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
  return parseOrThrow(TasksTaskSchema, job.raw, 'task', TASKS_PROVIDER);
}

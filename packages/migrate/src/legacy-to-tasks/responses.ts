import {
  audioshakeLegacy,
  expandLegacyFormat,
  type LegacyAsset,
  LegacyAssetSchema,
  LegacyJobSchema,
  LegacyUsageSchema,
  legacyJobMetadata,
  legacyJobModel,
  legacyJobOutputs,
  legacyJobToNeutral,
  type TasksAsset,
  type TasksOutput,
  type TasksTarget,
  type TasksTask,
  type TasksUsageMonth,
  unwrapJob,
} from '@stemkit/audioshake';
import { mimeTypeOf } from '@stemkit/core';
import { parsePayload } from '@stemkit/core/driver';
import type * as z from 'zod/mini';
import type { DroppedField, MappingResult } from './dropped.ts';
import { legacyModelToTaskModel } from './models.ts';
import { legacyStatusToTaskStatus } from './status.ts';

/** Reads a stored legacy payload; one that breaks the schema is an `InvalidResponseError`, as from the API. */
function parseLegacy<Schema extends z.ZodMiniType>(schema: Schema, payload: unknown, what: string) {
  return parsePayload(schema, payload, { provider: audioshakeLegacy.provider, what });
}

/**
 * A legacy job as the Tasks record it corresponds to: the job is one target (`target.id = job.id`)
 * of a task whose id is the job's `requestId`. It is what migration tooling stores and compares; it does not
 * exist on the Tasks API until the job is re-run there.
 *
 * @example
 * ```ts
 * const task = TasksTaskSchema.parse(await response.json());
 * const record: LegacyTaskRecord = { taskId: task.id, targetId: 'clksrfob8000bf7of6xkscy8m', task };
 * ```
 */
export interface LegacyTaskRecord {
  /** The task id: the job's `requestId`, else its `id`. */
  readonly taskId: string;
  /** The target id: the legacy job's `id`. */
  readonly targetId: string;
  /** The job as a task with one target, in the shape `GET /tasks/{taskId}` returns. */
  readonly task: TasksTask;
}

/**
 * Maps a legacy Job (`{ job }` or bare) to a Tasks-shaped record (see docs/providers/audioshake-tasks.md, "From the legacy API"):
 * ids, client, times, model (renamed where Tasks differs), formats, options, status, `statusInfo` → `error`, `sourceAsset` → `assetId`, outputs without
 * ids and extensions (`vocals.wav` → `{ name: 'vocals', format: 'wav' }`, `fileType` → `type`), `customProperty`
 * → task `metadata`. What Tasks has no field for is in `dropped`.
 *
 * @example
 * ```ts
 * const { value, dropped } = legacyJobToTaskRecord(await response.json());
 * value.task.targets?.[0]?.output; // [{ name: 'instrumental', format: 'wav', type: 'audio/wav', link: '…' }]
 * ```
 */
export function legacyJobToTaskRecord(payload: unknown): MappingResult<LegacyTaskRecord> {
  const job = parseLegacy(LegacyJobSchema, unwrapJob(payload), 'a job');
  const dropped: DroppedField[] = [];
  const metadata = legacyJobMetadata(job);
  const model = legacyModelToTaskModel(legacyJobModel(job) ?? 'unknown');
  dropped.push(...model.dropped);
  const status = legacyStatusToTaskStatus(job.status);
  dropped.push(...status.dropped);
  // The neutral target's error is the legacy driver's reading of `statusInfo`, `error` and `errorMessage`.
  const failure = legacyJobToNeutral(job).targets[0]?.error;
  const outputs = legacyJobOutputs(job);
  if (job.licenseId) dropped.push(none('licenseId', 'Tasks has no license id'));
  if (job.startedAt) dropped.push(none('startedAt', 'Tasks exposes no start time'));
  if (job.callbackUrl) {
    dropped.push({
      field: 'callbackUrl',
      reason: 'Tasks calls one account webhook instead',
      behaviourChange: true,
    });
  }
  for (const field of ['name', 'format', 'fileType'] as const) {
    if (job.sourceAsset?.[field]) {
      dropped.push(none(`sourceAsset.${field}`, 'a task keeps only assetId or url; keep it client-side'));
    }
  }
  if (outputs.length > 0) dropped.push(none('outputAssets[].id', 'Tasks outputs have no id'));
  const terminal = status.value !== 'processing';
  const target: TasksTarget = {
    id: job.id,
    model: model.value,
    status: status.value,
    formats: metadata?.format ? expandLegacyFormat(metadata.format) : [],
    output: outputs.map(outputOf),
    error: failure ? { code: failure.code ?? null, message: failure.message } : null,
    residual: metadata?.residual ?? null,
    language: metadata?.language ?? null,
    variant: metadata?.variant ?? null,
    createdAt: job.createdAt ?? null,
    updatedAt: job.updatedAt ?? null,
  };
  const taskId = job.requestId ?? job.id;
  const task: TasksTask = {
    id: taskId,
    createdAt: job.createdAt ?? null,
    updatedAt: job.updatedAt ?? null,
    completedAt: terminal ? (job.completedAt ?? job.updatedAt ?? null) : null,
    clientId: job.clientId ?? null,
    assetId: job.sourceAsset?.id ?? job.assetId ?? null,
    metadata: metadata?.customProperty ?? null,
    targets: [target],
  };
  return { value: { taskId, targetId: job.id, task }, dropped };
}

/** A legacy output as a Tasks one: the name loses its extension, `fileType` becomes `type`. */
function outputOf(asset: LegacyAsset): TasksOutput {
  const name = asset.name ?? asset.id;
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
  const format = asset.format ?? extension ?? null;
  return {
    name: format && extension === format ? name.slice(0, -(format.length + 1)) : name,
    format,
    link: asset.link ?? null,
    type: asset.fileType || (format ? mimeTypeOf(format) : null),
  };
}

/**
 * A legacy Asset as a Tasks asset record: `fileType` is dropped (Tasks derives it from the
 * format). The id does not carry over between the APIs: re-upload with `POST /assets`.
 *
 * @example
 * ```ts
 * legacyAssetToTaskAsset({ name: 'audioshake-it-up', id: 'clyx…', fileType: 'audio/mpeg', format: 'mp3' }).value;
 * // { id: 'clyx…', name: 'audioshake-it-up', format: 'mp3' }
 * ```
 */
export function legacyAssetToTaskAsset(payload: unknown): MappingResult<TasksAsset> {
  const asset = parseLegacy(LegacyAssetSchema, payload, 'an asset');
  const dropped: DroppedField[] = [];
  if (asset.fileType)
    dropped.push(none('fileType', 'Tasks assets carry no MIME type; derive it from format'));
  if (asset.clientId) dropped.push(none('clientId', 'Tasks assets carry no client id'));
  return {
    value: {
      id: asset.id,
      name: asset.name ?? null,
      format: asset.format ?? null,
      ...(asset.link ? { link: asset.link } : {}),
    },
    dropped,
  };
}

/**
 * Legacy `POST /usage` as Tasks usage statistics: `totalJobs` → `totalTargets` (one legacy job is
 * one target), `totalMinutes` as a number. The client id is dropped.
 *
 * @example
 * ```ts
 * legacyUsageToTaskStatistics({ clientId: 'c1', usage: [{ month: '2026-01', totalJobs: 4, totalMinutes: 12 }] }).value;
 * // [{ month: '2026-01', totalTargets: 4, totalMinutes: 12 }]
 * ```
 */
export function legacyUsageToTaskStatistics(payload: unknown): MappingResult<TasksUsageMonth[]> {
  const usage = parseLegacy(LegacyUsageSchema, payload, 'the usage');
  const dropped = usage.clientId ? [none('clientId', 'the statistics carry no client id')] : [];
  return {
    value: (usage.usage ?? []).map((row) => ({
      month: row.month,
      totalTargets: row.totalJobs ?? 0,
      totalMinutes: Number(row.totalMinutes ?? 0),
    })),
    dropped,
  };
}

function none(field: string, reason: string): DroppedField {
  return { field, reason, behaviourChange: false };
}

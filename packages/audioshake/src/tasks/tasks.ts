import {
  InvalidArgumentError,
  type SourceReference,
  type StartRequest,
  type TargetRequest,
  type Warning,
} from '@stemkit/core';
import type { AudioShakeHttp } from '../shared/http.ts';
import { modelOfStem } from '../shared/models.ts';
import { TASKS_PROVIDER } from './mapping.ts';
import {
  TasksPageSchema,
  type TasksTargetRequest,
  type TasksTask,
  type TasksTaskRequest,
  TasksTaskSchema,
} from './schemas.ts';

/**
 * The `POST /tasks` body of a neutral request, and the warnings for what the Tasks API cannot take:
 * a per-job `callbackUrl` (Tasks calls one account webhook) and `priority`. `providerOptions` are merged into
 * the body (e.g. `{ writeDestination: 's3://…' }`).
 */
export function buildTaskRequest(request: StartRequest): { body: TasksTaskRequest; warnings: Warning[] } {
  const warnings: Warning[] = [];
  if (request.callbackUrl !== undefined) {
    warnings.push({
      code: 'option-ignored',
      field: 'callbackUrl',
      message: 'the Tasks API calls one account webhook (Dashboard or POST /webhooks), not a per-job URL',
    });
  }
  if (request.priority !== undefined) {
    warnings.push({ code: 'option-ignored', field: 'priority', message: 'the Tasks API has no priority' });
  }
  const body: TasksTaskRequest = {
    ...request.providerOptions,
    ...sourceField(request.source, 'source'),
    targets: request.targets.map(targetOf),
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
  };
  return { body, warnings };
}

function sourceField(source: SourceReference, field: string): { url: string } | { assetId: string } {
  if ('url' in source) return { url: source.url };
  if (source.asset.provider !== TASKS_PROVIDER) {
    throw new InvalidArgumentError(
      field,
      `is an asset of ${source.asset.provider}; upload it through the Tasks driver, or pass a URL`,
    );
  }
  return { assetId: source.asset.id };
}

function targetOf(target: TargetRequest, index: number): TasksTargetRequest {
  const transcript = target.transcript
    ? sourceField(target.transcript, `targets.${index}.transcript`)
    : undefined;
  return {
    model: modelOfStem(target.stem),
    formats: [...target.formats],
    ...(target.residual === undefined ? {} : { residual: target.residual }),
    ...(target.variant === undefined ? {} : { variant: target.variant }),
    ...(target.language === undefined ? {} : { language: target.language }),
    ...(transcript && 'url' in transcript ? { transcriptUrl: transcript.url } : {}),
    ...(transcript && 'assetId' in transcript ? { transcriptAssetId: transcript.assetId } : {}),
  };
}

/** `POST /tasks`: not idempotent, so the transport repeats it only on 429 (answered before any work). */
export async function createTask(
  http: AudioShakeHttp,
  body: TasksTaskRequest,
  signal?: AbortSignal,
): Promise<TasksTask> {
  const { data } = await http.api.call({
    method: 'POST',
    path: 'tasks',
    json: body,
    schema: TasksTaskSchema,
    idempotent: false,
    signal,
    what: 'create task',
  });
  return data;
}

/** `GET /tasks/:id`: the task with fresh output links. */
export async function getTask(http: AudioShakeHttp, id: string, signal?: AbortSignal): Promise<TasksTask> {
  const { data } = await http.api.call({
    method: 'GET',
    path: `tasks/${encodeURIComponent(id)}`,
    schema: TasksTaskSchema,
    signal,
    what: `get task ${id}`,
  });
  return data;
}

/** `GET /tasks?skip&take`: one page, a bare array (take is 1–100). */
export async function listTasks(
  http: AudioShakeHttp,
  page: { readonly skip: number; readonly take: number },
  signal?: AbortSignal,
): Promise<TasksTask[]> {
  const { data } = await http.api.call({
    method: 'GET',
    path: 'tasks',
    searchParams: { skip: page.skip, take: page.take },
    schema: TasksPageSchema,
    signal,
    what: 'list tasks',
  });
  return data;
}

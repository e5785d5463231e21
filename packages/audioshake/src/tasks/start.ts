import {
  type DriverCallOptions,
  InvalidArgumentError,
  type SourceReference,
  type StartRequest,
  type StartResult,
  summarizeSource,
  type TargetRequest,
  type Warning,
} from '@stemkit/core/driver';
import { modelOfStem } from '../shared/catalog.ts';
import type { TasksApi } from './api.ts';
import { TASKS_PROVIDER } from './options.ts';
import { toJob } from './to-neutral.ts';
import { type TasksTargetRequest, type TasksTaskRequest, TasksTaskSchema } from './wire.ts';

/**
 * Creates one task (`POST /tasks`): a `{ url }` source goes straight into the task, an uploaded asset as
 * `assetId`; `providerOptions` are merged into the body (e.g. `{ writeDestination: 's3://…' }`). `priority`,
 * which the Tasks API lacks, and a per-job `callbackUrl` (it calls one webhook per account) come back as warnings. Not idempotent: the transport repeats it only on 429,
 * answered before any work.
 */
export async function start(
  { http, context }: TasksApi,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  const warnings: Warning[] = [];
  if (request.priority !== undefined) {
    warnings.push({ code: 'option-ignored', field: 'priority', message: 'the Tasks API has no priority' });
  }
  if (request.callbackUrl !== undefined) {
    warnings.push({
      code: 'option-ignored',
      field: 'callbackUrl',
      message:
        'the Tasks API calls one webhook per account (set in its dashboard), not a callback URL per job',
    });
  }
  const body: TasksTaskRequest = {
    ...request.providerOptions,
    ...sourceField(request.source, 'source'),
    targets: request.targets.map(targetOf),
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
  };
  const { data: task } = await http.call({
    method: 'POST',
    path: 'tasks',
    json: body,
    schema: TasksTaskSchema,
    idempotent: false,
    signal: options.signal,
    what: 'create task',
  });
  // A task names its source by asset id only: the handle keeps the uploaded file's name and metadata.
  const source = 'asset' in request.source ? summarizeSource(request.source) : undefined;
  const job = toJob(task, context.now(), source);
  return { handle: job.handle, job: { ...job, warnings }, warnings };
}

function sourceField(source: SourceReference, field: string): { url: string } | { assetId: string } {
  if ('url' in source) return { url: source.url };
  // Only drivers that declare `uploads: 'inline'` are handed the stream; this one uploads first.
  if ('upload' in source) throw new InvalidArgumentError(field, 'is an inline upload; upload it first');
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

import {
  type Asset,
  deriveJobStatus,
  type Failure,
  type Job,
  type JobHandle,
  mimeTypeOf,
  sourceFromSummary,
  type Target,
  type TargetStatus,
} from '@stemkit/core/driver';
import type { HandleData } from './handle.ts';
import type { CheckEntry, SplitTrack, UploadResponse } from './wire.ts';

// Pure mappings of LALAL.AI payloads onto the neutral model (the status-table and outputs kits' part).

/** The provider name in every neutral object. */
export const PROVIDER = 'lalal';

/** A check entry's status, neutrally: `progress` 0 is queued, any other percentage running. */
export function targetStatusOf(entry: CheckEntry | undefined): TargetStatus {
  if (!entry) return 'queued';
  switch (entry.status) {
    case 'progress':
      return (entry.progress ?? 0) > 0 ? 'running' : 'queued';
    case 'success':
      return 'succeeded';
    case 'cancelled':
      return 'canceled';
    default:
      // `error`, `server_error` and any status the note does not list.
      return 'failed';
  }
}

/** A failed entry's error: `{detail, code}` for `error`, the bare text for `server_error`. */
export function failureOf(entry: CheckEntry): Failure {
  const error = entry.error;
  if (typeof error === 'string') return { code: entry.status, message: error };
  return {
    ...(error?.code ? { code: error.code } : {}),
    message: error?.detail ?? `the task ended with status "${entry.status}"`,
  };
}

/** The uploaded source as a neutral asset: the upload's answer fills it (no inspection needed). */
export function sourceAssetOf(upload: UploadResponse): Asset {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(upload.name)?.[1]?.toLowerCase();
  const expires = Number(upload.expires);
  return {
    id: upload.id,
    name: upload.name,
    role: 'source',
    ...(extension ? { format: extension, mimeType: mimeTypeOf(extension) } : {}),
    sizeBytes: upload.size,
    durationSeconds: upload.duration,
    ...(Number.isFinite(expires) ? { expiresAt: new Date(expires * 1000).toISOString() } : {}),
    provider: PROVIDER,
    raw: upload,
  };
}

/** One track of a finished task as an output asset. */
export function outputOf(
  track: SplitTrack,
  taskId: string,
  target: HandleData['targets'][number],
  role: 'stem' | 'residual',
): Asset {
  const stem = role === 'stem' ? target.stem : `no_${target.stem}`;
  return {
    id: `${taskId}:${track.label}`,
    name: track.name ?? `${stem}.${target.format}`,
    role,
    stem,
    format: target.format,
    mimeType: mimeTypeOf(target.format),
    url: track.url,
    ...(typeof track.size === 'number' ? { sizeBytes: track.size } : {}),
    provider: PROVIDER,
    raw: track,
  };
}

/** The neutral target from its task's entry. */
function targetOf(
  target: HandleData['targets'][number],
  index: number,
  taskId: string,
  entry: CheckEntry | undefined,
): Target {
  let status = targetStatusOf(entry);
  let error: Failure | undefined = entry && status === 'failed' ? failureOf(entry) : undefined;
  const outputs: Asset[] = [];
  if (entry && status === 'succeeded') {
    const tracks = entry.result?.tracks ?? [];
    const own = tracks.find((track) => track.label === target.label);
    const residual = tracks.find((track) => track.label === target.residualLabel);
    if (own) outputs.push(outputOf(own, taskId, target, 'stem'));
    else {
      status = 'failed';
      error = { code: 'missing_track', message: `the finished task has no track labelled "${target.label}"` };
    }
    if (own && residual && target.residualLabel !== undefined)
      outputs.push(outputOf(residual, taskId, target, 'residual'));
  }
  return {
    id: `${taskId}:${index}`,
    stem: target.stem,
    formats: [target.format],
    status,
    outputs,
    ...(error ? { error } : {}),
    ...(target.variant ? { options: { variant: target.variant } } : {}),
    raw: entry ?? null,
  };
}

/** The neutral job from the `/check/` entries of its tasks. */
export function toJob(
  handle: JobHandle,
  parts: readonly string[],
  data: HandleData,
  entries: Readonly<Record<string, CheckEntry>>,
): Job {
  const targets = data.targets.map((target, index) => {
    const taskId = parts[target.task] ?? '';
    return targetOf(target, index, taskId, entries[taskId]);
  });
  // Each task's percentage, a finished one counting whole: the job's fraction is their mean.
  const fractions = parts.map((id) => {
    const entry = entries[id];
    if (!entry) return 0;
    return entry.status === 'progress' ? Math.min(Math.max((entry.progress ?? 0) / 100, 0), 1) : 1;
  });
  const fraction = fractions.reduce((sum, each) => sum + each, 0) / Math.max(fractions.length, 1);
  return {
    id: handle.id,
    provider: PROVIDER,
    status: deriveJobStatus(targets.map((target) => target.status)),
    ...(data.source ? { source: sourceFromSummary(data.source, PROVIDER) } : {}),
    targets,
    progress: { fraction, events: [] },
    warnings: [],
    handle,
    raw: Object.fromEntries(parts.map((id) => [id, entries[id] ?? null])),
  };
}

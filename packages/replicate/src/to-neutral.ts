import {
  type Asset,
  deriveJobStatus,
  type Job,
  type JobHandle,
  mimeTypeOf,
  sourceFromSummary,
  type Target,
  type TargetStatus,
} from '@stemkit/core/driver';
import { residualKeyOf } from './catalog.ts';
import type { HandleData } from './handle.ts';
import { REPLICATE_PROVIDER, type ReplicateDemucsModel } from './options.ts';
import type { ReplicatePrediction } from './wire.ts';

// Pure mapping of predictions onto the neutral model: one prediction is one job, each stem one target.

/** Replicate removes an API prediction's output files one hour after it completes. */
export const DATA_LIFETIME_MS = 60 * 60 * 1000;

/** The neutral status of a prediction status: `aborted` (deadline before start) is a cancel. */
export function replicateStatusToNeutral(status: string): TargetStatus {
  switch (status) {
    case 'starting':
      return 'queued';
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
    case 'aborted':
      return 'canceled';
    default:
      return 'running';
  }
}

/** When the outputs go: an hour after completion (or after creation, when the prediction has no end yet). */
export function expiryOf(prediction: ReplicatePrediction): string | undefined {
  const from = prediction.completed_at ?? prediction.created_at;
  const at = from ? Date.parse(from) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at + DATA_LIFETIME_MS).toISOString();
}

/** The output object as stem → URL, leaving out `null`s (stems the network lacks) and anything not a URL. */
export function outputUrls(output: unknown): Record<string, string> {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return {};
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(output)) if (typeof value === 'string') urls[key] = value;
  return urls;
}

function outputOf(
  prediction: ReplicatePrediction,
  key: string,
  url: string,
  role: 'stem' | 'residual',
  stem: string,
  format: string | undefined,
): Asset {
  const extension = format ?? /\.([a-z0-9]+)(?:$|\?)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const expiresAt = expiryOf(prediction);
  return {
    id: `${prediction.id}/${key}`,
    name: extension ? `${key}.${extension}` : key,
    role,
    stem,
    ...(extension ? { format: extension, mimeType: mimeTypeOf(extension) } : {}),
    url,
    ...(expiresAt ? { expiresAt } : {}),
    provider: REPLICATE_PROVIDER,
    raw: { key, url },
  };
}

/**
 * A prediction as a neutral job. Targets are the stems of the handle (or, for a handle from a callback or a
 * list, every stem of the output); a stem missing from a succeeded output is a failed target. After data
 * removal (`data_removed`) the targets keep their status and have no outputs.
 */
export function toJob(
  handle: JobHandle,
  data: HandleData,
  prediction: ReplicatePrediction,
  model: ReplicateDemucsModel,
): Job {
  const status = replicateStatusToNeutral(prediction.status);
  const urls = outputUrls(prediction.output);
  const format =
    data.format ??
    (typeof prediction.input?.output_format === 'string' ? prediction.input.output_format : undefined);
  const residualKeys = new Set(Object.keys(urls).filter((key) => key.startsWith('no_')));
  const stems = data.stems ?? Object.keys(urls).filter((key) => !residualKeys.has(key));
  const single = data.stems?.length === 1 ? data.stems[0] : undefined;
  const targets: Target[] = stems.map((stem) => {
    const url = urls[stem];
    const outputs = url ? [outputOf(prediction, stem, url, 'stem', stem, format)] : [];
    if (single && data.residual) {
      const key = residualKeyOf(model, single);
      const residual = urls[key];
      if (residual && key !== stem)
        outputs.push(outputOf(prediction, key, residual, 'residual', stem, format));
    }
    const missing = status === 'succeeded' && !url && !prediction.data_removed;
    const targetStatus: TargetStatus = missing ? 'failed' : status;
    const error =
      targetStatus === 'failed'
        ? {
            message: missing
              ? `the output has no ${stem}`
              : String(prediction.error ?? `prediction ${prediction.status}`),
          }
        : undefined;
    return {
      id: `${prediction.id}/${stem}`,
      stem,
      formats: format ? [format] : [],
      status: targetStatus,
      outputs,
      ...(error ? { error } : {}),
      options: data.residual ? { residual: true } : {},
      raw: { key: stem },
    };
  });
  const jobStatus = targets.length > 0 ? deriveJobStatus(targets.map((target) => target.status)) : status;
  return {
    id: prediction.id,
    provider: REPLICATE_PROVIDER,
    status: jobStatus,
    ...(data.source ? { source: sourceFromSummary(data.source, REPLICATE_PROVIDER) } : {}),
    targets,
    progress: { stage: prediction.status, events: [], ...progressOf(prediction.logs) },
    warnings: [],
    ...(prediction.created_at ? { createdAt: prediction.created_at } : {}),
    ...(prediction.started_at ? { startedAt: prediction.started_at } : {}),
    ...(prediction.completed_at
      ? { completedAt: prediction.completed_at, updatedAt: prediction.completed_at }
      : {}),
    handle,
    raw: prediction,
  } as Job;
}

/** The last tqdm line of the logs (`76%|███▌ | 35/46`) as a fraction, as the official client reads it. */
export function progressOf(logs: string | null | undefined): { fraction?: number } {
  if (!logs) return {};
  let percent: number | undefined;
  for (const line of logs.split('\n')) {
    const match = /^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)/.exec(line);
    if (match) percent = Number(match[1]);
  }
  return percent === undefined ? {} : { fraction: Math.min(1, percent / 100) };
}

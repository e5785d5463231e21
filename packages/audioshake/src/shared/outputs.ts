import {
  type Asset,
  type AssetRole,
  type Job,
  type LinkRequest,
  type LinkResult,
  mimeTypeOf,
  NotFoundError,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import { stemOfModel } from './catalog.ts';

// Outputs as both APIs describe them, and the link to one of them.

/**
 * What an output is to its job, from the model that made it and its file name: `<model>_residual` files are
 * residuals, text outputs of transcription, alignment and detection get their own roles, the rest are stems.
 */
function outputRole(model: string | undefined, name: string, format: string | undefined): AssetRole {
  if (/_residual(\.[A-Za-z0-9]+)?$/.test(name)) return 'residual';
  if (model === 'transcription') return 'transcript';
  if (model === 'alignment') return 'alignment';
  if (model === 'music_detection') return 'detection';
  if (format === 'json' || format === 'txt' || format === 'srt') return 'other';
  return 'stem';
}

/** The fields of an AudioShake output, on either API. */
export interface OutputDescription {
  readonly id: string;
  readonly name: string;
  readonly model?: string;
  readonly format?: string;
  readonly mimeType?: string;
  readonly url?: string;
  readonly expiresAt?: string;
  readonly provider: string;
  readonly raw: unknown;
}

/** A neutral output asset: its role and stem follow from the model that made it. */
export function outputAsset(output: OutputDescription): Asset {
  return withoutUndefined({
    id: output.id,
    name: output.name,
    role: outputRole(output.model, output.name, output.format),
    stem: output.model === undefined ? undefined : stemOfModel(output.model),
    format: output.format,
    mimeType: output.mimeType,
    url: output.url,
    expiresAt: output.expiresAt,
    provider: output.provider,
    raw: output.raw,
  });
}

/** A copy of `value` without its `undefined` fields, so neutral objects print and compare cleanly. */
export function withoutUndefined<Value extends object>(value: Value): Value {
  // A plain loop: it runs for every target and output of every status read.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry !== undefined) kept[key] = entry;
  }
  return kept as Value;
}

/** The extension of a file name, lower-cased, if it has one (`vocals.WAV` → `wav`). */
export function extensionOf(name: string): string | undefined {
  return /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
}

/** The MIME type of an output: the provider's when it gave one, otherwise derived from the format. */
export function outputMimeType(format: string | undefined, given?: string | null): string | undefined {
  if (given) return given;
  return format ? mimeTypeOf(format) : undefined;
}

/** The last path segment of a URL, to name an asset fetched from it (`…/song.mp3?x=1` → `song.mp3`). */
export function fileNameOfUrl(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : url;
  } catch {
    return url;
  }
}

/**
 * The link to one output of a job just read again: AudioShake's links expire, and the job is the only place to
 * get a fresh one. Another `format` is an output of the same target and role in that format: AudioShake
 * converts nothing on demand, so one not asked for at start is unsupported (`remedy` says what to do instead).
 */
export function outputLink(job: Job, request: LinkRequest, remedy: string): LinkResult {
  const { asset, format } = request;
  const output = findOutput(job, asset, format);
  if (!output && format && format !== asset.format) {
    throw new UnsupportedCapabilityError(
      `format:${format}`,
      `${job.provider} converts nothing on demand; ${remedy}`,
      { provider: job.provider },
    );
  }
  if (!output?.url) {
    throw new NotFoundError(`No output ${asset.name} in ${job.provider} job ${job.id}`, {
      provider: job.provider,
    });
  }
  return { ready: true, url: output.url, ...(output.expiresAt ? { expiresAt: output.expiresAt } : {}) };
}

function findOutput(job: Job, asset: Asset, format: string | undefined): Asset | undefined {
  const baseName = (name: string) => name.replace(/\.[^.]+$/, '');
  for (const target of job.targets) {
    const same = target.outputs.find((output) => output.id === asset.id);
    if (!same) continue;
    if (!format || format === same.format) return same;
    return target.outputs.find(
      (output) =>
        output.format === format &&
        output.role === same.role &&
        baseName(output.name) === baseName(same.name),
    );
  }
  return undefined;
}

import type { Asset, AssetRole, Job, StemName } from '@stemkit/core';
import { stemOfModel } from './models.ts';

/**
 * What an output is to its job, from the model that made it and its file name: `<model>_residual` files are
 * residuals, text outputs of transcription, alignment and detection get their own roles, the rest are stems.
 *
 * @example
 * ```ts
 * outputRole('dialogue', 'dialogue_residual.mp3', 'mp3'); // 'residual'
 * outputRole('alignment', 'alignment.json', 'json'); // 'alignment'
 * ```
 */
export function outputRole(model: string | undefined, name: string, format: string | undefined): AssetRole {
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

/**
 * A neutral output asset: its role and stem follow from the model that made it.
 *
 * @example
 * ```ts
 * outputAsset({ id: 'a1', name: 'vocals.wav', model: 'vocals', format: 'wav', provider: 'audioshake-tasks', raw: {} });
 * ```
 */
export function outputAsset(output: OutputDescription): Asset {
  const stem: StemName | undefined = output.model === undefined ? undefined : stemOfModel(output.model);
  return withoutUndefined({
    id: output.id,
    name: output.name,
    role: outputRole(output.model, output.name, output.format),
    stem,
    format: output.format,
    mimeType: output.mimeType,
    url: output.url,
    expiresAt: output.expiresAt,
    provider: output.provider,
    raw: output.raw,
  });
}

/**
 * A copy of `value` without its `undefined` fields, so neutral objects print and compare cleanly.
 *
 * @example
 * ```ts
 * withoutUndefined({ a: 1, b: undefined }); // { a: 1 }
 * ```
 */
export function withoutUndefined<Value extends object>(value: Value): Value {
  const defined: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) defined[key] = entry;
  return defined as Value;
}

/**
 * The last path segment of a URL, for naming an asset fetched from it.
 *
 * @example
 * ```ts
 * fileNameOfUrl('https://cdn.example/demo/shakeitup.mp3?x=1'); // 'shakeitup.mp3'
 * ```
 */
export function fileNameOfUrl(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : url;
  } catch {
    return url;
  }
}

/**
 * The output of `job` a link request is about: the same asset, or, when another `format` is asked for, the
 * output of the same target and role in that format (AudioShake converts nothing on demand).
 *
 * @example
 * ```ts
 * const output = findOutput(job, asset, 'mp3');
 * ```
 */
export function findOutput(job: Job, asset: Asset, format?: string): Asset | undefined {
  for (const target of job.targets) {
    const same = target.outputs.find((output) => output.id === asset.id);
    if (!same) continue;
    if (!format || format === same.format) return same;
    return target.outputs.find(
      (output) =>
        output.format === format &&
        output.role === same.role &&
        output.name.replace(/\.[^.]+$/, '') === same.name.replace(/\.[^.]+$/, ''),
    );
  }
  return undefined;
}

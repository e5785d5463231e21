import { NotFoundError, UnsupportedCapabilityError } from '../../errors.ts';
import type { Asset, AssetRole } from '../../model/asset.ts';
import type { Job } from '../../model/job.ts';
import { mimeTypeOf } from '../../model/names.ts';
import type { LinkRequest, LinkResult } from '../contract.ts';

// The outputs kit: what an output is to its job, finding it again in a job read afresh, and the file-name
// helpers every driver needs to name and type what a provider returns.

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

/**
 * The extension of a file name, lower-cased, if it has one (1 to 5 letters or digits).
 *
 * @example
 * ```ts
 * extensionOf('vocals.WAV'); // 'wav'
 * ```
 */
export function extensionOf(name: string): string | undefined {
  return /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
}

/**
 * The last path segment of a URL, decoded, to name an asset fetched from it; the URL itself when it has none or
 * is no URL.
 *
 * @example
 * ```ts
 * fileNameOfUrl('https://cdn.test/a/song%201.mp3?sig=x'); // 'song 1.mp3'
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
 * The MIME type of an output: the provider's when it gave one, otherwise derived from the format.
 *
 * @example
 * ```ts
 * outputMimeType('flac'); // 'audio/flac'
 * ```
 */
export function outputMimeType(format: string | undefined, given?: string | null): string | undefined {
  if (given) return given;
  return format ? mimeTypeOf(format) : undefined;
}

/**
 * What an output is to its job, from its file `name`, its `format` and the `role` the provider's own vocabulary
 * gives it (a model or task name the driver mapped), if any: a `…_residual` name is a residual whatever else is
 * said; then the provider's word; then `other` for a text format; else a stem.
 *
 * @example
 * ```ts
 * inferOutputRole('vocals_residual.wav'); // 'residual'
 * inferOutputRole('lyrics.json', 'json', 'transcript'); // 'transcript'
 * ```
 */
export function inferOutputRole(name: string, format?: string, role?: AssetRole): AssetRole {
  if (/_residual(\.[A-Za-z0-9]+)?$/.test(name)) return 'residual';
  if (role !== undefined) return role;
  // Text, not audio: `other` unless the provider's word says more.
  if (/^(?:json|txt|srt)$/.test(format ?? '')) return 'other';
  return 'stem';
}

/**
 * The output of `job` that `request` asks for: the asset itself (matched by id), or, for another `format`, the
 * output of the same target, role and base name in that format. `undefined` when the job has none.
 */
export function findOutput(job: Job, request: LinkRequest): Asset | undefined {
  const { asset, format } = request;
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

/**
 * The link to one output of a job just read again, for providers whose links expire and whose job is the only
 * place to get a fresh one. A `format` no output has is an `UnsupportedCapabilityError` (such a provider
 * converts nothing on demand; `remedy` says what to do instead); an asset not in the job, or without a URL, a
 * `NotFoundError`.
 */
export function outputLink(job: Job, request: LinkRequest, remedy: string): LinkResult {
  const { asset, format } = request;
  const output = findOutput(job, request);
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

/**
 * The default `link` of a driver declaring `links: true` whose outputs carry expiring URLs: reads the job again
 * through the driver's own `status`, then {@link outputLink}. `remedy` may depend on the request (the format
 * asked for).
 */
export function linkFromStatus<Handle, Options>(
  readStatus: (handle: Handle, options?: Options) => Promise<{ readonly job: Job }>,
  remedy: (request: LinkRequest) => string,
): (handle: Handle, request: LinkRequest, options?: Options) => Promise<LinkResult> {
  return async (handle, request, options) => {
    const { job } = await readStatus(handle, options);
    return outputLink(job, request, remedy(request));
  };
}

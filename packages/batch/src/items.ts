import { InvalidArgumentError, type OutputFormat, type StemName } from '@stemkit/core';
import { nameProblem, storable } from './names.ts';

/**
 * One track to separate. Only `source` is required; the rest falls back to the batch's options.
 *
 * @example
 * ```ts
 * const item: BatchItem = { source: 'masters/song.wav', stems: ['vocals', 'drums'], formats: ['wav', 'mp3'] };
 * ```
 */
export interface BatchItem {
  /** A file path or an `http(s)` URL of the audio. */
  readonly source: string;
  /** The stems to produce (default: the batch's `stems`). */
  readonly stems?: readonly StemName[];
  /** The output formats (default: the batch's `formats`, else `['wav']`). */
  readonly formats?: readonly OutputFormat[];
  /**
   * The track's output folder under the batch's `out`, and its key in the ledger (default: the source's file
   * name without its extension). Slashes make sub-folders; `..` is refused.
   */
  readonly name?: string;
}

/** A track as the ledger keeps it: every default applied, so any worker can run it as it is. */
export interface TrackRequest {
  /** A file path (absolute once read from a manifest) or an `http(s)` URL. */
  readonly source: string;
  /** The output folder under `out`, and the track's key. */
  readonly name: string;
  /** The stems to produce. */
  readonly stems: readonly StemName[];
  /** The output formats, lower-case without a dot. */
  readonly formats: readonly OutputFormat[];
  /** Also each stem's residual (`<stem>_residual.<format>`). */
  readonly residual?: boolean;
  /** The provider's model variant, e.g. `high_quality`. */
  readonly variant?: string;
}

/** The name a source gets when the item gives none: its file name without the extension. */
export function defaultName(source: string): string {
  const path = /^https?:\/\//i.test(source) ? decodeURIComponent(new URL(source).pathname) : source;
  const base = path.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
  return base.replace(/\.[^.]+$/, '') || base;
}

/**
 * Applies the batch's defaults to an item and checks what can be checked without a provider. Whether the
 * provider offers the stems and formats is checked per track, where a refusal fails that track only.
 */
export function resolveItem(
  item: BatchItem,
  defaults: { readonly stems: readonly StemName[]; readonly formats: readonly OutputFormat[] },
  field: string,
): TrackRequest {
  if (typeof item !== 'object' || item === null) throw new InvalidArgumentError(field, 'must be an object');
  if (typeof item.source !== 'string' || item.source.trim() === '') {
    throw new InvalidArgumentError(`${field}.source`, 'must be a file path or an http(s) URL');
  }
  const source = item.source.trim();
  if (!storable(source)) {
    throw new InvalidArgumentError(`${field}.source`, 'must not contain a NUL character or a lone surrogate');
  }
  let name: string;
  try {
    name = item.name ?? defaultName(source);
  } catch {
    throw new InvalidArgumentError(`${field}.source`, 'is not a valid URL');
  }
  const problem = typeof name === 'string' ? nameProblem(name) : 'must be a string';
  if (problem !== undefined) throw new InvalidArgumentError(`${field}.name`, problem);
  const list = (value: unknown, key: 'stems' | 'formats') => {
    if (value === undefined) return undefined;
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      value.some((each) => typeof each !== 'string' || !each || !storable(each))
    ) {
      throw new InvalidArgumentError(`${field}.${key}`, 'must be a non-empty list of names');
    }
    return value as string[];
  };
  const stems = list(item.stems, 'stems') ?? [...defaults.stems];
  const formats = (list(item.formats, 'formats') ?? [...defaults.formats]).map((format) =>
    format.toLowerCase().replace(/^\./, ''),
  );
  if (stems.length === 0) throw new InvalidArgumentError(`${field}.stems`, 'give at least one stem');
  return { source, name, stems, formats: formats.length > 0 ? formats : ['wav'] };
}

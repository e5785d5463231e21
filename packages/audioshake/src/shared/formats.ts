import { mimeTypeOf } from '@stemkit/core';

/** Audio formats both AudioShake APIs write (spec §1.8, §2.10). */
export const AUDIOSHAKE_AUDIO_FORMATS = ['wav', 'flac', 'mp3', 'aiff', 'mp4'] as const;
/** Text formats of transcription, alignment and music detection. */
export const AUDIOSHAKE_TEXT_FORMATS = ['json', 'txt', 'srt'] as const;
/** Every output format, as the drivers declare it. */
export const AUDIOSHAKE_FORMATS = [...AUDIOSHAKE_AUDIO_FORMATS, ...AUDIOSHAKE_TEXT_FORMATS] as const;

/** The legacy text format that stands for every text format at once. */
export const LEGACY_ALL_TEXT_FORMATS = 'all';

/**
 * Whether a format is a text format (json, txt, srt, or the legacy `all`).
 *
 * @example
 * ```ts
 * isTextFormat('srt'); // true
 * ```
 */
export function isTextFormat(format: string): boolean {
  return (
    format === LEGACY_ALL_TEXT_FORMATS || (AUDIOSHAKE_TEXT_FORMATS as readonly string[]).includes(format)
  );
}

/**
 * The formats one legacy `metadata.format` stands for: `all` is json, txt and srt.
 *
 * @example
 * ```ts
 * expandLegacyFormat('all'); // ['json', 'txt', 'srt']
 * ```
 */
export function expandLegacyFormat(format: string): string[] {
  return format === LEGACY_ALL_TEXT_FORMATS ? [...AUDIOSHAKE_TEXT_FORMATS] : [format];
}

/**
 * The MIME type of an output: the provider's when it gave one, otherwise derived from the format.
 *
 * @example
 * ```ts
 * outputMimeType('mp3'); // 'audio/mpeg'
 * ```
 */
export function outputMimeType(format: string | undefined, given?: string | null): string | undefined {
  if (given) return given;
  return format ? mimeTypeOf(format) : undefined;
}

/**
 * The extension of a file name, lower-cased, if it has one.
 *
 * @example
 * ```ts
 * extensionOf('vocals.WAV'); // 'wav'
 * ```
 */
export function extensionOf(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(name);
  return match?.[1]?.toLowerCase();
}

import * as z from 'zod/mini';

/**
 * Stem and model names every driver understands. Providers add their own (`vocals_lead`, `multi_voice`…);
 * those still type-check through {@link StemName}'s open end.
 *
 * - `instrumental` is everything but the vocals (Sourcere calls it `track`, others "accompaniment").
 * - `other` is what remains after vocals, drums and bass.
 */
export const WELL_KNOWN_STEMS = [
  'vocals',
  'instrumental',
  'drums',
  'bass',
  'other',
  'guitar',
  'piano',
  'strings',
  'wind',
  'other-x-guitar',
  'dialogue',
  'music_fx',
  'music_removal',
  'music_detection',
  'multi_voice',
  'transcription',
  'alignment',
] as const;

/** A name from {@link WELL_KNOWN_STEMS}. */
export type WellKnownStem = (typeof WELL_KNOWN_STEMS)[number];

/**
 * A stem or model name: well-known names autocomplete, any provider name still fits.
 *
 * @example
 * ```ts
 * const stems: StemName[] = ['vocals', 'drums', 'vocals_lead'];
 * ```
 */
export type StemName = WellKnownStem | (string & {});

/** Schema for a {@link StemName}: a non-empty string without surrounding spaces. */
export const StemNameSchema = z.lazy(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(255)));

/**
 * Audio formats stemkit knows as neutral names. `aac` is raw ADTS AAC and `ogg` Ogg Vorbis or Opus, both as
 * some providers deliver them (LALAL.AI's `encoder_format`); the local audio plugin may encode fewer.
 */
export const AUDIO_FORMATS = ['wav', 'mp3', 'm4a', 'flac', 'aiff', 'mp4', 'aac', 'ogg'] as const;
/** Formats for text outputs (transcription, alignment, detection). */
export const TEXT_FORMATS = ['json', 'txt', 'srt'] as const;

/** An audio file format. */
export type AudioFormat = (typeof AUDIO_FORMATS)[number];
/** Any output format: audio, text, or a provider-specific one. */
export type OutputFormat = AudioFormat | (typeof TEXT_FORMATS)[number] | 'zip' | (string & {});

/** Schema for an {@link OutputFormat}: lower-case, no leading dot (`.wav` is accepted and normalised). */
export const OutputFormatSchema = z.lazy(() =>
  z.pipe(
    // Trim and lower-case first: checks run in order, so the pattern sees the normalised text.
    z
      .string()
      .check(z.trim(), z.toLowerCase(), z.regex(/^\.?[a-z0-9][a-z0-9._-]{0,31}$/, 'must be a format name')),
    z.transform((value: string) => value.replace(/^\./, '')),
  ),
);

const MIME_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  json: 'application/json',
  txt: 'text/plain',
  srt: 'application/x-subrip',
  zip: 'application/zip',
};

/**
 * The MIME type of a format, `application/octet-stream` when unknown.
 *
 * @example
 * ```ts
 * mimeTypeOf('mp3'); // 'audio/mpeg'
 * ```
 */
export function mimeTypeOf(format: string): string {
  return MIME_TYPES[format.toLowerCase().replace(/^\./, '')] ?? 'application/octet-stream';
}

/**
 * The format a MIME type stands for, when it is one stemkit knows.
 *
 * @example
 * ```ts
 * formatOfMimeType('audio/mpeg'); // 'mp3'
 * ```
 */
export function formatOfMimeType(mimeType: string): string | undefined {
  const bare = mimeType.split(';')[0]?.trim().toLowerCase();
  if (bare === 'audio/x-wav' || bare === 'audio/wave') return 'wav';
  return Object.entries(MIME_TYPES).find(([, type]) => type === bare)?.[0];
}

/**
 * The file name, without its extension, of an output: its stem, `<stem>_residual` for a residual, else its own
 * name without the extension. `stemkit separate`, `stemkit download` and `@stemkit/batch` all name files by it.
 *
 * @example
 * ```ts
 * outputBaseName({ stem: 'vocals', role: 'residual', name: 'vocals_residual.wav' }); // 'vocals_residual'
 * ```
 */
export function outputBaseName(asset: {
  /** The stem it is an output of, when it is one. */
  readonly stem?: string | undefined;
  /** What it is to its job: `stem`, `residual`, `mix`… */
  readonly role: string;
  /** Its own file name. */
  readonly name: string;
}): string {
  if (asset.stem === undefined) return asset.name.replace(/\.[^.]+$/, '');
  return asset.role === 'residual' ? `${asset.stem}_residual` : asset.stem;
}

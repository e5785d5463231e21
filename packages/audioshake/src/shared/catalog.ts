import { type StemName, WELL_KNOWN_STEMS } from '@stemkit/core/driver';

// What both AudioShake APIs produce: model keys and output formats (see docs/providers/audioshake-tasks.md,
// "Models and formats").

/**
 * Model keys AudioShake documents on either API. Both APIs take any string on the wire and new models appear
 * without notice, so {@link AudioShakeModel} stays open.
 *
 * @example
 * ```ts
 * AUDIOSHAKE_MODELS.includes('dialogue'); // true
 * ```
 */
export const AUDIOSHAKE_MODELS = [
  // Core's well-known names are AudioShake's own keys.
  ...WELL_KNOWN_STEMS,
  'vocals_lead',
  'vocals_backing',
  'guitar_electric',
  'guitar_acoustic',
  'keys',
  'effects',
  'speech_denoise',
  'speech_dereverb',
  'music_identification',
  // Legacy only, with no known Tasks key: the drivers send them as they are.
  'music',
  'speech',
] as const;

/**
 * An AudioShake model key (`metadata.name` on the legacy API, `targets[].model` on Tasks): documented keys
 * autocomplete, any other string still fits.
 *
 * @example
 * ```ts
 * const models: AudioShakeModel[] = ['vocals', 'multi_voice', 'some_future_model'];
 * ```
 */
export type AudioShakeModel = (typeof AUDIOSHAKE_MODELS)[number] | (string & {});

/**
 * The model key that produces a neutral stem: `accompaniment` is AudioShake's `instrumental`; every other name
 * is the key itself, since core's well-known names were chosen to match AudioShake's.
 *
 * @example
 * ```ts
 * modelOfStem('accompaniment'); // 'instrumental'
 * ```
 */
export function modelOfStem(stem: StemName): AudioShakeModel {
  return stem === 'accompaniment' ? 'instrumental' : stem;
}

/**
 * The neutral stem name of a model key: the key itself, since core's names follow AudioShake's.
 *
 * @example
 * ```ts
 * stemOfModel('instrumental'); // 'instrumental'
 * ```
 */
export function stemOfModel(model: AudioShakeModel): StemName {
  return model;
}

/**
 * Audio formats both AudioShake APIs write.
 *
 * @example
 * ```ts
 * AUDIOSHAKE_AUDIO_FORMATS.includes('aiff'); // true
 * ```
 */
export const AUDIOSHAKE_AUDIO_FORMATS = ['wav', 'flac', 'mp3', 'aiff', 'mp4'] as const;

/**
 * Text formats of transcription, alignment and music detection.
 *
 * @example
 * ```ts
 * AUDIOSHAKE_TEXT_FORMATS; // ['json', 'txt', 'srt']
 * ```
 */
export const AUDIOSHAKE_TEXT_FORMATS = ['json', 'txt', 'srt'] as const;

/**
 * Every output format, as both drivers declare it.
 *
 * @example
 * ```ts
 * audioshakeTasks().capabilities.formats; // AUDIOSHAKE_FORMATS
 * ```
 */
export const AUDIOSHAKE_FORMATS = [...AUDIOSHAKE_AUDIO_FORMATS, ...AUDIOSHAKE_TEXT_FORMATS] as const;

/** The legacy text format that stands for every text format at once. */
export const LEGACY_ALL_TEXT_FORMATS = 'all';

/** Whether a format is a text format (json, txt, srt, or the legacy `all`). */
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

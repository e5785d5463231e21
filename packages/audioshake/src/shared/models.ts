import { type StemName, WELL_KNOWN_STEMS } from '@stemkit/core';

/**
 * Model keys AudioShake documents on either API (spec §1.8, §2.9). Both APIs take any string on the wire and
 * new models appear without notice, so {@link AudioShakeModel} stays open.
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
  // Legacy only, with no known Tasks equivalent: see LEGACY_ONLY_MODELS.
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
 * Neutral stem names that differ from AudioShake's model key. Every other name is passed through unchanged:
 * core's well-known names were chosen to match AudioShake's keys.
 */
const STEM_TO_MODEL: Readonly<Record<string, AudioShakeModel>> = {
  accompaniment: 'instrumental',
};

/**
 * Legacy model names whose Tasks equivalent is an open question (spec §3.6). They are never mapped
 * automatically: the drivers send them as they are, and the migration mapping reports them.
 */
export const LEGACY_ONLY_MODELS: Readonly<Record<string, string>> = {
  music:
    'the legacy DME "music" model has no known Tasks key; candidates are `music_fx` (music plus effects) ' +
    'or `music_removal` with `residual: true`',
  speech: 'the legacy `speech` model (spec enum only) has no known Tasks key; `dialogue` is likely',
};

/**
 * The model key that produces a neutral stem.
 *
 * @example
 * ```ts
 * modelOfStem('accompaniment'); // 'instrumental'
 * modelOfStem('vocals'); // 'vocals'
 * ```
 */
export function modelOfStem(stem: StemName): AudioShakeModel {
  return STEM_TO_MODEL[stem] ?? stem;
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

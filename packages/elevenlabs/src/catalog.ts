import {
  InvalidArgumentError,
  type OutputFormat,
  type StartRequest,
  type StemName,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import type { ElevenLabsProviderOptions } from './options.ts';
import { ELEVENLABS_OUTPUT_FORMATS, type ElevenLabsOutputFormat, type StemVariation } from './wire.ts';

/** The stems of `six_stems_v1`. */
export const SIX_STEMS = ['vocals', 'drums', 'bass', 'guitar', 'piano', 'other'] as const;
/** The stems of `two_stems_v1`: vocals and the rest. */
export const TWO_STEMS = ['vocals', 'instrumental'] as const;

/** The neutral formats and the `output_format` each maps to; the provider's own strings are formats too. */
export const NEUTRAL_FORMATS: Readonly<Record<string, ElevenLabsOutputFormat>> = { mp3: 'mp3_44100_128' };

/**
 * Stems and formats the driver declares: the union of both variations; every `output_format` is a format.
 *
 * @example
 * ```ts
 * ELEVENLABS_STEMS; // ['vocals', 'drums', 'bass', 'guitar', 'piano', 'other', 'instrumental']
 * ```
 */
export const ELEVENLABS_STEMS: readonly StemName[] = [...SIX_STEMS, 'instrumental'];
/** Every format the driver declares: `mp3` and the API's `output_format` strings. */
export const ELEVENLABS_FORMATS: readonly OutputFormat[] = ['mp3', ...ELEVENLABS_OUTPUT_FORMATS];

/** The one call's parameters, from a checked start request. */
export interface SeparationPlan {
  readonly variation: StemVariation;
  readonly outputFormat: ElevenLabsOutputFormat;
  readonly signWithC2pa?: boolean;
}

/**
 * Plans the one call: `two_stems_v1` when `instrumental` is asked for, else `six_stems_v1`; one `output_format`
 * for every target. Throws before anything is sent when the stems or formats cannot come from one call.
 */
export function planSeparation(request: Omit<StartRequest, 'source'>): SeparationPlan {
  const provider = (request.providerOptions ?? {}) as ElevenLabsProviderOptions;
  const stems = request.targets.map((target) => target.stem);
  const variation =
    provider.stemVariation ?? (stems.includes('instrumental') ? 'two_stems_v1' : 'six_stems_v1');
  if (variation !== 'six_stems_v1' && variation !== 'two_stems_v1') {
    throw new InvalidArgumentError('providerOptions.stemVariation', 'must be six_stems_v1 or two_stems_v1');
  }
  const offered: readonly string[] = variation === 'two_stems_v1' ? TWO_STEMS : SIX_STEMS;
  const missing = stems.filter((stem) => !offered.includes(stem));
  if (missing.length > 0) {
    throw new UnsupportedCapabilityError(
      `stem:${missing[0]}`,
      `elevenlabs separates ${offered.join(', ')} in one call (${variation}); not ${missing.join(', ')}`,
      { provider: 'elevenlabs' },
    );
  }
  const formats = new Set(request.targets.flatMap((target) => target.formats));
  const explicit = provider.outputFormat;
  if (explicit !== undefined && !(ELEVENLABS_OUTPUT_FORMATS as readonly string[]).includes(explicit)) {
    throw new InvalidArgumentError(
      'providerOptions.outputFormat',
      `is not an ElevenLabs output_format: ${explicit}`,
    );
  }
  const mapped = [...formats].map((format) => NEUTRAL_FORMATS[format] ?? format);
  if (explicit === undefined && new Set(mapped).size > 1) {
    throw new UnsupportedCapabilityError(
      `format:${[...formats][1]}`,
      `elevenlabs delivers one output_format per call, not ${[...formats].join(' and ')}`,
      { provider: 'elevenlabs' },
    );
  }
  return {
    variation,
    outputFormat: explicit ?? (mapped[0] as ElevenLabsOutputFormat),
    signWithC2pa: provider.signWithC2pa,
  };
}

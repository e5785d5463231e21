import { AudioError } from '../errors.ts';

/** The four masks every separation computes first; at every time-frequency point they sum to 1. */
export type BasePart = 'vocals' | 'drums' | 'bass' | 'other';

/**
 * How a stem is computed from the base masks: their sum, optionally limited to a frequency band and to the
 * centre (or sides) of the stereo image. Every stem is a mask on the input, never the input itself.
 */
export interface StemRecipe {
  /** The base masks summed to make the stem, before any `band` or `stereo` weighting. */
  parts: readonly BasePart[];
  /** Keep frequencies inside (or outside) `[low, high]` Hz, with half-octave soft edges. */
  band?: { low: number; high: number; keep: 'inside' | 'outside' };
  /** Weight by centre-ness^power (`centre`) or by 1 − centre-ness^power (`sides`). */
  stereo?: { power: number; keep: 'centre' | 'sides' };
  /** What the stem is, and for names DSP cannot isolate, how it is approximated. */
  description: string;
}

const GUITAR_BAND = { low: 80, high: 5000 } as const;

/**
 * Every stem name {@link separate} knows, with its recipe. Only vocals, drums, bass and other (and their
 * complements) are separations in their own right; the rest are documented approximations built from them.
 */
export const STEM_RECIPES: Readonly<Record<string, StemRecipe>> = {
  vocals: { parts: ['vocals'], description: 'centre-panned harmonic content above the bass band' },
  instrumental: { parts: ['drums', 'bass', 'other'], description: 'everything but vocals (input − vocals)' },
  accompaniment: { parts: ['drums', 'bass', 'other'], description: 'alias of instrumental' },
  drums: {
    parts: ['drums'],
    description: 'percussive content (transients and noise bursts), all frequencies',
  },
  bass: { parts: ['bass'], description: 'harmonic content below ~150 Hz' },
  other: {
    parts: ['other'],
    description: 'what remains after vocals, drums and bass: harmonic, off-centre, above the bass',
  },
  guitar: {
    parts: ['other'],
    band: { ...GUITAR_BAND, keep: 'inside' },
    description: 'approximation: other, limited to the guitar range 80 Hz–5 kHz',
  },
  guitar_electric: {
    parts: ['other'],
    band: { ...GUITAR_BAND, keep: 'inside' },
    description: 'approximation: same as guitar',
  },
  guitar_acoustic: {
    parts: ['other'],
    band: { ...GUITAR_BAND, keep: 'inside' },
    description: 'approximation: same as guitar',
  },
  'other-x-guitar': {
    parts: ['other'],
    band: { ...GUITAR_BAND, keep: 'outside' },
    description: 'approximation: other outside the guitar range (other − guitar)',
  },
  piano: {
    parts: ['other'],
    band: { low: 27, high: 4200, keep: 'inside' },
    description: 'approximation: other, limited to the piano range 27 Hz–4.2 kHz',
  },
  keys: {
    parts: ['other'],
    band: { low: 27, high: 4200, keep: 'inside' },
    description: 'approximation: same as piano',
  },
  strings: {
    parts: ['other'],
    band: { low: 40, high: 8000, keep: 'inside' },
    description: 'approximation: other, limited to the string section range 40 Hz–8 kHz',
  },
  wind: {
    parts: ['other'],
    band: { low: 100, high: 6000, keep: 'inside' },
    description: 'approximation: other, limited to the wind range 100 Hz–6 kHz',
  },
  vocals_lead: {
    parts: ['vocals'],
    stereo: { power: 4, keep: 'centre' },
    description: 'approximation: the most centred part of vocals',
  },
  vocals_backing: {
    parts: ['vocals'],
    stereo: { power: 4, keep: 'sides' },
    description: 'approximation: vocals − vocals_lead',
  },
  dialogue: { parts: ['vocals'], description: 'approximation: same as vocals (speech sits in the centre)' },
  speech: { parts: ['vocals'], description: 'approximation: same as vocals' },
  speech_denoise: {
    parts: ['vocals'],
    description:
      'approximation: same as vocals (noise is neither harmonic nor centred, so the vocal mask drops most of it)',
  },
  speech_dereverb: {
    parts: ['vocals'],
    stereo: { power: 4, keep: 'centre' },
    description: 'approximation: the most centred part of vocals (reverb decorrelates left and right)',
  },
  effects: { parts: ['drums'], description: 'approximation: the percussive, non-tonal part (same as drums)' },
  music: {
    parts: ['bass', 'other'],
    description: 'approximation: tonal content that is not dialogue (bass + other)',
  },
  music_fx: {
    parts: ['drums', 'bass', 'other'],
    description: 'approximation: music and effects, everything but dialogue (input − dialogue)',
  },
  music_removal: {
    parts: ['vocals', 'drums'],
    description: 'approximation: dialogue and effects with the music removed (vocals + drums)',
  },
};

/** The recipe for a stem name (case-insensitive); `invalid-argument` for names that are not audio stems. */
export function stemRecipe(name: string): StemRecipe {
  const recipe = Object.hasOwn(STEM_RECIPES, name.toLowerCase())
    ? STEM_RECIPES[name.toLowerCase()]
    : undefined;
  if (recipe) return recipe;
  throw new AudioError(
    'invalid-argument',
    `no DSP recipe for stem "${name}"; known stems: ${Object.keys(STEM_RECIPES).join(', ')}`,
  );
}

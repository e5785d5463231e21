import {
  type AudioFormat,
  type StartRequest,
  type StemName,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';

// What Sourcere produces: two algorithms, their stems, and the formats the download endpoint converts to.

/** `separationAlgorithm`: 6 = vocal-accompaniment, 7 = 4-stem. */
export type Algorithm = 6 | 7;

/** The neutral stems each algorithm produces. */
export const ALGORITHM_STEMS: Readonly<Record<Algorithm, readonly StemName[]>> = {
  6: ['vocals', 'instrumental'],
  7: ['vocals', 'drums', 'bass', 'other'],
};

/** Every neutral stem Sourcere can produce. */
export const SOURCERE_STEMS: readonly StemName[] = ['vocals', 'instrumental', 'drums', 'bass', 'other'];

/** Formats the download endpoint delivers (`fileFormat`). */
export const SOURCERE_FORMATS: readonly AudioFormat[] = ['mp3', 'm4a', 'wav', 'flac'];

// Sourcere names the accompaniment `track`; every other stem keeps its neutral name.
const ACCOMPANIMENT_FILE = 'track';

/** Sourcere's file base name of a neutral stem (`instrumental` → `track`). */
export function fileBaseOf(stem: StemName): string {
  return stem === 'instrumental' ? ACCOMPANIMENT_FILE : stem;
}

/** The neutral stem of an output file (`track.wav` → `instrumental`). */
export function stemOfFile(file: string): StemName {
  const base = file.replace(/\.[^./]+$/, '');
  return base === ACCOMPANIMENT_FILE ? 'instrumental' : base;
}

/** The algorithm of stems already validated: vocals and instrumental alone → 6, anything else → 7. */
export function algorithmOf(stems: readonly StemName[]): Algorithm {
  return stems.every((stem) => ALGORITHM_STEMS[6].includes(stem)) ? 6 : 7;
}

/**
 * The driver's `validate`, Sourcere's one rule the capabilities cannot express: one algorithm must produce every
 * requested stem (vocals + instrumental, or any of vocals, drums, bass and other).
 */
export function validateSeparation(request: Omit<StartRequest, 'source'>): void {
  const stems = request.targets.map((target) => target.stem);
  const algorithm = algorithmOf(stems);
  const unserved = stems.filter((stem) => !ALGORITHM_STEMS[algorithm].includes(stem));
  if (unserved.length > 0) {
    throw new UnsupportedCapabilityError(
      `stem:${unserved[0]}`,
      `sourcere separates either vocals + instrumental (algorithm 6) or vocals, drums, bass and other ` +
        `(algorithm 7) in one job; ${stems.join(', ')} needs both: start two separations`,
    );
  }
}

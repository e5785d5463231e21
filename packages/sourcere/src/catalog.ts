import {
  type AudioFormat,
  InvalidArgumentError,
  type StemName,
  UnsupportedCapabilityError,
} from '@stemkit/core';

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

/** The neutral name of a requested stem: `accompaniment` is accepted for `instrumental`. */
export function neutralStem(stem: StemName): StemName {
  return stem === 'accompaniment' ? 'instrumental' : stem;
}

/** Sourcere's file base name of a neutral stem (`instrumental` → `track`). */
export function fileBaseOf(stem: StemName): string {
  return stem === 'instrumental' ? ACCOMPANIMENT_FILE : stem;
}

/** The neutral stem of an output file (`track.wav` → `instrumental`). */
export function stemOfFile(file: string): StemName {
  const base = file.replace(/\.[^./]+$/, '');
  return base === ACCOMPANIMENT_FILE ? 'instrumental' : base;
}

/**
 * The one algorithm that produces every requested stem: vocals and instrumental → 6; any of drums, bass,
 * other (with or without vocals) → 7. Anything else cannot be served and fails before any request.
 */
export function chooseAlgorithm(stems: readonly StemName[]): Algorithm {
  if (stems.length === 0) throw new InvalidArgumentError('targets', 'ask for at least one stem');
  const unknown = stems.find((stem) => !SOURCERE_STEMS.includes(stem));
  if (unknown !== undefined) {
    throw new UnsupportedCapabilityError(
      `stem:${unknown}`,
      `sourcere cannot produce the stem "${unknown}"; it produces ${SOURCERE_STEMS.join(', ')}`,
    );
  }
  const duplicate = stems.find((stem, index) => stems.indexOf(stem) !== index);
  if (duplicate !== undefined) {
    throw new InvalidArgumentError('targets', `the stem "${duplicate}" is asked for twice`);
  }
  const algorithm: Algorithm = stems.every((stem) => ALGORITHM_STEMS[6].includes(stem)) ? 6 : 7;
  const unserved = stems.filter((stem) => !ALGORITHM_STEMS[algorithm].includes(stem));
  if (unserved.length > 0) {
    throw new UnsupportedCapabilityError(
      `stem:${unserved[0]}`,
      `sourcere separates either vocals + instrumental (algorithm 6) or vocals, drums, bass and other ` +
        `(algorithm 7) in one job; ${stems.join(', ')} needs both: start two separations`,
    );
  }
  return algorithm;
}

/** Checks a format is one the download endpoint delivers. */
export function requireFormat(format: string): AudioFormat {
  const normalised = format.toLowerCase().replace(/^\./, '');
  const known = SOURCERE_FORMATS.find((each) => each === normalised);
  if (!known) {
    throw new UnsupportedCapabilityError(
      `format:${format}`,
      `sourcere delivers ${SOURCERE_FORMATS.join(', ')}, not "${format}"`,
    );
  }
  return known;
}

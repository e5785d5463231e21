/**
 * One path segment of a storage key: a letter or digit first (so never `.` or `..`), then letters, digits,
 * `.`, `_` and `-`.
 */
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The storage key of a file, from its parts (`'legacy'`, a job id, `'vocals.wav'`…). Every key is built here,
 * whatever the route: each `/`-separated segment of each part must be a plain name, so a value that reached a
 * key (an id, a model, a variant) can never climb out of its folder. A refused key is a bug or an unvalidated
 * input, never a write.
 */
export function storageKey(...parts: string[]): string {
  const segments = parts.flatMap((part) => part.split('/'));
  for (const segment of segments) {
    if (!segmentPattern.test(segment)) throw new Error('Invalid storage key');
  }
  return segments.join('/');
}

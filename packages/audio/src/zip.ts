import { type Zippable, zipSync } from 'fflate';
import { AudioError } from './errors.ts';

/** Formats that are already compressed: deflating them again costs time and saves nothing. */
const STORED = /\.(mp3|m4a|aac|flac|ogg|opus|zip)$/i;

/**
 * Zips files (names may contain `/` folders) with fflate: compressed formats are stored, the rest deflated.
 *
 * @example
 * ```ts
 * const archive = await zip([{ name: 'vocals.wav', data: vocalsWav }, { name: 'drums.wav', data: drumsWav }]);
 * ```
 */
export async function zip(files: ReadonlyArray<{ name: string; data: Uint8Array }>): Promise<Uint8Array> {
  const entries: Zippable = {};
  const seen = new Set<string>();
  for (const { name, data } of files) {
    const segments = name.split('/');
    if (
      !name ||
      name.startsWith('/') ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..')
    ) {
      throw new AudioError(
        'invalid-argument',
        `zip entry name "${name}" must be a relative path without empty, . or .. parts`,
      );
    }
    if (seen.has(name)) throw new AudioError('invalid-argument', `zip entry "${name}" appears twice`);
    seen.add(name);
    entries[name] = [data, { level: STORED.test(name) ? 0 : 6 }];
  }
  return zipSync(entries);
}

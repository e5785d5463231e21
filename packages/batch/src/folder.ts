import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { BatchItem } from './items.ts';

/** File extensions a folder batch takes as audio; other files (notes, artwork, `.DS_Store`) are left alone. */
export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.flac', '.m4a', '.aif', '.aiff', '.ogg', '.opus', '.mp4'];

/**
 * An entry of a batch folder that is not taken as a track. Symbolic links and special files (pipes, sockets,
 * devices) are worth naming: a file someone meant to separate; hidden and non-audio files are only counted.
 *
 * @example
 * ```ts
 * const onSkip = (entry: SkippedEntry) => { if (entry.named) console.warn(`skipped ${entry.path}: ${entry.reason}`); };
 * ```
 */
export interface SkippedEntry {
  /** The entry's path relative to the folder, with `/` between segments. */
  readonly path: string;
  /** Why it is not a track. */
  readonly reason: 'symbolic link' | 'not a regular file' | 'hidden' | 'not audio';
  /** Whether it deserves a line of its own (a link or a special file), rather than only a count. */
  readonly named: boolean;
}

/**
 * Every audio file under `folder`, in a stable order, each named after its path without the extension; what is
 * left out is told to `onSkip`. Symbolic links are never followed: a link in a folder someone else filled could
 * point anywhere (`/proc/self/environ`, a key file).
 */
export async function folderItems(
  folder: string,
  onSkip?: (entry: SkippedEntry) => void,
): Promise<Array<BatchItem & { name: string }>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const file = join(entry.parentPath, entry.name);
    const path = relative(folder, file).split(sep).join('/');
    const parts = path.split('/');
    // Inside a hidden folder (`.git`, `.stemkit-batch`): the folder itself was counted, once.
    if (parts.slice(0, -1).some((part) => part.startsWith('.'))) continue;
    const skip = (reason: SkippedEntry['reason']) =>
      onSkip?.({ path, reason, named: reason === 'symbolic link' || reason === 'not a regular file' });
    if (parts.at(-1)?.startsWith('.')) skip('hidden');
    else if (entry.isDirectory()) continue;
    else if (entry.isSymbolicLink()) skip('symbolic link');
    else if (!entry.isFile()) skip('not a regular file');
    else if (!AUDIO_EXTENSIONS.includes(extname(entry.name).toLowerCase())) skip('not audio');
    else files.push(file);
  }
  return files.sort().map((file) => {
    const path = relative(folder, file);
    return {
      source: file,
      name: path
        .slice(0, path.length - extname(path).length)
        .split(sep)
        .join('/'),
    };
  });
}

import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './errors.ts';

/**
 * Makes a folder and its missing parents, one level at a time. Not `mkdir(path, { recursive: true })`: where a
 * file system refuses a new folder with ENOENT although its parent exists (`/proc/self/x`), Node's recursive
 * mkdir makes the parent and tries again, forever, at full CPU. Here each level is tried once. A file in the way
 * (`--out song.wav`) is a {@link UsageError} naming `flag`, not a raw EEXIST or ENOTDIR.
 *
 * @example
 * ```ts
 * await makeFolder('stems/2026', '--out');
 * ```
 */
export async function makeFolder(path: string, flag?: string): Promise<void> {
  try {
    await makeFolders(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    const named = flag === undefined ? `"${path}"` : `${flag} "${path}"`;
    throw new UsageError(
      code === 'EEXIST' ? `${named} is a file, not a folder` : `${named} goes through a file, not a folder`,
    );
  }
}

async function makeFolders(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return;
      throw error;
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw error;
    await makeFolders(parent);
    await mkdir(path).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/**
 * Refuses, before anything is sent, a `--out` that names a file (or goes through one): the job would run and
 * its outputs have nowhere to go. A path that does not exist yet is fine; it is made when the files come.
 *
 * @example
 * ```ts
 * await requireFolderPath('stems', '--out');
 * ```
 */
export async function requireFolderPath(path: string, flag: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR') throw new UsageError(`${flag} "${path}" goes through a file, not a folder`);
    return undefined;
  });
  if (info !== undefined && !info.isDirectory())
    throw new UsageError(`${flag} "${path}" is a file, not a folder`);
}

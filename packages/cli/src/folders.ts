import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes a folder and its missing parents, one level at a time. Not `mkdir(path, { recursive: true })`: where a
 * file system refuses a new folder with ENOENT although its parent exists (`/proc/self/x`), Node's recursive
 * mkdir makes the parent and tries again, forever, at full CPU. Here each level is tried once.
 *
 * @example
 * ```ts
 * await makeFolder('stems/2026');
 * ```
 */
export async function makeFolder(path: string): Promise<void> {
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
    await makeFolder(parent);
    await mkdir(path).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

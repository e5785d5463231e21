import { lstat, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { makeFolder } from './folders.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Where the embedded emulator keeps its jobs and files between runs, so a handle from one run works in the next
 * (status, download, mix, zip, resuming after Ctrl-C): `STEMKIT_EMULATOR_DATA_DIR`, else
 * `$XDG_CACHE_HOME/stemkit/emulator`, else `~/.cache/stemkit/emulator`.
 *
 * @example
 * ```ts
 * embeddedDataDir({ XDG_CACHE_HOME: '/home/ada/.cache' }); // '/home/ada/.cache/stemkit/emulator'
 * ```
 */
export function embeddedDataDir(environment: Environment): string {
  const chosen = environment.STEMKIT_EMULATOR_DATA_DIR?.trim();
  if (chosen) return chosen;
  const cache = environment.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  return join(cache, 'stemkit', 'emulator');
}

/** A data folder held by this process, or none when another process holds it. */
export interface DataDirClaim {
  /** The folder, when this process holds it. */
  readonly dataDir: string | undefined;
  release(): Promise<void>;
}

/**
 * Takes the data folder for this process with a lock beside it (proper-lockfile). Two emulators on one folder
 * would overwrite each other's state, so a second `stemkit` running at the same time gets none (and a temporary
 * folder). A lock left by a process that died is taken over once stale: its holder refreshes it every second.
 */
export async function claimDataDir(dataDir: string): Promise<DataDirClaim> {
  await makeFolder(dataDir);
  try {
    const release = await lock(dataDir, { lockfilePath: `${dataDir}.lock`, stale: 6_000, update: 1_000 });
    return { dataDir, release };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    return { dataDir: undefined, release: async () => {} };
  }
}

/**
 * The most the embedded emulator's data folder may hold before it is emptied at the next start:
 * `STEMKIT_EMULATOR_CACHE_MB` megabytes (MiB), default 1024.
 *
 * @example
 * ```ts
 * cacheLimitBytes({ STEMKIT_EMULATOR_CACHE_MB: '10' }); // 10485760
 * ```
 */
export function cacheLimitBytes(environment: Environment): number {
  const megabytes = Number(environment.STEMKIT_EMULATOR_CACHE_MB);
  return (megabytes > 0 ? megabytes : 1024) * 1024 * 1024;
}

/**
 * Bytes under a folder (0 when it does not exist); symbolic links are counted, not followed.
 *
 * @example
 * ```ts
 * await folderSize(embeddedDataDir(process.env));
 * ```
 */
export async function folderSize(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += (await lstat(join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/**
 * Empties a data folder this process holds: its jobs and files go, so their handles no longer resolve.
 */
export async function emptyDataDir(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}

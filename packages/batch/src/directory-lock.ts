import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@stemkit/core';
import { lock } from 'proper-lockfile';

/** A holder refreshes its lock every second; one not refreshed for this long has died and is taken over. */
const STALE_MS = 6_000;

/**
 * Takes `directory` for this process: PGlite takes no lock of its own, and two processes on one data folder
 * corrupt it. The lock (proper-lockfile) is refreshed while held; one left by a process that died (a SIGKILL) is
 * taken over once stale, so a resume waits a few seconds at most. One held by a live process is refused.
 */
export async function lockDirectory(directory: string): Promise<() => Promise<void>> {
  await mkdir(directory, { recursive: true });
  try {
    return await lock(directory, {
      lockfilePath: join(directory, 'owner.lock'),
      stale: STALE_MS,
      update: 1_000,
      // Long enough to outlast a dead holder's lock, short enough to refuse a live one promptly.
      retries: { retries: 16, factor: 1, minTimeout: 500, maxTimeout: 500 },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new InvalidArgumentError('queue', `the ledger in ${directory} is in use by another process`, {
      cause: error,
    });
  }
}

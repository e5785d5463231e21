import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@stemkit/core';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `directory` for this process with a pid file, as Postgres's postmaster.pid does: PGlite takes no lock
 * of its own, and two processes on one data folder corrupt it. A file left by a process that has died (a
 * SIGKILL) is taken over; one held by a live process is refused, never stolen.
 */
export async function lockDirectory(directory: string): Promise<() => Promise<void>> {
  await mkdir(directory, { recursive: true });
  const lock = join(directory, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      // An empty file is one being written right now: held, like one whose process is alive.
      if (!(Number.isInteger(holder) && holder > 0) || isAlive(holder)) {
        throw new InvalidArgumentError(
          'queue',
          `the ledger in ${directory} is in use by another process${holder > 0 ? ` (pid ${holder})` : ''}`,
        );
      }
      await rm(lock, { force: true });
    }
  }
  throw new InvalidArgumentError('queue', `could not take the ledger in ${directory}`);
}

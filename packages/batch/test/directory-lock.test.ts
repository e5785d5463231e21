import { spawnSync } from 'node:child_process';
import { mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@stemkit/core';
import { describe, expect, it } from 'vitest';
import { lockDirectory } from '../src/directory-lock.ts';

const source = fileURLToPath(new URL('../src/directory-lock.ts', import.meta.url));

describe('the embedded ledger folder', () => {
  it('is held by one holder at a time, and freed on release', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'stemkit-batch-lock-'));
    const release = await lockDirectory(directory);
    const second = await lockDirectory(directory).catch((error: unknown) => error);
    expect(InvalidArgumentError.isInstance(second)).toBe(true);
    expect((second as InvalidArgumentError).message).toContain('in use by another process');
    await release();
    await (await lockDirectory(directory))();
  });

  it('is taken over from a process that died holding it, once stale', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'stemkit-batch-lock-'));
    const script = `const { lockDirectory } = await import(${JSON.stringify(pathToFileURL(source).href)});
      await lockDirectory(${JSON.stringify(directory)}); process.kill(process.pid, 'SIGKILL');`;
    const dead = spawnSync(process.execPath, [
      '--conditions=@stemkit/source',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(dead.signal, String(dead.stderr)).toBe('SIGKILL');
    // Its holder stopped refreshing it: a minute later it is stale, and taken at once.
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(join(directory, 'owner.lock'), minuteAgo, minuteAgo);
    await (await lockDirectory(directory))();
  });
});

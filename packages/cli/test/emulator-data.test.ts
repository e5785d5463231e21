import { spawnSync } from 'node:child_process';
import { mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { claimDataDir, embeddedDataDir } from '../src/emulator-data.ts';

const source = fileURLToPath(new URL('../src/emulator-data.ts', import.meta.url));

describe("the embedded emulator's data folder", () => {
  it('lives in the cache unless STEMKIT_EMULATOR_DATA_DIR says otherwise', () => {
    expect(embeddedDataDir({ XDG_CACHE_HOME: '/cache' })).toBe(join('/cache', 'stemkit', 'emulator'));
    expect(embeddedDataDir({ XDG_CACHE_HOME: '/cache', STEMKIT_EMULATOR_DATA_DIR: '/data' })).toBe('/data');
  });

  it('is held by one process at a time, and freed on release', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'stemkit-cli-lock-')), 'emulator');
    const first = await claimDataDir(dataDir);
    expect(first.dataDir).toBe(dataDir);
    expect((await claimDataDir(dataDir)).dataDir).toBeUndefined();
    await first.release();
    const again = await claimDataDir(dataDir);
    expect(again.dataDir).toBe(dataDir);
    await again.release();
  });

  it('takes over a lock whose process has died, once stale', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'stemkit-cli-lock-')), 'emulator');
    // A process that takes the folder and dies without releasing it (SIGKILL: no exit handler runs).
    const script = `const { claimDataDir } = await import(${JSON.stringify(pathToFileURL(source).href)});
      await claimDataDir(${JSON.stringify(dataDir)}); process.kill(process.pid, 'SIGKILL');`;
    const dead = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(dead.signal).toBe('SIGKILL');
    expect((await claimDataDir(dataDir)).dataDir).toBeUndefined();
    // Its holder stopped refreshing it: a minute later it is stale.
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(`${dataDir}.lock`, minuteAgo, minuteAgo);
    const claim = await claimDataDir(dataDir);
    expect(claim.dataDir).toBe(dataDir);
    await claim.release();
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataDir, embeddedDataDir } from '../src/emulator-data.ts';

describe("the embedded emulator's data folder", () => {
  it('lives in the cache unless STEMKIT_EMULATOR_DATA_DIR says otherwise', () => {
    expect(embeddedDataDir({ XDG_CACHE_HOME: '/cache' })).toBe(join('/cache', 'stemkit', 'emulator'));
    expect(embeddedDataDir({ XDG_CACHE_HOME: '/cache', STEMKIT_EMULATOR_DATA_DIR: '/data' })).toBe('/data');
  });

  it('is held by one process at a time, and freed on release', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'stemkit-cli-lock-')), 'emulator');
    const first = await claimDataDir(dataDir);
    expect(first.dataDir).toBe(dataDir);
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
    expect((await claimDataDir(dataDir)).dataDir).toBeUndefined();
    await first.release();
    const again = await claimDataDir(dataDir);
    expect(again.dataDir).toBe(dataDir);
    await again.release();
  });

  it('takes over a lock whose process has died', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'stemkit-cli-lock-')), 'emulator');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(`${dataDir}.lock`, String(dead));
    const claim = await claimDataDir(dataDir);
    expect(claim.dataDir).toBe(dataDir);
    await claim.release();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchFolder } from '../src/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'stemkit-watch-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('watchFolder', () => {
  it('ends quietly when aborted while its consumer holds an item (the old sleep then waited a whole interval)', async () => {
    writeFileSync(join(folder, 'one.wav'), 'RIFF');
    const controller = new AbortController();
    const seen: string[] = [];
    // An hour between scans: only the abort can end the pause within the test's time.
    for await (const item of watchFolder(folder, { signal: controller.signal, intervalMs: 3_600_000 })) {
      seen.push(item.source);
      controller.abort();
    }
    expect(seen).toEqual([join(folder, 'one.wav')]);
  });

  it('ends with no scan at all when aborted before it starts', async () => {
    const seen: string[] = [];
    for await (const item of watchFolder(folder, { signal: AbortSignal.abort(), intervalMs: 3_600_000 })) {
      seen.push(item.source);
    }
    expect(seen).toEqual([]);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = join(import.meta.dirname, '..', 'src');

describe('the main entry stays loadable in browsers', () => {
  it('has no static Node imports outside the ffmpeg bridge and the ./node helpers', async () => {
    const files = (await readdir(SOURCE, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const offenders: string[] = [];
    for (const file of files) {
      if (file.startsWith('node') || file === join('codec', 'ffmpeg.ts')) continue;
      const text = await readFile(join(SOURCE, file), 'utf8');
      if (/from 'node:/.test(text)) offenders.push(file);
    }
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});

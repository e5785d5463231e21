import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BatchItem, ManifestError, readBatchInput } from '../src/index.ts';

async function collect(items: AsyncIterable<BatchItem>): Promise<BatchItem[]> {
  const list: BatchItem[] = [];
  for await (const item of items) list.push(item);
  return list;
}

const folder = mkdtempSync(join(tmpdir(), 'stemkit-batch-input-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('readBatchInput', () => {
  it('reads a folder: audio files only, sub-folders kept in the names, hidden ones left out', async () => {
    const root = join(folder, 'masters');
    mkdirSync(join(root, 'album', '.hidden'), { recursive: true });
    for (const name of ['b.wav', 'album/a.FLAC', 'notes.txt', 'album/.hidden/x.wav', '.DS_Store']) {
      writeFileSync(join(root, name), 'x');
    }
    const items = await collect(await readBatchInput(root));
    expect(items.map((item) => item.name)).toEqual(['album/a', 'b']);
    expect(items[1]?.source).toBe(join(root, 'b.wav'));
  });

  it('reads JSON Lines, with paths relative to the manifest', async () => {
    const path = write(
      'ok.jsonl',
      '{"source": "x/song.wav", "stems": ["vocals"], "formats": ["mp3"]}\n\n{"source": "https://cdn.test/a%20b.mp3", "name": "ab"}\n',
    );
    expect(await collect(await readBatchInput(path))).toEqual([
      { source: join(folder, 'x/song.wav'), stems: ['vocals'], formats: ['mp3'] },
      { source: 'https://cdn.test/a%20b.mp3', name: 'ab' },
    ]);
  });

  it('reads CSV: quoted lists, empty cells meaning the defaults, a byte-order mark', async () => {
    const path = write(
      'ok.csv',
      '\uFEFFsource,stems,formats,name\r\n"a.wav","vocals, drums",,\r\nb.wav,,mp3;wav,side/b\r\n',
    );
    expect(await collect(await readBatchInput(path))).toEqual([
      { source: join(folder, 'a.wav'), stems: ['vocals', 'drums'] },
      { source: join(folder, 'b.wav'), formats: ['mp3', 'wav'], name: 'side/b' },
    ]);
  });

  it('refuses a malformed manifest whole, naming every bad line', async () => {
    const path = write(
      'bad.jsonl',
      '{"source": "a.wav", "stems": "vocals"}\n[1]\n{"source": "b.wav", "name": "../up"}\n{"source": "c.wav"}\n{"source": "c.wav"}\n',
    );
    const error = await readBatchInput(path).catch((caught: unknown) => caught);
    expect(ManifestError.isInstance(error)).toBe(true);
    expect((error as ManifestError).issues.map((issue) => issue.field)).toEqual([
      'line 1: stems',
      'line 2',
      'line 3: name',
      'line 5',
    ]);
  });

  it('refuses a CSV whose rows do not fit its header, naming the line', async () => {
    const path = write('ragged.csv', 'source,stems\na.wav,vocals\nb.wav,vocals,extra\n');
    await expect(readBatchInput(path)).rejects.toMatchObject({ field: 'line 3' });
  });
});

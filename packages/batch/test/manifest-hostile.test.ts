import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestError, readBatchInput } from '../src/index.ts';

// Hostile manifest rows (issue #26): each is refused up front, naming its line, before anything is queued.
const folder = mkdtempSync(join(tmpdir(), 'stemkit-batch-hostile-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let written = 0;
function write(extension: string, content: string | Buffer): string {
  const path = join(folder, `manifest-${written++}.${extension}`);
  writeFileSync(path, content);
  return path;
}

async function refusal(path: string): Promise<Array<{ field: string; message: string }>> {
  const error = await readBatchInput(path).catch((caught: unknown) => caught);
  expect(ManifestError.isInstance(error)).toBe(true);
  return (error as ManifestError).issues as Array<{ field: string; message: string }>;
}

describe('hostile manifest rows are refused up front, naming the line', () => {
  it('a NUL in a JSONL name (the "unsupported Unicode escape sequence" abort)', async () => {
    const path = write('jsonl', '{"source": "a.wav"}\n{"source": "b.wav", "name": "x\\u0000y"}\n');
    expect(await refusal(path)).toEqual([
      { field: 'line 2: name', message: expect.stringMatching(/control/) },
    ]);
  });

  it('a NUL in a CSV cell', async () => {
    const path = write('csv', 'source,name\na.wav,ok\nb.wav,"x\u0000y"\n');
    expect(await refusal(path)).toEqual([
      { field: 'line 3: name', message: expect.stringMatching(/control/) },
    ]);
  });

  it('a URL source whose default name decodes to a NUL', async () => {
    const path = write('jsonl', '{"source": "https://cdn.test/a%00b.wav"}\n');
    const issues = await refusal(path);
    expect(issues).toEqual([
      { field: 'line 1: source', message: expect.stringMatching(/a\\u0000b.*control/) },
    ]);
  });

  it('a NUL in a source path, and a lone surrogate in a name', async () => {
    const path = write(
      'jsonl',
      '{"source": "a\\u0000.wav", "name": "a"}\n{"source": "b.wav", "name": "\\ud800"}\n',
    );
    expect((await refusal(path)).map((issue) => issue.field)).toEqual(['line 1: source', 'line 2: name']);
  });

  it('a terminal escape sequence in a name', async () => {
    const path = write('jsonl', '{"source": "a.wav", "name": "\\u001b[2Jgone"}\n');
    expect((await refusal(path)).map((issue) => issue.field)).toEqual(['line 1: name']);
  });

  it('a name under .stemkit-batch (taking the ledger lock)', async () => {
    const path = write(
      'jsonl',
      '{"source": "a.wav", "name": ".stemkit-batch/owner.lock"}\n{"source": "b.wav", "name": ".STEMKIT-BATCH"}\n',
    );
    const issues = await refusal(path);
    expect(issues.map((issue) => issue.field)).toEqual(['line 1: name', 'line 2: name']);
    expect(issues[0]?.message).toMatch(/\.stemkit-batch/);
  });

  it('a name equal to a report path (batch-report.csv), or one given with reserved', async () => {
    const path = write(
      'jsonl',
      '{"source": "a.wav", "name": "batch-report.csv"}\n{"source": "b.wav", "name": "batch-report.jsonl/x"}\n{"source": "c.wav", "name": "reports/run"}\n{"source": "d.wav", "name": "batch-report"}\n',
    );
    const error = await readBatchInput(path, { reserved: ['reports/run.csv', 'reports/run'] }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ManifestError).issues.map((issue) => issue.field)).toEqual([
      'line 1: name',
      'line 2: name',
      'line 3: name',
    ]);
  });

  it('names x and x/vocals.wav colliding mid-run (either order), and x and X', async () => {
    const path = write(
      'jsonl',
      [
        '{"source": "a.wav", "name": "x"}',
        '{"source": "b.wav", "name": "x/vocals.wav"}',
        '{"source": "c.wav", "name": "y/drums-residual.mp3/deeper"}',
        '{"source": "d.wav", "name": "y"}',
        '{"source": "e.wav", "name": "Z"}',
        '{"source": "f.wav", "name": "z"}',
        '{"source": "g.wav", "name": "x/sub/fine"}',
        '{"source": "h.wav", "name": "album"}',
        '{"source": "i.wav", "name": "album/01"}',
        '',
      ].join('\n'),
    );
    const issues = await refusal(path);
    expect(issues.map((issue) => issue.field)).toEqual(['line 2', 'line 4', 'line 6']);
    expect(issues[0]?.message).toMatch(/collides with the outputs of "x" \(line 1\)/);
    expect(issues[2]?.message).toMatch(/same output name "z" as line 5/);
  });

  it('a path segment over 255 bytes (ENAMETOOLONG, retried for nine minutes before)', async () => {
    const long = 'é'.repeat(128); // 256 bytes in UTF-8, 128 characters
    const path = write(
      'jsonl',
      `{"source": "a.wav", "name": "ok/${'a'.repeat(255)}"}\n{"source": "b.wav", "name": "ok/${long}"}\n`,
    );
    const issues = await refusal(path);
    expect(issues).toEqual([{ field: 'line 2: name', message: expect.stringMatching(/256 bytes.*255/) }]);
  });

  it('a source whose file name is over 255 bytes gives a default name that is refused too', async () => {
    const path = write('jsonl', `{"source": "https://cdn.test/${'b'.repeat(300)}.wav"}\n`);
    expect((await refusal(path)).map((issue) => issue.field)).toEqual(['line 1: source']);
  });

  it('a Latin-1 CSV manifest (silently U+FFFD names before): invalid UTF-8 refused, naming the line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('source,name\na.wav,fine\nb.wav,'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
      Buffer.from('\nc.wav,also-fine\n'),
    ]);
    const issues = await refusal(write('csv', latin1));
    expect(issues).toEqual([{ field: 'line 3', message: expect.stringMatching(/UTF-8/) }]);
  });

  it('a Latin-1 JSONL manifest', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('{"source": "a.wav", "name": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n'),
    ]);
    expect(await refusal(write('jsonl', latin1))).toEqual([
      { field: 'line 1', message: expect.stringMatching(/UTF-8/) },
    ]);
  });

  it('a line too long to be a row is refused without being held', async () => {
    const path = write(
      'jsonl',
      `{"source": "a.wav"}\n{"source": "${'x'.repeat(2 << 20)}"}\n{"source": "c.wav"}\n`,
    );
    expect(await refusal(path)).toEqual([{ field: 'line 2', message: expect.stringMatching(/longer than/) }]);
  });
});

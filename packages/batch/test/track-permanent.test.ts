import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeStemkit } from '@stemkit/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch, type TrackResult } from '../src/index.ts';
import { instantClient } from './support/instant-client.ts';

const work = mkdtempSync(join(tmpdir(), 'stemkit-batch-permanent-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('failures a retry cannot mend', () => {
  it('ENAMETOOLONG fails the track at once (it was retried for nine minutes)', async () => {
    const client = instantClient();
    let downloads = 0;
    const tooLong: NodeStemkit = Object.assign(Object.create(client), {
      downloadToFile: async () => {
        downloads += 1;
        throw Object.assign(new Error('ENAMETOOLONG: name too long, open'), { code: 'ENAMETOOLONG' });
      },
    });
    const results: TrackResult[] = [];
    for await (const result of runBatch(tooLong, [{ source: join(work, 'a.wav'), name: 'long' }], {
      out: join(work, 'out'),
      concurrency: 1,
    })) {
      results.push(result);
    }
    expect(results.map((result) => [result.status, result.error])).toEqual([
      ['failed', expect.stringMatching(/^ENAMETOOLONG/)],
    ]);
    expect(downloads).toBe(1);
  }, 120_000);
});

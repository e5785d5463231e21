import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeparateOptions } from '@stemkit/core';
import { createStemkit, type NodeStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { lalal } from '@stemkit/lalal';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readBatchInput, runBatch, type TrackResult } from '../src/index.ts';
import { trackMarker } from '../src/ledger.ts';
import { writeTracks } from './support/tracks.ts';

// A driver declaring idempotentStart (LALAL.AI): batch starts each track with a key derived from its ledger
// (the track's marker), and neither lists jobs nor counts an uncertain start.

let emulator: RunningEmulator;
let work: string;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-lalal-'));
});
afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

it('starts every track with its ledger key as idempotencyKey, no metadata marker, no uncertain start', async () => {
  const input = join(work, 'in');
  writeTracks(input, 4);
  const client = createStemkit({
    driver: lalal({ ...emulator.lalal, checksPerMinute: 6_000 }),
  });
  const starts: SeparateOptions[] = [];
  const stemkit: NodeStemkit = {
    ...client,
    separate: (options) => {
      starts.push(options);
      return client.separate(options);
    },
  };
  const results: TrackResult[] = [];
  const batchId = 'lalal-keys';
  for await (const result of runBatch(stemkit, await readBatchInput(input), {
    id: batchId,
    out: join(work, 'out'),
    stems: ['vocals', 'instrumental'],
    concurrency: 2,
    wait: { initialDelayMs: 50, maxDelayMs: 200 },
  })) {
    results.push(result);
  }
  expect(results.map((result) => [result.status, result.uncertainStarts])).toEqual(
    Array(4).fill(['done', 0]),
  );
  expect(starts).toHaveLength(4);
  expect(starts.every((options) => options.metadata === undefined)).toBe(true);
  const keys = starts.map((options) => options.idempotencyKey);
  expect(new Set(keys).size).toBe(4);
  expect(keys.sort()).toEqual(results.map((result) => trackMarker(batchId, result.key)).sort());
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { type RunningPostgres, startPostgres } from '@stemkit/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchQueue,
  openBatchQueue,
  readBatchInput,
  runBatch,
  runWorker,
  type TrackResult,
} from '../src/index.ts';
import { writeTracks } from './support/tracks.ts';

let emulator: RunningEmulator;
let postgres: RunningPostgres;
let work: string;

beforeAll(async () => {
  [emulator, postgres] = await Promise.all([startEmulator({ processing: { speed: 200 } }), startPostgres()]);
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-pg-'));
});

afterAll(async () => {
  await Promise.all([emulator?.close(), postgres?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const fast = { initialDelayMs: 100, maxDelayMs: 500 };

describe('a batch on PostgreSQL', () => {
  it('is queued by one process and worked by others, each track once', async () => {
    const input = join(work, 'in');
    writeTracks(input, 8);
    const items = await readBatchInput(input);
    const client = (queue: BatchQueue) =>
      createStemkit({
        driver: audioshakeTasks({
          baseUrl: emulator.tasks.baseUrl,
          apiKey: emulator.tasks.apiKey,
          fetch: queue.rateLimitedFetch({
            requestsPerSecond: 40,
            key: 'tasks:test',
            origins: [emulator.tasks.baseUrl],
          }),
        }),
      });
    const queues = await Promise.all([0, 1, 2].map(() => openBatchQueue({ url: postgres.url })));
    const [enqueuer, ...workers] = queues as [BatchQueue, ...BatchQueue[]];
    const stop = new AbortController();
    const running = workers.map((queue) =>
      runWorker(client(queue), { queue, concurrency: 2, wait: fast, signal: stop.signal, sources: input }),
    );
    const results: TrackResult[] = [];
    for await (const result of runBatch(client(enqueuer), items, {
      out: join(work, 'out'),
      queue: enqueuer,
      concurrency: 0,
      stems: ['vocals'],
    })) {
      results.push(result);
    }
    stop.abort();
    await Promise.all(running);
    await Promise.all(queues.map((queue) => queue.close()));
    // The reasons first: a failed track shows why in the assertion's message.
    expect(results.filter((result) => result.status !== 'done').map((result) => result.error)).toEqual([]);
    expect(results).toHaveLength(8);
    expect(new Set(results.map((result) => result.jobId)).size).toBe(8);
  });
});

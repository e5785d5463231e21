import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatchInput, runBatch, type TrackResult, writeBatchReport } from '../src/index.ts';
import { writeTracks } from './support/tracks.ts';

let emulator: RunningEmulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-'));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

const fast = { initialDelayMs: 100, maxDelayMs: 500 };

describe('runBatch on one machine', () => {
  it('separates a folder, writes the report, and a second run finds everything done', async () => {
    const input = join(work, 'in');
    writeTracks(input, 6);
    const out = join(work, 'out');
    const stemkit = createStemkit({
      driver: sourcere({
        baseUrl: emulator.sourcere.baseUrl,
        username: 'emulator',
        password: 'emulator-password',
      }),
    });
    const items = await readBatchInput(input);
    const results: TrackResult[] = [];
    const events: string[] = [];
    for await (const result of runBatch(stemkit, items, {
      out,
      stems: ['vocals', 'instrumental'],
      concurrency: 3,
      wait: fast,
      onEvent: (event) => events.push(event.state),
    })) {
      results.push(result);
    }
    expect(results.map((result) => result.status)).toEqual(Array(6).fill('done'));
    for (const result of results) {
      expect(result.outputs.map((output) => output.path).sort()).toEqual([
        `${result.name}/instrumental.wav`,
        `${result.name}/vocals.wav`,
      ]);
      for (const output of result.outputs) expect(existsSync(join(out, output.path))).toBe(true);
    }
    expect(events).toContain('running');
    const report = await writeBatchReport(results, join(out, 'batch-report'));
    expect(readFileSync(report.csv, 'utf8').split('\r\n')[0]).toBe(
      '\uFEFFtrack,source,status,provider_job,output_files,error,uncertain_starts',
    );

    const again: TrackResult[] = [];
    for await (const result of runBatch(stemkit, items, { out, concurrency: 3, wait: fast }))
      again.push(result);
    const byKey = (list: TrackResult[]) => [...list].sort((left, right) => left.key.localeCompare(right.key));
    expect(byKey(again)).toEqual(byKey(results));
  });

  it('fails a bad track with its reason and carries on', async () => {
    const input = join(work, 'bad');
    const [good] = writeTracks(input, 1);
    const stemkit = createStemkit({
      driver: audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
    });
    const items = [
      { source: good as string },
      { source: join(input, 'missing.wav') },
      { source: good as string, name: 'guitar', stems: ['no-such-stem'] },
    ];
    const results: TrackResult[] = [];
    for await (const result of runBatch(stemkit, items, { out: join(work, 'bad-out'), wait: fast })) {
      results.push(result);
    }
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    expect(byName['track-000']?.status).toBe('done');
    expect(byName.missing?.status).toBe('failed');
    expect(byName.missing?.error).toMatch(/source.*not a readable file/);
    expect(byName.guitar?.status).toBe('failed');
    expect(byName.guitar?.error).toMatch(/no-such-stem/);
  });
});

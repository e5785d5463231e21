import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExistingOutputsError,
  openBatchQueue,
  readBatchInput,
  runBatch,
  type SkippedEntry,
  type TrackResult,
  watchFolder,
} from '../src/index.ts';
import { writeTracks } from './support/tracks.ts';

let emulator: RunningEmulator;
let work: string;
/** Sourcere separations the emulator started. */
let started = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    processing: { speed: 200 },
    onResponse: ({ method, path, status }) => {
      if (method === 'POST' && path.endsWith('/separation/start') && status < 300) started++;
    },
  });
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-hostile-'));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

const fast = { initialDelayMs: 100, maxDelayMs: 500 };
const client = () =>
  createStemkit({
    driver: sourcere({
      baseUrl: emulator.sourcere.baseUrl,
      username: emulator.sourcere.username,
      password: emulator.sourcere.password,
    }),
  });

async function drain(batch: AsyncIterable<TrackResult>): Promise<TrackResult[]> {
  const results: TrackResult[] = [];
  for await (const result of batch) results.push(result);
  return results;
}

describe('hostile batch folders and ledgers', () => {
  it('symlinked files in a batch folder are named once each and counted, never followed', async () => {
    const folder = join(work, 'links');
    writeTracks(folder, 2);
    mkdirSync(join(folder, '.git', 'objects'), { recursive: true });
    writeFileSync(join(folder, '.git', 'objects', 'a.wav'), 'x');
    writeFileSync(join(folder, 'notes.txt'), 'x');
    symlinkSync('/proc/self/environ', join(folder, 'environ.wav'));
    symlinkSync(join(folder, 'track-000.wav'), join(folder, 'again.wav'));
    const skipped: SkippedEntry[] = [];
    const items: Array<{ name?: string }> = [];
    for await (const item of await readBatchInput(folder, { onSkip: (entry) => skipped.push(entry) })) {
      items.push(item);
    }
    expect(items.map((item) => item.name)).toEqual(['track-000', 'track-001']);
    expect(skipped.filter((entry) => entry.named).map((entry) => [entry.path, entry.reason])).toEqual(
      expect.arrayContaining([
        ['environ.wav', 'symbolic link'],
        ['again.wav', 'symbolic link'],
      ]),
    );
    // The hidden folder counts once, whatever it holds; the note once.
    expect(skipped.map((entry) => entry.path).sort()).toEqual([
      '.git',
      'again.wav',
      'environ.wav',
      'notes.txt',
    ]);

    // Watching names each once, however many scans see it.
    const controller = new AbortController();
    const watched: SkippedEntry[] = [];
    const seen: string[] = [];
    for await (const item of watchFolder(folder, {
      signal: controller.signal,
      intervalMs: 20,
      onSkip: (entry) => {
        watched.push(entry);
      },
    })) {
      seen.push(item.name ?? '');
      if (seen.length === 2) setTimeout(() => controller.abort(), 200);
    }
    expect(watched.map((entry) => entry.path).sort()).toEqual([
      '.git',
      'again.wav',
      'environ.wav',
      'notes.txt',
    ]);
  });

  it('a deleted .stemkit-batch re-bills nothing without a word: refused, then adopted on request', async () => {
    const input = join(work, 'adopt-in');
    writeTracks(input, 3);
    const out = join(work, 'adopt-out');
    const items = await readBatchInput(input);
    const options = { out, stems: ['vocals', 'instrumental'], concurrency: 3, wait: fast };
    const first = await drain(runBatch(client(), items, options));
    expect(first.map((result) => result.status)).toEqual(['done', 'done', 'done']);
    expect(started).toBeGreaterThanOrEqual(3);
    rmSync(join(out, '.stemkit-batch'), { recursive: true });
    // One track lost a file: it is not finished, and adopting separates it again.
    rmSync(join(out, 'track-002', 'vocals.wav'));
    const before = started;

    const refusal = await drain(runBatch(client(), items, options)).catch((error: unknown) => error);
    expect(ExistingOutputsError.isInstance(refusal)).toBe(true);
    const error = refusal as ExistingOutputsError;
    expect(error.count).toBe(3);
    expect(error.complete).toBe(2);
    expect(error.message).toMatch(/already holds output files of 3 tracks .*\.stemkit-batch folder deleted/);
    expect(started - before).toBe(0);

    const adopted = await drain(runBatch(client(), items, { ...options, existingOutputs: 'adopt' }));
    const byName = Object.fromEntries(adopted.map((result) => [result.name, result]));
    expect(adopted.map((result) => result.status)).toEqual(['done', 'done', 'done']);
    expect(byName['track-000']?.jobId).toBeNull();
    expect(byName['track-000']?.outputs.map((output) => output.path).sort()).toEqual([
      'track-000/instrumental.wav',
      'track-000/vocals.wav',
    ]);
    expect(byName['track-002']?.jobId).not.toBeNull();
    expect(started - before).toBe(1);
  });

  it('a damaged ledger is named as damaged, with how to start over, not a raw PGlite message', async () => {
    const directory = join(work, 'damaged', '.stemkit-batch');
    await (await openBatchQueue({ directory })).close();
    writeFileSync(join(directory, 'pgdata', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const error = (await openBatchQueue({ directory }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain(`the batch ledger in ${directory} is damaged`);
    expect(error.message).toMatch(/to start over, move that folder away \(or delete it\)/);
    expect(error.message).not.toMatch(/PGlite|initialize/);
    // The lock went with the failure: a fresh ledger opens at once once the damaged one is moved away.
    rmSync(directory, { recursive: true });
    await (await openBatchQueue({ directory })).close();
  });

  it('an unreachable queue names PostgreSQL and its address, never the password', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const url = `postgres://stemkit:hunter2-secret@127.0.0.1:${port}/stemkit`;
    const error = (await openBatchQueue({ url }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      new RegExp(`cannot open the PostgreSQL queue at 127\\.0\\.0\\.1:${port}/stemkit \\(ECONNREFUSED\\)`),
    );
    expect(error.message).not.toContain('hunter2');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { ModelBatcher } from '../src/processing/batch.ts';
import { InputError } from '../src/processing/errors.ts';
import type { ModelRequest } from '../src/processing/models.ts';
import { ComputePool } from '../src/processing/pool.ts';
import { testSongWav } from './support/audio.ts';

// A multi-stem job separates its source once, whatever the API: a Tasks task's targets and the legacy jobs of one
// request reach the batcher close together, and one computation serves them all.

let folder: string;
let song: string;
let other: string;
let pool: ComputePool;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'stemkit-emulator-batch-'));
  song = join(folder, 'song.wav');
  other = join(folder, 'other.wav');
  await writeFile(song, await testSongWav(1, 8000, 2));
  await writeFile(other, await testSongWav(0.5, 8000, 1));
  pool = new ComputePool(2);
});
afterAll(async () => {
  await pool.close();
  await rm(folder, { recursive: true, force: true });
});

const model = (name: string): ModelRequest => ({
  model: name,
  formats: ['wav'],
  outputName: name,
  residual: false,
  language: 'en',
});

test('model runs on one source, one after another, are computed as one', async () => {
  const run = vi.spyOn(pool, 'run');
  const batcher = new ModelBatcher(pool);
  const pending = [batcher.run(song, model('vocals'))];
  // As legacy jobs arrive: a few milliseconds apart.
  for (const name of ['drums', 'bass', 'other']) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    pending.push(batcher.run(song, model(name)));
  }
  const results = await Promise.all(pending);
  expect(run).toHaveBeenCalledTimes(1);
  expect(run.mock.calls[0]?.[0]).toMatchObject({ operation: 'models', path: song });
  expect(results.map((result) => result.outputs.map((output) => output.name))).toEqual([
    ['vocals'],
    ['drums'],
    ['bass'],
    ['other'],
  ]);
  for (const result of results) expect(result.duration).toBe(1);
  run.mockRestore();
});

test('each source gets its own computation, and a model that fails fails alone', async () => {
  const run = vi.spyOn(pool, 'run');
  const batcher = new ModelBatcher(pool);
  const [vocals, unknown, transcript, elsewhere] = await Promise.allSettled([
    batcher.run(song, model('vocals')),
    batcher.run(song, model('kazoo')),
    batcher.run(song, { ...model('transcription'), formats: ['txt'] }),
    batcher.run(other, model('vocals')),
  ]);
  expect(run).toHaveBeenCalledTimes(2);
  expect(vocals.status).toBe('fulfilled');
  expect(transcript.status).toBe('fulfilled');
  expect(elsewhere.status).toBe('fulfilled');
  expect(unknown.status).toBe('rejected');
  if (unknown.status === 'rejected') {
    expect(unknown.reason).toBeInstanceOf(InputError);
    expect(unknown.reason.message).toBe('The model kazoo is not available');
  }
  run.mockRestore();
});

test('a source that is no audio fails every run gathered on it, as an input error', async () => {
  const notes = join(folder, 'notes.txt');
  await writeFile(notes, 'not audio');
  const batcher = new ModelBatcher(pool);
  const outcomes = await Promise.allSettled([
    batcher.run(notes, model('vocals')),
    batcher.run(notes, model('drums')),
  ]);
  for (const outcome of outcomes) {
    expect(outcome.status).toBe('rejected');
    if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InputError);
  }
});

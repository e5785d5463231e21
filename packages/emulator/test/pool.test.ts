import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { InputError } from '../src/processing/errors.ts';
import { ComputePool } from '../src/processing/pool.ts';
import { testSongWav } from './support/audio.ts';

let folder: string;
let song: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'stemkit-emulator-pool-'));
  song = join(folder, 'song.wav');
  await writeFile(song, await testSongWav(1, 8000, 2));
  await writeFile(join(folder, 'notes.txt'), 'not audio');
});
afterAll(() => rm(folder, { recursive: true, force: true }));

test('worker threads run the audio work and report input errors as such', async () => {
  const pool = new ComputePool(2);
  try {
    const [probe, separation] = await Promise.all([
      pool.run({ operation: 'probe', path: song }),
      pool.run({
        operation: 'separation',
        path: song,
        set: 'two',
        names: { vocals: 'vocals' },
        random: 0,
        formats: [],
      }),
    ]);
    expect(probe).toEqual({ duration: 1, channels: 2, sampleRate: 8000 });
    expect(separation.files.map((file) => file.name)).toEqual(['vocals']);
    expect(separation.files[0]?.data).toBeInstanceOf(Uint8Array);
    await expect(
      pool.run({ operation: 'convert', path: join(folder, 'notes.txt'), format: 'mp3' }),
    ).rejects.toThrow(InputError);
  } finally {
    await pool.close();
  }
});

test('when a worker cannot start, the work runs in-process instead', async () => {
  const pool = new ComputePool(1, new URL('./missing-worker.js', import.meta.url));
  try {
    expect(await pool.run({ operation: 'probe', path: song })).toEqual({
      duration: 1,
      channels: 2,
      sampleRate: 8000,
    });
    expect(await pool.run({ operation: 'probe', path: song })).toEqual({
      duration: 1,
      channels: 2,
      sampleRate: 8000,
    });
  } finally {
    await pool.close();
  }
});

test('closing rejects the work still running or waiting', async () => {
  const pool = new ComputePool(1);
  const outcomes = Promise.allSettled([
    pool.run({
      operation: 'separation',
      path: song,
      set: 'four',
      names: { bass: 'bass' },
      random: 0,
      formats: [],
    }),
    pool.run({ operation: 'probe', path: song }),
  ]);
  await pool.close();
  const settled = await outcomes;
  expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  for (const outcome of settled) {
    if (outcome.status === 'rejected') expect(outcome.reason).toEqual(new Error('The emulator closed'));
  }
});

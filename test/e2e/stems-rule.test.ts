/**
 * One rule for `mix` and `zip` on every driver: only stems the job asked for and finished. Sourcere separates
 * every stem of its model whatever was asked, and mixed or zipped a stem the job never had, where both
 * AudioShake APIs refused it; now each refuses it the same way, naming the stems the job has.
 */
import { localAudio } from '@stemkit/audio';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { InvalidArgumentError, type Job, type StemkitDriver } from '@stemkit/core';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
});
afterAll(() => emulator?.close());

const DRIVERS: Record<string, () => StemkitDriver> = {
  sourcere: () => sourcere(emulator.sourcere),
  'audioshake-legacy': () =>
    audioshakeLegacy({ token: emulator.legacy.token, baseUrl: emulator.legacy.baseUrl }),
  'audioshake-tasks': () =>
    audioshakeTasks({ apiKey: emulator.tasks.apiKey, baseUrl: emulator.tasks.baseUrl }),
};

describe.each(Object.keys(DRIVERS))('mix and zip of stems on %s', (name) => {
  let stemkit: ReturnType<typeof createStemkit>;
  let job: Job;

  beforeAll(async () => {
    stemkit = createStemkit({
      driver: DRIVERS[name]!(),
      plugins: [localAudio()],
      wait: { initialDelayMs: 50, maxDelayMs: 250 },
    });
    const source = await stemkit.upload(sampleWav({ seconds: 1 }), { name: 'song.wav' });
    job = await stemkit.wait(await stemkit.separate({ source, stems: ['vocals', 'drums'] }));
    expect(job.status).toBe('succeeded');
  }, 60_000);

  it('refuses to mix a stem the job never asked for, naming the stems it has', async () => {
    const refused = stemkit.mix(job, {
      tracks: [
        { stem: 'vocals', volume: 1, pan: 0 },
        { stem: 'bass', volume: 1, pan: 0 },
      ],
    });
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(refused).rejects.toMatchObject({
      field: 'tracks.1.stem',
      message: expect.stringContaining('has no finished "bass" stem (it has vocals, drums)'),
    });
  });

  it('refuses to zip a stem the job never asked for, from a handle too', async () => {
    const refused = stemkit.zip(job.handle, { stems: ['bass'], format: 'wav' });
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(refused).rejects.toMatchObject({
      field: 'stems.0',
      message: expect.stringContaining('(it has vocals, drums)'),
    });
  });

  it('still mixes and zips the stems it has', async () => {
    const mix = await stemkit.mix(job, { tracks: [{ stem: 'drums', volume: 0.5, pan: 0 }] });
    expect(mix.role).toBe('mix');
    const archive = await stemkit.zip(job, { stems: ['vocals'], format: 'wav' });
    expect(archive.format).toBe('zip');
  });
});

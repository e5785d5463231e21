import { probeAudio } from '@stemkit/audio';
import { type Asset, type Job, UploadError } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SourcereDriver } from '../../src/index.ts';
import {
  countingFetch,
  downloadOutput,
  driverFor,
  producedFiles,
  sampleSong,
  sha256,
  startFastEmulator,
  uploadSong,
  waitForJob,
} from '../helpers/emulator.ts';

// The driver against the emulator over loopback: real uploads, real separations, real files, checked byte for
// byte against what the emulator wrote.

let emulator: RunningEmulator;
let driver: SourcereDriver;
let song: Asset;
let twoStemJob: Job;

beforeAll(async () => {
  emulator = await startFastEmulator();
  driver = driverFor(emulator);
  song = await uploadSong(driver, sampleSong());
});
afterEach(() => emulator.faults.clear());
afterAll(() => emulator.close());

const output = (job: Job, stem: string, format = 'wav') =>
  job.targets
    .find((target) => target.stem === stem)
    ?.outputs.find((asset) => asset.format === format) as Asset;

/** Downloads an output and names the emulator file it is, byte for byte. */
async function downloadedFile(job: Job, asset: Asset, format?: string) {
  const { bytes, refreshed } = await downloadOutput(driver, job.handle, asset, format);
  const file = (await producedFiles(emulator, job.id)).get(sha256(bytes));
  return { bytes, refreshed, file };
}

describe('upload', () => {
  test('the source asset carries the metadata the API computed', () => {
    expect(song).toMatchObject({ role: 'source', provider: 'sourcere', channels: 2, sampleRate: 22_050 });
    expect(song.durationSeconds).toBeCloseTo(3, 1);
  });
});

describe('upload errors', () => {
  test('an upload that is not audio is an upload error with the provider message', async () => {
    const error = await uploadSong(driver, new TextEncoder().encode('not audio at all'), 'notes.txt').catch(
      (caught: unknown) => caught,
    );

    expect(UploadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('sourcere could not read notes.txt: Not decodable audio');
  });
});

describe('separation', () => {
  test('vocals + instrumental run algorithm 6 and give back its two files', async () => {
    const { handle } = await driver.start({
      source: { asset: song },
      targets: [
        { stem: 'vocals', formats: ['wav'] },
        { stem: 'instrumental', formats: ['wav'] },
      ],
      metadata: 'bless the rains',
    });

    twoStemJob = await waitForJob(driver, handle);

    expect(twoStemJob).toMatchObject({ status: 'succeeded', metadata: 'bless the rains' });
    expect(twoStemJob.progress).toMatchObject({ stage: 'Finalising', fraction: 1 });
    expect((await downloadedFile(twoStemJob, output(twoStemJob, 'instrumental'))).file).toBe(
      'response/track.wav',
    );
    expect((await downloadedFile(twoStemJob, output(twoStemJob, 'vocals'))).file).toBe('response/vocals.wav');
  });

  test('drums + bass run algorithm 7, return only those stems, and download in all four formats', async () => {
    const { handle } = await driver.start({
      source: { asset: song },
      targets: [
        { stem: 'drums', formats: ['wav'] },
        { stem: 'bass', formats: ['wav'] },
      ],
    });

    const job = await waitForJob(driver, handle);

    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target) => target.stem)).toEqual(['drums', 'bass']);
    expect((job.raw as { outputFiles: string[] }).outputFiles).toEqual([
      'bass.wav',
      'drums.wav',
      'other.wav',
      'vocals.wav',
    ]);
    // Converted on the fly by the download endpoint (202 until ready).
    for (const format of ['mp3', 'm4a', 'wav', 'flac']) {
      const { file } = await downloadedFile(job, output(job, 'drums'), format);
      expect(file).toBe(`response/drums.${format}`);
    }
  });

  test('a trial separates only the section asked for', async () => {
    const { handle } = await driver.start({
      source: { asset: song },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
      trial: { start: 0.5, seconds: 1.5 },
    });

    const job = await waitForJob(driver, handle);
    const { bytes, file } = await downloadedFile(job, output(job, 'vocals'));

    expect(job.progress?.events.map((event) => event.name)).toContain('Trial Chunking Done');
    expect(file).toBe('response/vocals.wav');
    expect((await probeAudio(bytes)).durationSeconds).toBeCloseTo(1.5, 1);
  });

  test('a failed separation reports the provider message', async () => {
    emulator.faults.set({ failJobs: { api: 'sourcere', count: 1, message: 'GPU on fire' } });
    const { handle } = await driver.start({
      source: { asset: song },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
    });

    const job = await waitForJob(driver, handle);

    expect(job.status).toBe('failed');
    expect(job.targets[0]?.error?.message).toBe('GPU on fire');
  });
});

describe('mix and zip', () => {
  test('a mix downloads as the file the emulator mixed', async () => {
    const mix = await driver.mix(twoStemJob.handle, {
      tracks: [
        { stem: 'vocals', volume: 0.9, pan: -0.5 },
        { stem: 'instrumental', volume: 0.6, pan: 0.5 },
      ],
      name: 'my mix',
      format: 'mp3',
    });

    const { file } = await downloadedFile(twoStemJob, mix);

    expect(mix.id).toMatch(new RegExp(`^${twoStemJob.id}/mix/mix_`));
    expect(`${twoStemJob.id}/${file}`).toBe(`${mix.id}.mp3`);
  });

  test('a zip downloads as the archive the emulator built', async () => {
    const zip = await driver.zip(twoStemJob.handle, {
      stems: ['vocals', 'instrumental'],
      format: 'flac',
      name: 'stems',
    });

    const { bytes, file } = await downloadedFile(twoStemJob, zip);

    expect(`${twoStemJob.id}/${file}`).toBe(zip.id);
    expect(new TextDecoder().decode(bytes.subarray(0, 2))).toBe('PK');
  });
});

describe('faults', () => {
  test('a token expiring mid-job is renewed and the job completes', async () => {
    emulator.faults.set({ tokenLifetimeSeconds: 1 });
    const counted = countingFetch();
    const fresh = driverFor(emulator, { fetch: counted.fetch });
    const { handle } = await fresh.start({
      source: { asset: song },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
    });

    // Polled as the client would until the token has expired under it (it lives one to two seconds).
    const refused = () => counted.sent.filter((call) => call.status === 401).length;
    await expect
      .poll(async () => (await fresh.status(handle)) && refused(), { timeout: 5_000, interval: 200 })
      .toBeGreaterThan(0);
    const job = await waitForJob(fresh, handle);

    expect(job.status).toBe('succeeded');
    expect(counted.sent.filter((call) => call.url.pathname.endsWith('/auth/')).length).toBeGreaterThan(1);
  });

  test('an expired download link is refreshed from the API', async () => {
    emulator.faults.set({ signedUrlLifetimeSeconds: 1 });
    const asset = output(twoStemJob, 'vocals');
    const link = await driver.link(twoStemJob.handle, { asset });
    if (!link.ready) throw new Error('the link was not ready');
    // A link lives its lifetime from its issue second rounded up: between 1 and 2 s here.
    await expect.poll(() => statusOf(link.url), { timeout: 3_000, interval: 200 }).toBe(403);

    // Links still live one second: asking the API again gives one that works.
    const { file } = await downloadedFile(twoStemJob, asset);

    expect(file).toBe('response/vocals.wav');
  });

  test('429s and 5xx on every kind of call are ridden out and every file is intact', async () => {
    emulator.faults.set({
      rateLimit: [{ api: 'sourcere', count: 4, retryAfterSeconds: 0 }],
      serverError: [{ api: 'sourcere', method: 'GET', count: 4, status: 503 }],
    });
    const counted = countingFetch();
    const shaky = driverFor(emulator, { fetch: counted.fetch });

    const asset = await uploadSong(shaky, sampleSong(2), 'short.wav');
    const { handle } = await shaky.start({
      source: { asset },
      targets: [{ stem: 'vocals', formats: ['flac'] }],
    });
    const job = await waitForJob(shaky, handle);
    const { bytes } = await downloadOutput(shaky, handle, output(job, 'vocals', 'flac'));

    expect(job.status).toBe('succeeded');
    expect((await producedFiles(emulator, job.id)).get(sha256(bytes))).toBe('response/vocals.flac');
    expect(counted.sent.filter((call) => call.status === 429)).toHaveLength(4);
    expect(counted.sent.filter((call) => call.status === 503)).toHaveLength(4);
  });
});

/** The status a GET of `url` answers, its body let go. */
async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

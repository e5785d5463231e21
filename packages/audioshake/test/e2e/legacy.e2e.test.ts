import { decodeWav } from '@stemkit/audio';
import { JobFailedError, type Stemkit } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AudioShakeLegacyDriver,
  audioshakeLegacy,
  legacyAssetOf,
  legacyJobsOf,
  legacyJobToNeutral,
} from '../../src/index.ts';
import {
  clientFor,
  downloadAll,
  downloadBytes,
  sampleSong,
  serveFile,
  sha256,
  startReceiver,
  statusOf,
  storedChecksum,
} from '../helpers/e2e.ts';
import { startTestEmulator } from '../helpers/emulator.ts';

let emulator: RunningEmulator;
let driver: AudioShakeLegacyDriver;
let stemkit: Stemkit;
const song = sampleSong();

beforeAll(async () => {
  emulator = await startTestEmulator();
  driver = audioshakeLegacy({
    token: emulator.legacy.token,
    baseUrl: emulator.legacy.baseUrl,
    timeoutMs: 10_000,
  });
  stemkit = clientFor(driver);
});
afterEach(() => emulator.faults.clear());
afterAll(() => emulator.close());

/** The emulator's storage key of a legacy output: the job that made it, then its name. */
function keyOf(
  job: { targets: Array<{ outputs: Array<{ id: string; name: string }>; raw: unknown }> },
  id: string,
) {
  for (const target of job.targets) {
    const output = target.outputs.find((each) => each.id === id);
    const raw = target.raw as { id: string };
    if (output) return `legacy/${raw.id}/${output.name}`;
  }
  throw new Error(`no output ${id}`);
}

describe('legacy driver end-to-end over loopback', () => {
  it('separates three stems: three legacy jobs, one neutral job, every file checksummed', async () => {
    const started = await stemkit.separate({
      source: song,
      name: 'song.wav',
      stems: ['vocals', 'drums', 'bass'],
    });
    expect(started.handle.parts).toHaveLength(3);
    const job = await stemkit.wait(started);
    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target) => [target.stem, target.status])).toEqual([
      ['vocals', 'succeeded'],
      ['drums', 'succeeded'],
      ['bass', 'succeeded'],
    ]);
    const files = await downloadAll(stemkit, job);
    expect(files.map((file) => file.asset.name)).toEqual(['vocals.wav', 'drums.wav', 'bass.wav']);
    for (const file of files) {
      expect(file.checksum).toBe(await storedChecksum(emulator, keyOf(job, file.asset.id)));
      const audio = decodeWav(file.bytes);
      expect(audio.channels[0]?.length).toBe(3 * 22_050);
    }
    expect(new Set(files.map((file) => file.checksum)).size).toBe(3);
  });

  it('resumes from the handle alone in another client, and its job reads the same', async () => {
    const started = await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals'] });
    const other = clientFor(
      audioshakeLegacy({ token: emulator.legacy.token, baseUrl: emulator.legacy.baseUrl }),
    );
    const job = await other.wait(JSON.parse(JSON.stringify(started.handle)));
    expect(job.targets[0]?.outputs.map((output) => output.name)).toEqual(['vocals.wav']);
  });

  it('transcribes in json and srt (one `all` job) with a language', async () => {
    const job = await stemkit.wait(
      await stemkit.separate({
        source: song,
        name: 'song.wav',
        targets: [{ stem: 'transcription', formats: ['json', 'srt'], language: 'en' }],
      }),
    );
    expect(job.status).toBe('succeeded');
    const files = await downloadAll(stemkit, job);
    const byFormat = new Map(files.map((file) => [file.asset.format, file]));
    expect(files.every((file) => file.asset.role === 'transcript')).toBe(true);
    for (const file of files)
      expect(file.checksum).toBe(await storedChecksum(emulator, keyOf(job, file.asset.id)));
    expect(JSON.parse(new TextDecoder().decode(byFormat.get('json')?.bytes))).toBeTypeOf('object');
    expect(new TextDecoder().decode(byFormat.get('srt')?.bytes)).toMatch(/-->/);
  });

  it('aligns a supplied transcript, sent as another source asset', async () => {
    const lyrics = 'shake it up\nshake it down\n';
    const transcript = await stemkit.upload(new TextEncoder().encode(lyrics), {
      name: 'lyrics.txt',
      transcript: true,
    });
    const source = await stemkit.upload(song, { name: 'song.wav' });
    const started = await driver.start({
      source: { asset: source },
      targets: [{ stem: 'alignment', formats: ['json'], language: 'en', transcript: { asset: transcript } }],
    });
    const job = await stemkit.wait(started.handle);
    expect(job.status).toBe('succeeded');
    const [file] = await downloadAll(stemkit, job);
    expect(file?.asset.role).toBe('alignment');
    expect(file?.checksum).toBe(await storedChecksum(emulator, keyOf(job, file!.asset.id)));
    expect(new TextDecoder().decode(file?.bytes)).toContain('shake');
  });

  it('reports a failed job with its statusInfo as JobFailedError, and partial when one of two fails', async () => {
    emulator.faults.set({ failJobs: { api: 'legacy', model: 'drums', message: 'Injected drums failure' } });
    const failed = await stemkit
      .wait(await stemkit.separate({ source: song, name: 'song.wav', stems: ['drums'] }))
      .catch((error: unknown) => error);
    expect(JobFailedError.isInstance(failed)).toBe(true);
    expect((failed as JobFailedError).failure.message).toContain('Injected drums failure');

    const partial = await stemkit.wait(
      await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals', 'drums'] }),
    );
    expect(partial.status).toBe('partial');
    expect(partial.targets.map((target) => [target.stem, target.status, target.error?.code])).toEqual([
      ['vocals', 'succeeded', undefined],
      ['drums', 'failed', 500],
    ]);
  });

  it('waits out the early-404 race and 429s on polling', async () => {
    emulator.faults.set({
      notFoundAfterCreate: { calls: 2 },
      rateLimit: [{ api: 'legacy', method: 'GET', path: '/job/:id', count: 2, retryAfterSeconds: 0 }],
    });
    const started = await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals', 'bass'] });
    // The driver reports what the API answers; `wait` is the one layer that waits out the race.
    await expect(driver.status(started.handle)).rejects.toMatchObject({ code: 'not-found' });
    const job = await stemkit.wait(started);
    expect(job.status).toBe('succeeded');
    for (const file of await downloadAll(stemkit, job)) {
      expect(file.checksum).toBe(await storedChecksum(emulator, keyOf(job, file.asset.id)));
    }
  });

  it('sends each job’s callback to its callbackUrl; the body parses into a handle that re-fetches the job', async () => {
    const receiver = await startReceiver();
    try {
      const started = await stemkit.separate({
        source: song,
        name: 'song.wav',
        stems: ['vocals', 'drums'],
        callbackUrl: receiver.url,
      });
      const job = await stemkit.wait(started);
      const parts = new Set(started.handle.parts);
      const deadline = Date.now() + 10_000;
      let completed: unknown[] = [];
      while (Date.now() < deadline) {
        completed = receiver.bodies.filter((body) => legacyJobToNeutral(body).status === 'succeeded');
        if (completed.length >= 2) break;
        await receiver.received(receiver.bodies.length + 1);
      }
      const hints = await Promise.all(
        completed.map((body) => stemkit.callbacks.parse({ headers: new Headers(), body })),
      );
      expect(new Set(hints.map((hint) => hint.handle.id))).toEqual(parts);
      const refetched = await stemkit.get(hints[0]!.handle);
      expect(refetched.status).toBe('succeeded');
      expect(job.status).toBe('succeeded');
      // The legacy Job's fields: the shared ones neutral, the others typed through legacyJobsOf/legacyAssetOf.
      expect(job).toMatchObject({ callbackUrl: receiver.url, source: { name: 'song.wav' } });
      for (const instant of [job.createdAt, job.startedAt, job.completedAt])
        expect(instant).toBeTypeOf('string');
      const [first] = legacyJobsOf(job);
      expect(first?.callbackUrl).toBe(receiver.url);
      expect(first?.startedAt).toBe(job.startedAt);
      expectTypeOf(first!.requestId).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(legacyAssetOf(job.source!).clientId).toEqualTypeOf<string | null | undefined>();
    } finally {
      await receiver.close();
    }
  });

  it('downloads through a fresh link after the first one expired', async () => {
    emulator.faults.set({ signedUrlLifetimeSeconds: 1 });
    const job = await stemkit.wait(
      await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals'] }),
    );
    const output = job.targets[0]!.outputs[0]!;
    // A link lives its lifetime from its issue second rounded up: between 1 and 2 s here.
    await expect.poll(() => statusOf(output.url as string), { timeout: 3_000, interval: 200 }).toBe(403);
    emulator.faults.clear();
    const bytes = await downloadBytes(stemkit, output);
    expect(sha256(bytes)).toBe(await storedChecksum(emulator, keyOf(job, output.id)));
  });

  it('separates a song given by URL (uploaded with /upload/link first)', async () => {
    const file = await serveFile(song, 'remote-song.wav');
    try {
      const job = await stemkit.wait(
        await stemkit.separate({ source: { url: file.url }, stems: ['vocals'] }),
      );
      expect(job.source).toMatchObject({ name: 'remote-song.wav', format: 'wav' });
      const [output] = await downloadAll(stemkit, job);
      expect(output?.checksum).toBe(await storedChecksum(emulator, keyOf(job, output!.asset.id)));
    } finally {
      await file.close();
    }
  });

  it('reads usage', async () => {
    const usage = await driver.usage();
    expect(usage.months.at(-1)?.targets).toBeGreaterThan(0);
    expect(usage.months.at(-1)?.minutes).toBeGreaterThan(0);
  });
});

import { decodeWav } from '@stemkit/audio';
import { type AudioShakeLegacyDriver, audioshakeLegacy, legacyJobToNeutral } from '@stemkit/audioshake';
import { JobFailedError, type Stemkit } from '@stemkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/index.ts';
import {
  clientFor,
  downloadAll,
  downloadBytes,
  sampleSong,
  serveFile,
  sha256,
  startReceiver,
} from '../support/http.ts';
import { type Backend, backendDriver, GATEWAY_TOKEN, type GatewayRig, startGatewayRig } from './harness.ts';

const song = sampleSong();

/** Whether the backend runs transcription and alignment; Sourcere cannot, and the gateway must say so. */
const TEXT_MODELS: Record<Backend, boolean> = { tasks: true, sourcere: false };
/** How the emulator names the failing job of each backend: a Tasks model, or the Sourcere algorithm of drums. */
const DRUMS_FAULT: Record<Backend, { api: 'tasks' | 'sourcere'; model: string }> = {
  tasks: { api: 'tasks', model: 'drums' },
  sourcere: { api: 'sourcere', model: 'algorithm-7' },
};

describe.each<Backend>(['tasks', 'sourcere'])(
  'the legacy driver end-to-end through the gateway, %s behind it',
  (backend) => {
    let rig: GatewayRig;
    let driver: AudioShakeLegacyDriver;
    let stemkit: Stemkit;

    beforeAll(async () => {
      rig = await startGatewayRig(backend);
      driver = audioshakeLegacy(rig.legacyOptions());
      stemkit = clientFor(driver);
    });
    afterEach(() => rig.emulator.faults.clear());
    afterAll(() => rig.close());

    it('separates three stems: three legacy jobs, one neutral job, every file decodes to the song’s length', async () => {
      const started = await stemkit.separate({
        source: song,
        name: 'song.wav',
        stems: ['vocals', 'drums', 'bass'],
      });
      expect(started.handle.parts).toHaveLength(3);
      expect(started.handle.parts?.every((id) => /^c[a-z0-9]{24}$/.test(id))).toBe(true);
      const job = await stemkit.wait(started);
      expect(job.targets.map((target) => [target.stem, target.status])).toEqual([
        ['vocals', 'succeeded'],
        ['drums', 'succeeded'],
        ['bass', 'succeeded'],
      ]);
      const files = await downloadAll(stemkit, job);
      expect(files.map((file) => file.asset.name)).toEqual(['vocals.wav', 'drums.wav', 'bass.wav']);
      for (const file of files) {
        const audio = decodeWav(file.bytes);
        expect(audio.channels).toHaveLength(2);
        expect(audio.channels[0]?.length).toBe(3 * 22_050);
      }
      expect(new Set(files.map((file) => file.checksum)).size).toBe(3);
    });

    it('resumes from the handle alone in another client', async () => {
      const started = await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals'] });
      const other = clientFor(audioshakeLegacy(rig.legacyOptions()));
      const job = await other.wait(JSON.parse(JSON.stringify(started.handle)));
      expect(job.targets[0]?.outputs.map((output) => output.name)).toEqual(['vocals.wav']);
    });

    it(`transcribes in json and srt — or, on ${backend}, answers with a legacy-shaped failure`, async () => {
      const started = await stemkit.separate({
        source: song,
        name: 'song.wav',
        targets: [{ stem: 'transcription', formats: ['json', 'srt'], language: 'en' }],
      });
      if (TEXT_MODELS[backend]) {
        const job = await stemkit.wait(started);
        const files = await downloadAll(stemkit, job);
        // Two text formats travel as one legacy job with `format: "all"`: json, srt and txt come back.
        expect(files.map((file) => file.asset.name).sort()).toEqual([
          'transcription.json',
          'transcription.srt',
          'transcription.txt',
        ]);
        expect(files.every((file) => file.asset.role === 'transcript')).toBe(true);
        const byFormat = new Map(files.map((file) => [file.asset.format, file]));
        expect(JSON.parse(new TextDecoder().decode(byFormat.get('json')?.bytes))).toBeTypeOf('object');
        expect(new TextDecoder().decode(byFormat.get('srt')?.bytes)).toMatch(/-->/);
      } else {
        const failed = await stemkit.wait(started).catch((error: unknown) => error);
        expect(JobFailedError.isInstance(failed)).toBe(true);
        expect((failed as JobFailedError).failure).toEqual({
          code: 501,
          message: 'The sourcere backend cannot transcribe',
        });
      }
    });

    it(`aligns a supplied transcript sent as another source asset — or, on ${backend}, fails in the legacy shape`, async () => {
      const transcript = await stemkit.upload(new TextEncoder().encode('shake it up\nshake it down\n'), {
        name: 'lyrics.txt',
        transcript: true,
      });
      const source = await stemkit.upload(song, { name: 'song.wav' });
      const started = await driver.start({
        source: { asset: source },
        targets: [
          { stem: 'alignment', formats: ['json'], language: 'en', transcript: { asset: transcript } },
        ],
      });
      const outcome = await stemkit.wait(started.handle).catch((error: unknown) => error);
      if (TEXT_MODELS[backend]) {
        const job = outcome as Awaited<ReturnType<Stemkit['wait']>>;
        const [file] = await downloadAll(stemkit, job);
        expect(file?.asset).toMatchObject({ name: 'alignment.json', role: 'alignment' });
        expect(new TextDecoder().decode(file?.bytes)).toContain('shake');
      } else {
        expect(JobFailedError.isInstance(outcome)).toBe(true);
        expect((outcome as JobFailedError).failure.code).toBe(501);
      }
    });

    it('reports a backend failure with its statusInfo, and partial when one of two fails', async () => {
      rig.emulator.faults.set({ failJobs: { ...DRUMS_FAULT[backend], message: 'Injected drums failure' } });
      const failed = await stemkit
        .wait(await stemkit.separate({ source: song, name: 'song.wav', stems: ['drums'] }))
        .catch((error: unknown) => error);
      expect(JobFailedError.isInstance(failed)).toBe(true);
      expect((failed as JobFailedError).failure.message).toContain('Injected drums failure');
      const partial = await stemkit.wait(
        await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals', 'drums'] }),
      );
      expect(partial.status).toBe('partial');
      expect(partial.targets.map((target) => [target.stem, target.status])).toEqual([
        ['vocals', 'succeeded'],
        ['drums', 'failed'],
      ]);
    });

    it('POSTs each job’s callback in the legacy shape; the body parses into a handle that re-fetches the job', async () => {
      const receiver = await startReceiver();
      try {
        const started = await stemkit.separate({
          source: song,
          name: 'song.wav',
          stems: ['vocals', 'drums'],
          callbackUrl: receiver.url,
        });
        await stemkit.wait(started);
        const completed = async () => {
          const deadline = Date.now() + 10_000;
          for (;;) {
            const done = receiver.bodies.filter((body) => legacyJobToNeutral(body).status === 'succeeded');
            if (done.length >= 2 || Date.now() > deadline) return done;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        };
        const bodies = await completed();
        expect(bodies).toHaveLength(2);
        const statuses = receiver.bodies.map((body) => (body as { job: { status: string } }).job.status);
        expect(statuses).toContain('created');
        const hints = await Promise.all(
          bodies.map((body) => stemkit.callbacks.parse({ headers: new Headers(), body })),
        );
        expect(new Set(hints.map((hint) => hint.handle.id))).toEqual(new Set(started.handle.parts));
        expect((await stemkit.get(hints[0]!.handle)).status).toBe('succeeded');
      } finally {
        await receiver.close();
      }
    });

    it('serves a fresh link after the first one expired', async () => {
      const shortLived = await startGateway({
        driver: backendDriver(rig.emulator, backend),
        token: GATEWAY_TOKEN,
        linkLifetimeSeconds: 1,
        wait: { initialDelayMs: 50, maxDelayMs: 200 },
      });
      try {
        const client = clientFor(audioshakeLegacy(rig.legacyOptions({ baseUrl: shortLived.url })));
        const job = await client.wait(
          await client.separate({ source: song, name: 'song.wav', stems: ['vocals'] }),
        );
        const output = job.targets[0]!.outputs[0]!;
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const stale = await fetch(output.url as string);
        await stale.body?.cancel();
        expect(stale.status).toBe(403);
        const bytes = await downloadBytes(client, output);
        expect(decodeWav(bytes).channels[0]?.length).toBe(3 * 22_050);
        expect(sha256(bytes)).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        await shortLived.close();
      }
    });

    it('separates a song given by URL (POST /upload/link)', async () => {
      const file = await serveFile(song, 'remote-song.wav');
      try {
        const job = await stemkit.wait(
          await stemkit.separate({ source: { url: file.url }, stems: ['vocals'] }),
        );
        expect(job.source).toMatchObject({ name: 'remote-song.wav', format: 'wav' });
        const [output] = await downloadAll(stemkit, job);
        expect(decodeWav(output!.bytes).channels[0]?.length).toBe(3 * 22_050);
      } finally {
        await file.close();
      }
    });

    it('reads usage', async () => {
      const usage = await driver.usage();
      expect(usage.months.at(-1)?.targets).toBeGreaterThan(0);
      // Real minutes, from the backend's statistics, where the backend reports usage.
      if (backend === 'tasks') expect(usage.months.at(-1)?.minutes).toBeGreaterThan(0);
    });
  },
);

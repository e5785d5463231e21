import { decodeWav } from '@stemkit/audio';
import { handleToToken, type Job, type Stemkit } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AudioShakeTasksDriver,
  audioshakeTasks,
  taskOf,
  tasksAssetOf,
  taskToNeutral,
} from '../../src/index.ts';
import {
  clientFor,
  downloadAll,
  sampleSong,
  serveFile,
  startReceiver,
  statusOf,
  storedChecksum,
} from '../helpers/e2e.ts';
import { startTestEmulator } from '../helpers/emulator.ts';

let emulator: RunningEmulator;
let driver: AudioShakeTasksDriver;
let stemkit: Stemkit;
const song = sampleSong();

beforeAll(async () => {
  emulator = await startTestEmulator();
  driver = audioshakeTasks({
    apiKey: emulator.tasks.apiKey,
    baseUrl: emulator.tasks.baseUrl,
    timeoutMs: 10_000,
  });
  stemkit = clientFor(driver);
});
afterEach(() => emulator.faults.clear());
afterAll(() => emulator.close());

/** The emulator's storage key of a Tasks output: task, target, then the file name. */
function keyOf(job: Job, id: string): string {
  const target = job.targets.find((each) => each.outputs.some((output) => output.id === id));
  const output = target?.outputs.find((each) => each.id === id);
  if (!target || !output) throw new Error(`no output ${id}`);
  return `tasks/${job.id}/${target.id}/${output.name}`;
}

async function expectStored(job: Job) {
  const files = await downloadAll(stemkit, job);
  for (const file of files)
    expect(file.checksum).toBe(await storedChecksum(emulator, keyOf(job, file.asset.id)));
  return files;
}

describe('Tasks driver end-to-end over loopback', () => {
  it("names the job's source after the uploaded file, from the handle alone and in list()", async () => {
    const started = await stemkit.separate({ source: song, name: 'named-song.wav', stems: ['vocals'] });
    const job = await clientFor(driver).wait(handleToToken(started.handle));
    expect(job.source).toMatchObject({ id: taskOf(job).assetId, name: 'named-song.wav', format: 'wav' });
    const listed = [];
    for await (const each of stemkit.list({ pageSize: 100 })) listed.push(each);
    expect(listed.find((each) => each.id === job.id)?.source?.name).toBe('named-song.wav');
    expect(tasksAssetOf(job.targets[0]!.outputs[0]!)).toMatchObject({
      kind: 'output',
      payload: { format: 'wav' },
    });
  });

  it('ignores a per-job callbackUrl with a warning, as docs/migration.md says, and the job runs', async () => {
    const started = await stemkit.separate({
      source: song,
      stems: ['vocals'],
      callbackUrl: 'https://app.test/stemkit/callbacks',
    });
    expect(started.warnings).toEqual([
      expect.objectContaining({ code: 'option-ignored', field: 'callbackUrl' }),
    ]);
    const job = await stemkit.wait(started);
    expect(job.status).toBe('succeeded');
    expect(JSON.stringify(taskOf(job))).not.toContain('app.test');
  });

  it('separates three stems in one task, every file checksummed', async () => {
    const started = await stemkit.separate({
      source: song,
      name: 'song.wav',
      stems: ['vocals', 'drums', 'bass'],
    });
    const job = await stemkit.wait(started);
    expect(job.status).toBe('succeeded');
    expect(job.completedAt).toBeDefined();
    expect(job.targets.map((target) => [target.stem, target.status])).toEqual([
      ['vocals', 'succeeded'],
      ['drums', 'succeeded'],
      ['bass', 'succeeded'],
    ]);
    const files = await expectStored(job);
    expect(files.map((file) => file.asset.name)).toEqual(['vocals.wav', 'drums.wav', 'bass.wav']);
    for (const file of files) expect(decodeWav(file.bytes).channels[0]?.length).toBe(3 * 22_050);
    expect(new Set(files.map((file) => file.checksum)).size).toBe(3);
  });

  it('writes a residual and a variant output, named without extension on the wire', async () => {
    const job = await stemkit.wait(
      await stemkit.separate({
        source: song,
        name: 'song.wav',
        targets: [{ stem: 'vocals', formats: ['wav', 'mp3'], residual: true, variant: 'high_quality' }],
      }),
    );
    const files = await expectStored(job);
    expect(files.map((file) => [file.asset.name, file.asset.role, file.asset.mimeType]).sort()).toEqual([
      ['vocals_high_quality.mp3', 'stem', 'audio/mpeg'],
      ['vocals_high_quality.wav', 'stem', 'audio/wav'],
      ['vocals_residual.mp3', 'residual', 'audio/mpeg'],
      ['vocals_residual.wav', 'residual', 'audio/wav'],
    ]);
  });

  it('transcribes, and aligns a supplied transcript asset', async () => {
    const transcription = await stemkit.wait(
      await stemkit.separate({
        source: song,
        name: 'song.wav',
        targets: [{ stem: 'transcription', formats: ['json', 'txt'], language: 'en' }],
      }),
    );
    const texts = await expectStored(transcription);
    expect(texts.map((file) => file.asset.name).sort()).toEqual(['transcription.json', 'transcription.txt']);

    // As the package README shows it: the transcript passed to separate, which uploads it.
    const lyrics = { body: new Blob(['shake it up\nshake it down\n']).stream(), name: 'lyrics.txt' };
    const started = await stemkit.separate({
      source: song,
      name: 'song.wav',
      targets: [{ stem: 'alignment', formats: ['json'], language: 'en', transcript: lyrics }],
    });
    const alignment = await stemkit.wait(started);
    const [file] = await expectStored(alignment);
    expect(file?.asset).toMatchObject({ name: 'alignment.json', role: 'alignment' });
    expect(new TextDecoder().decode(file?.bytes)).toContain('shake');
  });

  it('reports partial success when one target fails, the other outputs intact', async () => {
    emulator.faults.set({ failJobs: { api: 'tasks', model: 'drums', message: 'Injected drums failure' } });
    const job = await stemkit.wait(
      await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals', 'drums', 'bass'] }),
    );
    expect(job.status).toBe('partial');
    expect(job.targets.map((target) => [target.stem, target.status])).toEqual([
      ['vocals', 'succeeded'],
      ['drums', 'failed'],
      ['bass', 'succeeded'],
    ]);
    expect(job.targets[1]?.error?.message).toContain('Injected drums failure');
    const files = await expectStored(job);
    expect(files.map((file) => file.asset.name)).toEqual(['vocals.wav', 'bass.wav']);
  });

  it('backs off on 429s when creating and polling', async () => {
    emulator.faults.set({
      rateLimit: [
        { api: 'tasks', method: 'POST', path: '/tasks', count: 2, retryAfterSeconds: 0 },
        { api: 'tasks', method: 'GET', path: '/tasks/:id', count: 3, retryAfterSeconds: 0 },
      ],
    });
    const job = await stemkit.wait(
      await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals'] }),
    );
    expect(job.status).toBe('succeeded');
    await expectStored(job);
  });

  it('lists every task across pages of skip/take', async () => {
    const ids: string[] = [];
    for await (const each of stemkit.list({ pageSize: 2 })) ids.push(each.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('delivers one webhook per finished target with the whole task; each parses into the task handle', async () => {
    const receiver = await startReceiver();
    try {
      const registered = await fetch(`${emulator.tasks.baseUrl}/webhooks`, {
        method: 'POST',
        headers: { 'x-api-key': emulator.tasks.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url }),
      });
      expect(registered.ok).toBe(true);
      const job = await stemkit.wait(
        await stemkit.separate({ source: song, name: 'song.wav', stems: ['vocals', 'drums'] }),
      );
      const bodies = await receiver.received(2);
      const hints = await Promise.all(
        bodies.map((body) => stemkit.callbacks.parse({ headers: new Headers(), body })),
      );
      // A webhook names the task; the handle saved at start also keeps the source's name.
      const { data: _source, ...bare } = job.handle;
      expect(hints.map((hint) => hint.handle)).toEqual([bare, bare]);
      expect(bodies.map((body) => taskToNeutral(body).targets.length)).toEqual([2, 2]);
      expect(hints.at(-1)?.event).toBe('succeeded');
    } finally {
      await receiver.close();
    }
  });

  it('separates a song given by URL, sent straight in the task', async () => {
    const file = await serveFile(song, 'remote-song.wav');
    try {
      const job = await stemkit.wait(
        await stemkit.separate({ source: { url: file.url }, stems: ['vocals'] }),
      );
      expect(job.source).toMatchObject({ name: 'remote-song.wav', url: file.url });
      await expectStored(job);
    } finally {
      await file.close();
    }
  });

  it('downloads through a fresh link (GET /tasks/:id again) after the first one expired', async () => {
    emulator.faults.set({ signedUrlLifetimeSeconds: 1 });
    const job = await stemkit.wait(
      await stemkit.separate({ source: song, name: 'song.wav', stems: ['bass'] }),
    );
    // A link lives its lifetime from its issue second rounded up: between 1 and 2 s here.
    const url = job.targets[0]!.outputs[0]!.url as string;
    await expect.poll(() => statusOf(url), { timeout: 3_000, interval: 200 }).toBe(403);
    emulator.faults.clear();
    await expectStored(job);
  });

  it('reads usage statistics with minutes as numbers', async () => {
    const usage = await driver.usage();
    expect(usage.months.at(-1)?.targets).toBeGreaterThan(0);
    expect(usage.months.at(-1)?.minutes).toBeGreaterThan(0);
  });
});

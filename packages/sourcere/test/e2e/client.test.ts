import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Asset,
  createStemkit,
  type DownloadOptions,
  InvalidArgumentError,
  JobFailedError,
  type Stemkit,
  UnsupportedCapabilityError,
  UploadError,
} from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sourcereSeparationOf, sourcereUploadOf } from '../../src/index.ts';
import {
  countingFetch,
  driverFor,
  producedFiles,
  sampleSong,
  sha256,
  startFastEmulator,
} from '../helpers/emulator.ts';

// The seed's whole workflow as a user writes it: createStemkit over the driver, never touching HTTP.

let emulator: RunningEmulator;
let stemkit: Stemkit;
const counted = countingFetch();

beforeAll(async () => {
  emulator = await startFastEmulator({
    // Every kind of API call meets a 429 or a 503 now and then; nothing may be lost to them.
    faults: {
      seed: 3,
      rateLimit: [{ api: 'sourcere', probability: 0.1, retryAfterSeconds: 0 }],
      serverError: [{ api: 'sourcere', method: 'GET', probability: 0.1 }],
    },
  });
  const driver = driverFor(emulator, { fetch: counted.fetch, retryLimit: 6 });
  stemkit = createStemkit({ driver, wait: { initialDelayMs: 50, maxDelayMs: 200 } });
});
afterAll(() => emulator.close());

/** Downloads through the client and names the emulator file it is, byte for byte. */
async function fileOf(
  jobId: string,
  asset: Asset,
  options: DownloadOptions = {},
): Promise<string | undefined> {
  const { body } = await stemkit.download(asset, options);
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  return (await producedFiles(emulator, jobId)).get(sha256(bytes));
}

describe('through createStemkit', () => {
  test('upload, separate, wait, download, mix and zip', async () => {
    const source = await stemkit.upload(sampleSong(), { name: 'song.wav' });
    const started = await stemkit.separate({ source, stems: ['vocals', 'instrumental'], formats: ['mp3'] });
    const job = await stemkit.wait(started);

    expect(job.status).toBe('succeeded');
    const instrumental = job.targets.find((target) => target.stem === 'instrumental')?.outputs[0] as Asset;
    expect(instrumental.name).toBe('instrumental.mp3');
    expect(await fileOf(job.id, instrumental)).toBe('response/track.mp3');
    expect(await fileOf(job.id, instrumental, { format: 'flac' })).toBe('response/track.flac');

    const mix = await stemkit.mix(job, {
      tracks: [
        { stem: 'vocals', volume: 1, pan: 0 },
        { stem: 'instrumental', volume: 0.5, pan: 1 },
      ],
      format: 'wav',
    });
    expect(`${job.id}/${await fileOf(job.id, mix)}`).toBe(`${mix.id}.wav`);

    const zip = await stemkit.zip(job, { stems: ['vocals', 'instrumental'], format: 'm4a', name: 'both' });
    expect(`${job.id}/${await fileOf(job.id, zip)}`).toBe(zip.id);
  });

  test('upload returns the asset with the metadata Sourcere computed', async () => {
    const source = await stemkit.upload(sampleSong(2), { name: 'two-seconds.wav' });

    expect(source.durationSeconds).toBeCloseTo(2, 1);
    expect(source.channels).toBe(2);
    expect(source.sampleRate).toBe(22_050);
  });

  test("the job's source names the upload and carries its metadata, read again from the handle alone", async () => {
    const started = await stemkit.separate({
      source: sampleSong(2),
      name: 'two-seconds.wav',
      stems: ['vocals', 'instrumental'],
      metadata: 'take 3',
      callbackUrl: 'http://127.0.0.1:9/never',
    });
    const job = await stemkit.wait(JSON.stringify(started.handle));

    expect(job.source).toMatchObject({
      name: 'two-seconds.wav',
      role: 'source',
      channels: 2,
      sampleRate: 22_050,
    });
    expect(job.source?.durationSeconds).toBeCloseTo(2, 1);
    expect(job).toMatchObject({ metadata: 'take 3', callbackUrl: 'http://127.0.0.1:9/never' });
    for (const instant of [job.createdAt, job.startedAt, job.completedAt]) expect(instant).toMatch(/Z$/);
    const separation = sourcereSeparationOf(job);
    expect(separation.request.stems).toEqual(['vocals', 'instrumental']);
    expect(separation.progress.outputFiles?.length).toBeGreaterThan(0);
    expect(sourcereUploadOf(job.source!).uploadId).toBe(job.source?.id);
  });

  test('an upload the provider cannot decode rejects at upload with UploadError', async () => {
    // A WAV by its header (so the client's sniff lets it through) in a sample format the provider refuses.
    const song = sampleSong();
    new DataView(song.buffer, song.byteOffset).setUint16(20, 0x1234, true);
    const error = await stemkit.upload(song, { name: 'notes.wav' }).catch((caught: unknown) => caught);

    expect(UploadError.isInstance(error)).toBe(true);
    expect((error as UploadError).message).toContain('notes.wav');
  });

  test('bytes that are no audio are refused by the client, naming source', async () => {
    const error = await stemkit
      .upload(new TextEncoder().encode('these bytes are no audio'), { name: 'notes.wav' })
      .catch((caught: unknown) => caught);

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).field).toBe('source');
  });

  test('a trial of four stems', async () => {
    const job = await stemkit.wait(
      await stemkit.separate({
        source: sampleSong(),
        stems: ['vocals', 'drums', 'bass', 'other'],
        trial: { start: 0, seconds: 1 },
      }),
    );

    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target) => target.outputs[0]?.id)).toEqual(
      ['vocals', 'drums', 'bass', 'other'].map((stem) => `${job.id}/${stem}.wav`),
    );
  });

  test('a failed separation surfaces as JobFailedError with the provider message', async () => {
    emulator.faults.set({ failJobs: { api: 'sourcere', count: 1, message: 'Model crashed' } });

    const error = await stemkit
      .wait(await stemkit.separate({ source: sampleSong(1), stems: ['vocals'] }))
      .catch((caught: unknown) => caught);

    expect(JobFailedError.isInstance(error)).toBe(true);
    expect((error as JobFailedError).failure.message).toBe('Model crashed');
  });

  test('instrumental with drums fails as unsupported before any request, the upload included', async () => {
    const before = counted.sent.length;

    const error = await stemkit
      .separate({ source: sampleSong(1), stems: ['instrumental', 'drums'] })
      .catch((caught: unknown) => caught);

    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect(counted.sent.length - before).toBe(0);
  });
});

describe('callbacks', () => {
  let receiver: Server;
  const received: Request[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = new Headers(request.headers as Record<string, string>);
        received.push(
          new Request('http://127.0.0.1/callback', { method: 'POST', headers, body: Buffer.concat(chunks) }),
        );
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  test('the callback is parsed into a handle, then confirmed with the progress endpoint', async () => {
    const { port } = receiver.address() as AddressInfo;
    const started = await stemkit.separate({
      source: sampleSong(1),
      stems: ['vocals'],
      callbackUrl: `http://127.0.0.1:${port}/callback`,
      metadata: 'bless the rains',
    });
    await stemkit.wait(started);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBeGreaterThan(0);

    const hint = await stemkit.callbacks.parse(received[0] as Request);
    const job = await stemkit.get(hint.handle);

    expect(hint.handle.id).toBe(started.id);
    expect(job).toMatchObject({ id: started.id, status: 'succeeded', metadata: 'bless the rains' });
  });
});

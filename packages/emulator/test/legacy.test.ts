import { decodeAudio } from '@stemkit/audio';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import examples from './fixtures/seed-003-responses.json' with { type: 'json' };
import { burstsWav, testSongWav } from './support/audio.ts';
import { fetchAudio, framesOf, sumError } from './support/pcm.ts';
import { until } from './support/poll.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { expectShape } from './support/shape.ts';

let emulator: RunningEmulator;
let receiver: Receiver;
let base: string;
let auth: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 100 } });
  receiver = await startReceiver();
  base = emulator.legacy.baseUrl;
  auth = { Authorization: `Bearer ${emulator.legacy.token}` };
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

async function upload(bytes: Uint8Array<ArrayBuffer>, name: string, type: string, path = '/upload') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...auth, Accept: 'application/json' },
    body: form,
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function createJob(body: unknown) {
  const response = await fetch(`${base}/job`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()).job;
}

async function finished(id: string) {
  return until(async () => {
    const { job } = await (await fetch(`${base}/job/${id}`, { headers: auth })).json();
    return job.status === 'completed' || job.status === 'failed' ? job : undefined;
  });
}

describe('legacy job/asset API', () => {
  test('multipart upload, a vocals job with residual, statuses, callbacks and the documented shapes', async () => {
    const wav = await testSongWav(2, 16_000, 2);
    const asset = await upload(wav, 'song.wav', 'audio/wav', '/upload/');
    expectShape(examples.asset, asset);
    expect(asset).toMatchObject({ name: 'song.wav', format: 'wav', fileType: 'audio/wav' });
    expect(asset.id).toMatch(/^c[a-z0-9]{24}$/);

    const created = await createJob({
      metadata: { format: 'wav', name: 'vocals', residual: true },
      assetId: asset.id,
      callbackUrl: receiver.url,
    });
    expectShape(examples['created-job'].job, created);
    expect(created).toMatchObject({ status: 'created', requestId: created.id, licenseId: '' });

    const job = await finished(created.id);
    expectShape(examples['completed-separation-job'].job, job);
    expect(job.status).toBe('completed');
    expect(job.statusInfo).toEqual({});
    expect(job.outputAssets.map((output: { name: string }) => output.name)).toEqual([
      'vocals.wav',
      'vocals_residual.wav',
    ]);
    expect(job.stemAssets).toEqual(job.outputAssets);
    expect(job.otherAssets).toEqual([]);
    expect(Date.parse(job.startedAt)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));

    const input = await decodeAudio(wav);
    const [vocals, rest] = await Promise.all(
      job.outputAssets.map((output: { link: string }) => fetchAudio(output.link)),
    );
    expect(framesOf(vocals!)).toBe(framesOf(input));
    expect(sumError([vocals!, rest!], input)).toBeLessThan(1e-4);

    await until(async () => (receiver.bodies.length >= 2 ? true : undefined));
    const statuses = receiver.bodies.map((body) => (body as { job: { status: string } }).job.status);
    expect(statuses).toEqual(['processing', 'completed']);
  });

  test('the older stemMetadata request shape, and mp3/flac/aiff outputs', async () => {
    const asset = await upload(await testSongWav(1, 16_000, 1), 'mono.wav', 'audio/wav');
    for (const format of ['mp3', 'flac', 'aiff']) {
      const job = await finished(
        (await createJob({ stemMetadata: { stemName: 'drums', format }, assetId: asset.id })).id,
      );
      expect(job.stemMetadata).toMatchObject({ stemName: 'drums', format });
      const [output] = job.outputAssets;
      expect(output.name).toBe(`drums.${format}`);
      const audio = await fetchAudio(output.link);
      expect(audio.channels).toHaveLength(1);
    }
  });

  test('upload from a loopback link (both routes); other hosts are refused', async () => {
    const source = await upload(await testSongWav(1), 'source.wav', 'audio/wav');
    for (const path of ['/upload/link', '/upload/audio-link']) {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ link: source.link, name: 'linked.wav' }),
      });
      const asset = await response.json();
      expect(asset).toMatchObject({ name: 'linked.wav', format: 'wav', fileType: 'audio/wav' });
      expect(framesOf(await fetchAudio(asset.link))).toBe(16_000);
    }
    const refused = await fetch(`${base}/upload/link`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ link: 'https://example.com/song.mp3' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ message: expect.stringContaining('loopback') });
  });

  test('transcription and alignment return the documented JSON, timed on the real sound', async () => {
    const audio = await upload(await burstsWav(4), 'bursts.wav', 'audio/wav');
    const lyrics = new TextEncoder().encode('one two three\nfour five six\nseven eight\nnine ten');
    const transcript = await upload(new Uint8Array(lyrics), 'lyrics.txt', 'text/plain');
    expect(transcript).toMatchObject({ format: 'txt', fileType: 'text/plain' });

    const aligned = await finished(
      (
        await createJob({
          metadata: { name: 'alignment', format: 'json', language: 'en' },
          assetId: audio.id,
          otherSourceAssets: [{ id: transcript.id, type: 'transcription' }],
          callbackUrl: receiver.url,
        })
      ).id,
    );
    expectShape(examples['completed-transcription-job'].job, aligned);
    expect(aligned.outputAssets[0]).toMatchObject({
      name: 'alignment.json',
      fileType: 'application/json',
      format: 'json',
    });
    expect(aligned.otherAssets).toHaveLength(1);
    const document = await (await fetch(aligned.outputAssets[0].link)).json();
    // AudioShake's published shape: {text, lines: [{start, end, text, words: [{start, end, text}]}], metadata}.
    expect(Object.keys(document)).toEqual(['text', 'lines', 'metadata']);
    expect(document.text).toBe('one two three\nfour five six\nseven eight\nnine ten\n');
    expect(document.metadata).toEqual({ language: 'en' });
    expect(document.lines).toHaveLength(4);
    document.lines.forEach((line: { start: number; end: number; words: unknown[] }, index: number) => {
      expect(line.start).toBeCloseTo(index, 1);
      expect(line.end).toBeCloseTo(index + 0.6, 1);
    });
    expect(document.lines.map((line: { text: string }) => line.text)).toEqual([
      'one two three\n',
      'four five six\n',
      'seven eight\n',
      'nine ten\n',
    ]);
    const words = document.lines.flatMap((line: { words: { text: string }[] }) =>
      line.words.map((word) => word.text),
    );
    expect(words.join('')).toBe('one two three\nfour five six\nseven eight\nnine ten\n');

    const transcribed = await finished(
      (await createJob({ metadata: { name: 'transcription', format: 'all' }, assetId: audio.id })).id,
    );
    expect(transcribed.outputAssets.map((output: { name: string }) => output.name)).toEqual([
      'transcription.json',
      'transcription.txt',
      'transcription.srt',
    ]);
    const placeholder = await (await fetch(transcribed.outputAssets[0].link)).json();
    expect(placeholder.lines).toHaveLength(4);
    expect(placeholder.text.length).toBeGreaterThan(0);
    const srt = await (await fetch(transcribed.outputAssets[2].link)).text();
    expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:00,6\d\d\n/);
  });

  test('music detection: 10-second windows with a confidence from the audio', async () => {
    const audio = await upload(await burstsWav(12, 0.5, 1, 8000), 'long.wav', 'audio/wav');
    const job = await finished(
      (await createJob({ metadata: { name: 'music_detection', format: 'json' }, assetId: audio.id })).id,
    );
    const windows = await (await fetch(job.outputAssets[0].link)).json();
    expect(windows).toEqual([
      { start_time: 0, end_time: 10, confidence: expect.closeTo(0.5, 1) },
      { start_time: 10, end_time: 12, confidence: expect.closeTo(0.5, 1) },
    ]);
  });

  test('an undecodable source fails with status failed and statusInfo', async () => {
    const text = await upload(
      new Uint8Array(new TextEncoder().encode('not audio')),
      'notes.txt',
      'text/plain',
    );
    const job = await finished(
      (await createJob({ metadata: { name: 'vocals', format: 'wav' }, assetId: text.id })).id,
    );
    expect(job.status).toBe('failed');
    expect(job.statusInfo).toEqual({ code: 400, message: expect.stringMatching(/not decodable/i) });
  });

  test('usage, the token ping, and errors: 401, 404, 400', async () => {
    const usage = await (await fetch(`${base}/usage`, { method: 'POST', headers: auth })).json();
    expect(usage.usage).toHaveLength(3);
    expect(usage.usage[2]).toEqual({
      month: new Date().toISOString().slice(0, 7),
      totalJobs: expect.any(Number),
      totalMinutes: expect.any(Number),
    });
    expect(usage.usage[2].totalJobs).toBeGreaterThan(5);
    expect((await fetch(`${base}/job/`, { headers: auth })).status).toBe(200);

    const wrong = await fetch(`${base}/job/`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'Unauthorized', message: expect.any(String) });
    expect((await fetch(`${base}/job/cnotthere000000000000000000`, { headers: auth })).status).toBe(404);

    const malformed = await fetch(`${base}/job`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"assetId":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: 'Bad Request',
      message: 'The request body is not valid JSON',
    });
    const missing = await fetch(`${base}/job`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ assetId: 'cshort' }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toMatch(/^assetId: /);
    const noFile = await fetch(`${base}/upload`, { method: 'POST', headers: auth, body: new FormData() });
    expect(noFile.status).toBe(400);
  });
});

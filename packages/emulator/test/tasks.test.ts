import { decodeAudio } from '@stemkit/audio';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import examples from './fixtures/spec-tasks-responses.json' with { type: 'json' };
import { burstsWav, testSongWav } from './support/audio.ts';
import { fetchAudio, framesOf, sumError } from './support/pcm.ts';
import { until } from './support/poll.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { expectShape } from './support/shape.ts';

let emulator: RunningEmulator;
let receiver: Receiver;
let base: string;
let key: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 100 } });
  receiver = await startReceiver();
  base = emulator.tasks.baseUrl;
  key = { 'x-api-key': emulator.tasks.apiKey };
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

async function uploadAsset(bytes: Uint8Array<ArrayBuffer>, name: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${base}/assets`, { method: 'POST', headers: key, body: form });
  expect(response.status).toBe(200);
  return response.json();
}

const postTask = (body: unknown) =>
  fetch(`${base}/tasks`, {
    method: 'POST',
    headers: { ...key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function finishedTask(id: string) {
  return until(async () => {
    const task = await (await fetch(`${base}/tasks/${id}`, { headers: key })).json();
    return task.completedAt ? task : undefined;
  });
}

describe('Tasks API', () => {
  test('assets, a task of several targets, per-target outputs and a webhook per finished target', async () => {
    const registered = await fetch(`${base}/webhooks`, {
      method: 'POST',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    expect(await registered.json()).toEqual({ url: receiver.url });

    const wav = await testSongWav(2, 16_000, 2);
    const asset = await uploadAsset(wav, 'song.wav');
    expectShape(examples.asset, asset);
    expect(Date.parse(asset.expiresAt) - Date.parse(asset.createdAt)).toBe(72 * 3600 * 1000);
    const listed = await (await fetch(`${base}/assets`, { headers: key })).json();
    expect(listed.map((each: { id: string }) => each.id)).toContain(asset.id);

    const response = await postTask({
      assetId: asset.id,
      metadata: 'my-ref',
      targets: [
        { model: 'vocals', formats: ['wav', 'mp3'], variant: 'high_quality' },
        { model: 'drums', formats: ['wav'], residual: true },
        { model: 'transcription', formats: ['json'], language: 'en' },
      ],
    });
    const created = await response.json();
    expect(created.targets.map((target: { status: string }) => target.status)).toEqual([
      'processing',
      'processing',
      'processing',
    ]);
    expect(created.completedAt).toBeNull();
    expect(created).toMatchObject({ assetId: asset.id, metadata: 'my-ref' });

    const task = await finishedTask(created.id);
    expectShape(examples.task, task);
    const [vocals, drums, transcription] = task.targets;
    expect(
      vocals.output.map((file: { name: string; format: string }) => `${file.name}.${file.format}`),
    ).toEqual(['vocals_high_quality.wav', 'vocals_high_quality.mp3']);
    expect(vocals).toMatchObject({
      status: 'completed',
      error: null,
      duration: 2,
      cost: 1.5,
      variant: 'high_quality',
    });
    expect(drums.output.map((file: { name: string }) => file.name)).toEqual(['drums', 'drums_residual']);
    expect(transcription.output[0]).toMatchObject({
      name: 'transcription',
      format: 'json',
      type: 'application/json',
    });
    expect(task.cost).toBe(3.5);

    const input = await decodeAudio(wav);
    const drumParts = await Promise.all(drums.output.map((file: { link: string }) => fetchAudio(file.link)));
    expect(framesOf(drumParts[0]!)).toBe(framesOf(input));
    expect(sumError(drumParts, input)).toBeLessThan(1e-4);
    const linkExpiry = Number(new URL(vocals.output[0].link).searchParams.get('X-Goog-Expires'));
    expect(linkExpiry).toBe(3600);

    await until(async () => (receiver.bodies.length >= 3 ? true : undefined));
    const webhooks = receiver.bodies as {
      id: string;
      targets: { status: string }[];
      completedAt: string | null;
    }[];
    expect(webhooks.every((body) => body.id === created.id)).toBe(true);
    expect(
      webhooks.map((body) => body.targets.filter((target) => target.status !== 'processing').length).sort(),
    ).toEqual([1, 2, 3]);
    expect(webhooks.filter((body) => body.completedAt !== null)).toHaveLength(1);
  });

  test('a url source, alignment from a transcript asset, list with skip/take, statistics', async () => {
    const source = await uploadAsset(await burstsWav(3), 'bursts.wav');
    const transcript = await uploadAsset(
      new Uint8Array(new TextEncoder().encode('{"text": "hello world\\nbye now\\nend"}')),
      'lyrics.json',
    );
    const created = await (
      await postTask({
        url: source.link,
        targets: [
          { model: 'alignment', formats: ['json', 'srt'], transcriptAssetId: transcript.id },
          { model: 'alignment', formats: ['txt'], transcriptUrl: transcript.link },
        ],
      })
    ).json();
    expect(created.url).toBe(source.link);
    expect(created.assetId).toBeUndefined();
    const task = await finishedTask(created.id);
    const document = await (await fetch(task.targets[0].output[0].link)).json();
    expect(document.lines.map((line: { text: string }) => line.text)).toEqual([
      'hello world\n',
      'bye now\n',
      'end\n',
    ]);
    const fromUrl = await (await fetch(task.targets[1].output[0].link)).text();
    expect(fromUrl).toBe('hello world\nbye now\nend\n');

    const page = await (await fetch(`${base}/tasks?skip=0&take=1`, { headers: key })).json();
    expect(page).toHaveLength(1);
    expect(page[0].id).toBe(created.id);
    const next = await (await fetch(`${base}/tasks?skip=1&take=100`, { headers: key })).json();
    expect(next.map((each: { id: string }) => each.id)).not.toContain(created.id);
    expect((await fetch(`${base}/tasks?take=101`, { headers: key })).status).toBe(400);

    const usage = await (await fetch(`${base}/tasks/statistics?name=usage`, { headers: key })).json();
    expect(usage).toEqual([
      { month: new Date().toISOString().slice(0, 7), totalTargets: 5, totalMinutes: expect.any(String) },
    ]);
    expect(Number(usage[0].totalMinutes)).toBeCloseTo((3 * 2 + 3 * 2) / 60, 2);
    const distribution = await (
      await fetch(`${base}/tasks/statistics?name=distribution`, { headers: key })
    ).json();
    expect(distribution.map((entry: { model: string }) => entry.model)).toEqual([
      'alignment',
      'drums',
      'transcription',
      'vocals',
    ]);
  });

  test('models the engine cannot isolate are still served, as audio of the input shape', async () => {
    const asset = await uploadAsset(await testSongWav(1, 8000, 2), 'approximate.wav');
    const models = ['guitar', 'piano', 'dialogue', 'music_fx', 'other-x-guitar'];
    const created = await (
      await postTask({ assetId: asset.id, targets: models.map((model) => ({ model, formats: ['wav'] })) })
    ).json();
    const task = await finishedTask(created.id);
    for (const target of task.targets) {
      expect(target.status, target.model).toBe('completed');
      const audio = await fetchAudio(target.output[0].link);
      expect(framesOf(audio)).toBe(8000);
      expect(audio.channels).toHaveLength(2);
    }
  });

  test('multi_voice: two voices and the residual, summing to the input; an unknown model errors with 400', async () => {
    const wav = await testSongWav(1, 8000, 2);
    const asset = await uploadAsset(wav, 'voices.wav');
    const created = await (
      await postTask({
        assetId: asset.id,
        targets: [
          { model: 'multi_voice', variant: 'two_speaker', formats: ['wav'], residual: true },
          { model: 'kazoo', formats: ['wav'] },
        ],
      })
    ).json();
    const task = await finishedTask(created.id);
    const [voices, unknown] = task.targets;
    expect(voices.output.map((file: { name: string }) => file.name)).toEqual([
      'voice_two_speaker_01',
      'voice_two_speaker_02',
      'multi_voice_residual',
    ]);
    const parts = await Promise.all(voices.output.map((file: { link: string }) => fetchAudio(file.link)));
    expect(sumError(parts, await decodeAudio(wav))).toBeLessThan(1e-4);
    expect(unknown).toMatchObject({
      status: 'error',
      error: { code: 400, message: 'The model kazoo is not available' },
    });
  });

  test('validation: at most 10 targets, one source, known formats, x-api-key', async () => {
    const asset = await uploadAsset(await testSongWav(1), 'short.wav');
    const eleven = Array.from({ length: 11 }, () => ({ model: 'vocals', formats: ['wav'] }));
    const tooMany = await postTask({ assetId: asset.id, targets: eleven });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      error: 'Bad Request',
      message: expect.stringMatching(/^targets: /),
    });
    expect((await postTask({ assetId: asset.id, targets: eleven.slice(0, 10) })).status).toBe(200);
    expect((await postTask({ targets: [{ model: 'vocals', formats: ['wav'] }] })).status).toBe(400);
    expect(
      (await postTask({ assetId: asset.id, targets: [{ model: 'vocals', formats: ['json'] }] })).status,
    ).toBe(400);
    expect(
      (await postTask({ assetId: 'cmissing', targets: [{ model: 'vocals', formats: ['wav'] }] })).status,
    ).toBe(404);
    expect(
      (await postTask({ url: 'https://example.com/a.mp3', targets: [{ model: 'vocals', formats: ['wav'] }] }))
        .status,
    ).toBe(400);
    const unauthorized = await fetch(`${base}/tasks`, { headers: { 'x-api-key': 'wrong' } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: 'Unauthorized', message: expect.any(String) });
    expect((await fetch(`${base}/tasks/cnothere`, { headers: key })).status).toBe(404);
  });
});

describe('Tasks API rate limit', () => {
  test('429 with Retry-After above the configured requests per second', async () => {
    const limited = await startEmulator({ tasksRateLimit: 5 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${limited.tasks.baseUrl}/tasks`, { headers: { 'x-api-key': limited.tasks.apiKey } }),
        ),
      );
      const codes = statuses.map((response) => response.status).sort();
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const rejected = statuses.find((response) => response.status === 429)!;
      expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await rejected.json()).toMatchObject({ error: 'Too Many Requests' });
    } finally {
      await limited.close();
    }
  });
});

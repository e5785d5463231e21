import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { until } from './support/poll.ts';

// The emulated Replicate API: its answers for the Demucs models, and hostile input answered as the note says.

const RYAN = '5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77';
let emulator: RunningEmulator;
let base: string;
let auth: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 }, maxUploadBytes: 200_000 });
  base = emulator.replicate.baseUrl;
  auth = { authorization: `Bearer ${emulator.replicate.apiToken}` };
});
afterAll(() => emulator.close());

const create = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/predictions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function upload(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const form = new FormData();
  form.append('content', new Blob([bytes], { type: 'audio/wav' }), 'song.wav');
  const response = await fetch(`${base}/files`, { method: 'POST', headers: auth, body: form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { urls: { get: string } }).urls.get;
}

describe('the emulated Replicate API', () => {
  test('a wrong token is a 401 problem document; the Token scheme is accepted too', async () => {
    const refused = await fetch(`${base}/predictions`, { headers: { authorization: 'Bearer r8_wrong' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      detail: 'You did not pass a valid authentication token',
      status: 401,
    });
    const token = await fetch(`${base}/predictions`, {
      headers: { authorization: `Token ${emulator.replicate.apiToken}` },
    });
    expect(token.status).toBe(200);
  });

  test('an unknown version and a missing audio are 422s naming them', async () => {
    const version = await create({ version: 'f'.repeat(64), input: { audio: 'http://127.0.0.1/a.wav' } });
    expect(version.status).toBe(422);
    expect((await version.json()).detail).toMatch(/version does not exist/);
    const audio = await create({ version: RYAN, input: {} });
    expect(audio.status).toBe(422);
    expect((await audio.json()).detail).toMatch(/audio is required/);
  });

  test('Prefer: wait holds the create until the stems exist; a single stem gives it and no_<stem>', async () => {
    const audio = await upload(await testSongWav(0.5));
    const response = await create(
      { version: RYAN, input: { audio, stem: 'drums', output_format: 'wav' } },
      { prefer: 'wait=30' },
    );
    expect(response.status).toBe(201);
    const prediction = await response.json();
    expect(prediction.status).toBe('succeeded');
    expect(Object.keys(prediction.output).sort()).toEqual(['drums', 'no_drums']);
    const stem = await fetch(prediction.output.drums);
    expect(stem.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await stem.arrayBuffer()).subarray(0, 4))).toBe('RIFF');
  });

  test('an audio URL off loopback (SSRF) is never fetched: the prediction fails', async () => {
    const response = await create({
      version: RYAN,
      input: { audio: 'http://169.254.169.254/latest/meta-data' },
    });
    const { id } = await response.json();
    const failed = await until(async () => {
      const prediction = await (await fetch(`${base}/predictions/${id}`, { headers: auth })).json();
      return prediction.status === 'failed' ? prediction : undefined;
    });
    expect(failed.error).toMatch(/loopback/);
  });

  test('an upload over the size limit is a 413 with the documented detail, nothing kept', async () => {
    const form = new FormData();
    form.append('content', new Blob([new Uint8Array(300_000)]), 'big.wav');
    const response = await fetch(`${base}/files`, { method: 'POST', headers: auth, body: form });
    expect(response.status).toBe(413);
    expect((await response.json()).detail).toBe('Files must be less than 100MB in size');
    const listed = await (await fetch(`${base}/files`, { headers: auth })).json();
    expect(listed.results.every((file: { size: number }) => file.size < 300_000)).toBe(true);
  });

  test('faults reach it by name: a 429 with Retry-After, then the route answers again', async () => {
    emulator.faults.set({
      rateLimit: [{ api: 'replicate', path: '/predictions', count: 1, retryAfterSeconds: 2 }],
    });
    const limited = await fetch(`${base}/predictions`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${base}/predictions`, { headers: auth })).status).toBe(200);
    emulator.faults.set({});
  });

  test('an unknown create field is refused (the schema has additionalProperties: false)', async () => {
    const response = await create({
      version: RYAN,
      input: { audio: 'http://127.0.0.1/a.wav' },
      auth: 'r8_leaked',
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).not.toContain('r8_leaked');
  });
});

import { decodeAudio, mix, type PcmAudio, trim } from '@stemkit/audio';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import requests from './fixtures/seed-000-requests.json' with { type: 'json' };
import examples from './fixtures/seed-000-responses.json' with { type: 'json' };
import { testSongWav } from './support/audio.ts';
import { fetchAudio, framesOf, sumError } from './support/pcm.ts';
import { until } from './support/poll.ts';
import { expectShape } from './support/shape.ts';

// 24-bit WAV stems of a 16-bit input: each stem rounds by half a 24-bit step, far under this.
const sumTolerance = 1e-4;
const documentedTrialOrder = [
  'Formatting Request File',
  'Request Formatting Done',
  'Requesting Metadata',
  'Metadata Task Done',
  'Trial Chunking Start',
  'Trial Chunking Done',
  'Starting Separation',
  'Queue message received',
  'Processing',
  'Finalising',
];

let emulator: RunningEmulator;
let base: string;
let headers: Record<string, string>;
let input: PcmAudio;
let uploadId: string;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 40 }, seed: 7 });
  base = emulator.sourcere.baseUrl;
});
afterAll(() => emulator.close());

const json = (body: unknown) => JSON.stringify(body);
const get = (path: string) => fetch(`${base}${path}`, { headers });
const post = (path: string, body?: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers, body: body === undefined ? undefined : json(body) });

async function progressUntilDone(separationId: string) {
  return until(async () => {
    const body = await (await get(`/separation/progress?separationId=${separationId}`)).json();
    return body.outputFiles ? body : undefined;
  });
}

async function downloadLink(query: string, seen202 = { value: false }) {
  return until(async () => {
    const response = await get(`/separation/download?${query}`);
    if (response.status === 202) seen202.value = true;
    return response.status === 200 ? response.json() : undefined;
  });
}

describe('the seed 000 workflow, with plain fetch', () => {
  test('1. POST /auth/ returns a Bearer token to send verbatim', async () => {
    const response = await fetch(`${base}/auth/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json({
        ...requests.auth,
        username: emulator.sourcere.username,
        password: emulator.sourcere.password,
      }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expectShape(examples.auth, body);
    expect(body.token).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body).toMatchObject({ expiry: 86400, token_type: 'Bearer ' });
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(86400);
    headers = { Authorization: body.token, 'Content-Type': 'application/json' };
  });

  test('2–4. create, PUT to the signed URL, metadata 202 then 200 with the real values', async () => {
    const response = await post('/separation/create');
    const created = await response.json();
    expectShape(examples.create, created);
    expect(created.uploadId).toMatch(/^[0-9a-f]{24}$/);
    expect(created.method).toBe('PUT');
    expect(created.expiry).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(new URL(created.signedUrl).origin).toBe(emulator.storageUrl);
    expect(new URL(created.signedUrl).searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{64}$/);
    uploadId = created.uploadId;

    // Long enough for the documented 50.6 s trial at 10.2 s.
    const wav = await testSongWav(62, 8000, 2);
    input = await decodeAudio(wav);
    const put = await fetch(created.signedUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: wav,
    });
    expect(put.status).toBe(200);

    const first = await get(`/separation/metadata?uploadId=${uploadId}`);
    expect(first.status).toBe(202);
    const metadata = await until(async () => {
      const poll = await get(`/separation/metadata?uploadId=${uploadId}`);
      return poll.status === 200 ? poll.json() : undefined;
    });
    expectShape(examples.metadata, metadata);
    expect(metadata).toEqual({
      duration: 62,
      numChannels: 2,
      sampleRate: 8000,
      message: 'completed',
      success: true,
    });
  });

  let full6: string;
  test('5. start algorithm 6: vocals.wav and track.wav that sum to the input', async () => {
    const response = await post('/separation/start', { ...requests.start, uploadId });
    const started = await response.json();
    expectShape(examples.start, started);
    full6 = started.separationId;

    const during = await (await get(`/separation/progress?separationId=${full6}`)).json();
    expect(during.outputFiles).toBeNull();
    expectShape(examples['progress-during'], during);

    const done = await progressUntilDone(full6);
    expect(done.outputFiles).toEqual(['track.wav', 'vocals.wav']);
    expect(done.events.map((event: { event: string }) => event.event)).toEqual(
      documentedTrialOrder.filter((name) => !name.startsWith('Trial')),
    );
    const stems = await Promise.all(
      ['vocals', 'track'].map(async (name) => {
        const link = await downloadLink(`separationId=${full6}&fileName=${name}&fileFormat=wav`);
        expectShape(examples.download, link);
        return fetchAudio(link.signedUrl);
      }),
    );
    for (const stem of stems) {
      expect(framesOf(stem)).toBe(framesOf(input));
      expect(stem.channels).toHaveLength(2);
    }
    expect(sumError(stems, input)).toBeLessThan(sumTolerance);
    // The seed's callbackUrl is not a loopback host: recorded, never sent.
    const callback = await until(async () =>
      emulator.callbacks.find((each) => each.url === 'example-url.com'),
    );
    expect(callback).toMatchObject({
      outcome: 'refused',
      attempts: 0,
      body: { separationId: full6, customMetadata: 'bless the rains' },
    });
  });

  test('6. trial: the documented event order, and outputs exactly the requested window', async () => {
    const response = await post('/separation/trial', { ...requests.trial, uploadId });
    const trial = await response.json();
    expectShape(examples.trial, trial);
    const { separationId } = trial;
    const done = await progressUntilDone(separationId);
    expectShape(examples['progress-finished'], done);
    expect(done.events.map((event: { event: string }) => event.event)).toEqual(documentedTrialOrder);
    expect(
      done.events.find((event: { event: string }) => event.event === 'Queue message received').message,
    ).toBe('Attempt number 1');
    const stems = await Promise.all(
      ['vocals', 'track'].map(async (name) =>
        fetchAudio(
          (await downloadLink(`separationId=${separationId}&fileName=${name}&fileFormat=.wav`)).signedUrl,
        ),
      ),
    );
    const window = trim(input, { start: 10.2, seconds: 50.6 });
    expect(framesOf(window)).toBe(Math.round(50.6 * 8000));
    for (const stem of stems) expect(framesOf(stem)).toBe(framesOf(window));
    expect(sumError(stems, window)).toBeLessThan(sumTolerance);
  });

  test('6b. a trial without a window: 30 s from a random start inside the track', async () => {
    const { separationId } = await (
      await post('/separation/trial', { uploadId, separationAlgorithm: 6 })
    ).json();
    await progressUntilDone(separationId);
    const stems = await Promise.all(
      ['vocals', 'track'].map(async (name) =>
        fetchAudio(
          (await downloadLink(`separationId=${separationId}&fileName=${name}&fileFormat=wav`)).signedUrl,
        ),
      ),
    );
    expect(framesOf(stems[0]!)).toBe(30 * 8000);
    // Find where the window starts: the stems sum to the input there (starts are whole hundredths).
    const sum = stems[0]!.channels[0]!.map((sample, index) => sample + (stems[1]!.channels[0]![index] ?? 0));
    const source = input.channels[0]!;
    const starts = [];
    for (let hundredths = 0; hundredths <= 3200; hundredths += 1) {
      const offset = Math.round((hundredths / 100) * 8000);
      let matches = true;
      for (let index = 0; index < 400 && matches; index += 1) {
        matches = Math.abs((source[offset + index] ?? 0) - (sum[index] ?? 0)) < sumTolerance;
      }
      if (matches) starts.push(hundredths / 100);
    }
    expect(starts.length).toBeGreaterThan(0);
    expect(starts[0]! + 30).toBeLessThanOrEqual(62);
  });

  // The seed's mix and zip examples name other separations: these steps use a short second upload, so the
  // lossy encodes stay quick.
  let short: { uploadId: string; input: PcmAudio; separation6: string };
  test('7. a second, short upload and separation', async () => {
    const created = await (await post('/separation/create')).json();
    const wav = await testSongWav(3, 8000, 2);
    await fetch(created.signedUrl, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: wav });
    const started = await (
      await post('/separation/start', { uploadId: created.uploadId, separationAlgorithm: 6 })
    ).json();
    await progressUntilDone(started.separationId);
    short = { uploadId: created.uploadId, input: await decodeAudio(wav), separation6: started.separationId };
  });

  test('8. download in mp3, m4a and flac: 202 while converting, then real audio', async () => {
    for (const format of ['mp3', 'm4a', 'flac']) {
      const seen202 = { value: false };
      const link = await downloadLink(
        `separationId=${short.separation6}&fileName=vocals&fileFormat=${format}`,
        seen202,
      );
      expect(seen202.value).toBe(true);
      expect(new URL(link.signedUrl).pathname).toMatch(new RegExp(`/vocals\\.${format}$`));
      const audio = await fetchAudio(link.signedUrl);
      expect(Math.abs(framesOf(audio) - framesOf(short.input))).toBeLessThanOrEqual(
        format === 'flac' ? 0 : 2048,
      );
      expect(audio.channels).toHaveLength(2);
    }
  });

  test('9. mix with volume and pan, downloaded as mp3 after 202s', async () => {
    const response = await post('/separation/mix', { ...requests.mix, separationId: short.separation6 });
    const body = await response.json();
    expectShape(examples.mix, body);
    expect(body.mixId).toMatch(/^mix\/mix_[0-9a-f-]{36}$/);
    const seen202 = { value: false };
    const mp3 = await downloadLink(
      `separationId=${short.separation6}&fileName=${body.mixId}&fileFormat=mp3`,
      seen202,
    );
    expect(seen202.value).toBe(true);
    expect(new URL(mp3.signedUrl).searchParams.get('response-content-disposition')).toContain('my mix.mp3');
    expect(framesOf(await fetchAudio(mp3.signedUrl))).toBeGreaterThanOrEqual(framesOf(short.input));

    const wav = await fetchAudio(
      (await downloadLink(`separationId=${short.separation6}&fileName=${body.mixId}&fileFormat=wav`))
        .signedUrl,
    );
    const [track, vocals] = await Promise.all(
      ['track', 'vocals'].map(async (name) =>
        fetchAudio(
          (await downloadLink(`separationId=${short.separation6}&fileName=${name}&fileFormat=wav`)).signedUrl,
        ),
      ),
    );
    const expected = mix([
      { audio: track as PcmAudio, volume: 0.61, pan: -1 },
      { audio: vocals as PcmAudio, volume: 0.9, pan: 1 },
    ]);
    expect(sumError([wav], expected)).toBeLessThan(sumTolerance);
  });

  test('10. algorithm 7 and a zip of the requested tracks in mp3', async () => {
    const started = await (
      await post('/separation/start', { uploadId: short.uploadId, separationAlgorithm: 7 })
    ).json();
    const done = await progressUntilDone(started.separationId);
    expect(done.outputFiles).toEqual(['bass.wav', 'drums.wav', 'other.wav', 'vocals.wav']);
    const stems = await Promise.all(
      ['bass', 'drums', 'other', 'vocals'].map(async (name) =>
        fetchAudio(
          (await downloadLink(`separationId=${started.separationId}&fileName=${name}&fileFormat=wav`))
            .signedUrl,
        ),
      ),
    );
    expect(sumError(stems, short.input)).toBeLessThan(sumTolerance);

    const response = await post('/separation/zip', { ...requests.zip, separationId: started.separationId });
    const body = await response.json();
    expectShape(examples.zip, body);
    expect(body.zipFilePath).toMatch(/^zip\/[0-9a-f-]{36}\.zip$/);
    const seen202 = { value: false };
    const link = await downloadLink(
      `separationId=${started.separationId}&fileName=${body.zipFilePath}&fileFormat=zip`,
      seen202,
    );
    expect(seen202.value).toBe(true);
    const archive = await fetch(link.signedUrl);
    expect(archive.headers.get('content-disposition')).toContain('myzipfile.zip');
    const entries = unzipSync(new Uint8Array(await archive.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(['bass.mp3', 'drums.mp3', 'other.mp3', 'vocals.mp3']);
    const bass = await decodeAudio(entries['bass.mp3'] as Uint8Array);
    expect(bass.channels).toHaveLength(2);
  });
});

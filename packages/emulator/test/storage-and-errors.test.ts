import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { type SourcereSession, separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { until } from './support/poll.ts';

let emulator: RunningEmulator;
let session: SourcereSession;
let signedPut: string;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 500 } });
  session = await sourcereSession(emulator);
  signedPut = (await (await session.post('/separation/create')).json()).signedUrl;
});
afterAll(() => emulator.close());

const put = (url: string, init: RequestInit = {}) =>
  fetch(url, {
    method: 'PUT',
    body: new Uint8Array([1, 2, 3]),
    ...init,
    headers: { 'content-type': 'text/plain', ...init.headers },
  });

async function storageError(response: Response, code: string) {
  expect(response.status).toBe(403);
  const body = await response.text();
  expect(body).toContain(`<Code>${code}</Code>`);
  // The refusal never echoes the signature.
  expect(body).not.toMatch(/[0-9a-f]{64}/);
}

describe('signed storage URLs', () => {
  test('a tampered signature, path, expiry or method is refused with 403', async () => {
    const url = new URL(signedPut);
    const signature = url.searchParams.get('X-Goog-Signature')!;
    const flipped = new URL(url);
    flipped.searchParams.set(
      'X-Goog-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    await storageError(await put(flipped.href), 'SignatureDoesNotMatch');

    const longer = new URL(url);
    longer.searchParams.set('X-Goog-Expires', '999999');
    await storageError(await put(longer.href), 'SignatureDoesNotMatch');

    const otherPath = new URL(url);
    otherPath.pathname = otherPath.pathname.replace('requestData', 'other');
    await storageError(await put(otherPath.href), 'SignatureDoesNotMatch');

    await storageError(await fetch(signedPut), 'SignatureDoesNotMatch');
    await storageError(await put(`${url.origin}${url.pathname}`), 'MissingSecurityHeader');
  });

  test('API credentials are refused on the storage host: it needs none', async () => {
    await storageError(await put(signedPut, { headers: { authorization: session.token } }), 'AccessDenied');
    await storageError(
      await put(signedPut, { headers: { 'x-api-key': emulator.tasks.apiKey } }),
      'AccessDenied',
    );
    expect((await put(signedPut)).status).toBe(200);
  });

  test('an expired URL is refused; the API hands out a fresh one', async () => {
    emulator.faults.set({ signedUrlLifetimeSeconds: 2 });
    try {
      const uploadId = await uploadSong(session);
      const { separationId } = await (
        await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })
      ).json();
      await separationResult(session, separationId);
      const query = `/separation/download?separationId=${separationId}&fileName=vocals&fileFormat=wav`;
      const { signedUrl, expiry } = await (await session.get(query)).json();
      expect(Date.parse(`${expiry}Z`) - Date.now()).toBeLessThanOrEqual(3000);
      const fresh = await fetch(signedUrl);
      expect(fresh.status).toBe(200);
      expect(Number(fresh.headers.get('content-length'))).toBe((await fresh.arrayBuffer()).byteLength);
      await new Promise((resolve) => setTimeout(resolve, Date.parse(`${expiry}Z`) - Date.now() + 50));
      await storageError(await fetch(signedUrl), 'ExpiredToken');
      emulator.faults.clear();
      const renewed = await (await session.get(query)).json();
      expect((await fetch(renewed.signedUrl)).status).toBe(200);
    } finally {
      emulator.faults.clear();
    }
  });

  test('16 MiB streams in and back out byte for byte; metadata of a non-audio upload says why', async () => {
    const size = 16 * 1024 * 1024;
    const body = new Uint8Array(size);
    for (let index = 0; index < size; index += 1) body[index] = (index * 31) % 251;

    const created = await (await session.post('/separation/create')).json();
    expect((await put(created.signedUrl, { body })).status).toBe(200);
    const metadata = await until(async () => {
      const response = await session.get(`/separation/metadata?uploadId=${created.uploadId}`);
      return response.status === 200 ? response.json() : undefined;
    });
    expect(metadata).toMatchObject({
      success: false,
      message: expect.stringContaining('Not decodable audio'),
    });

    const form = new FormData();
    form.append('file', new Blob([body]), 'big.bin');
    const asset = await (
      await fetch(`${emulator.legacy.baseUrl}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emulator.legacy.token}` },
        body: form,
      })
    ).json();
    const download = await fetch(asset.link);
    expect(Number(download.headers.get('content-length'))).toBe(size);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
  });
});

describe('Sourcere errors', () => {
  const base = () => emulator.sourcere.baseUrl;

  test('bad credentials, wrong tokens, a doubled scheme: 401 in the documented shape', async () => {
    const bad = await fetch(`${base()}/auth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: emulator.sourcere.username, password: 'wrong' }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Bad credentials' });

    const [scheme, jwt] = session.token.split(' ');
    const forged = `${scheme} ${jwt!.slice(0, -2)}xx`;
    for (const authorization of [forged, `Bearer ${session.token}`, jwt!, '']) {
      const response = await fetch(`${base()}/separation/create`, {
        method: 'POST',
        headers: { authorization },
      });
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body).toMatchObject({ status: 401, error: 'Unauthorized' });
      expect(JSON.stringify(body)).not.toContain(jwt!.split('.')[2]);
    }
  });

  test('malformed bodies and out-of-range values: 400 naming the field', async () => {
    const uploadId = await uploadSong(session, await testSongWav(1, 8000, 1));
    const cases: [string, unknown, RegExp][] = [
      ['/separation/start', { uploadId, separationAlgorithm: 5 }, /^separationAlgorithm: /],
      ['/separation/start', { separationAlgorithm: 6 }, /^uploadId: /],
      [
        '/separation/start',
        { uploadId, separationAlgorithm: 6, outputFormats: '["ogg"]' },
        /^outputFormats: /,
      ],
      [
        '/separation/trial',
        { uploadId, separationAlgorithm: 6, trialSectionSeconds: -1 },
        /^trialSectionSeconds: /,
      ],
      [
        '/separation/mix',
        { separationId: 'x', tracks: [{ fileName: 'vocals.wav', volume: 1.5 }] },
        /^tracks\.0\.volume: /,
      ],
      [
        '/separation/mix',
        { separationId: 'x', tracks: [{ fileName: 'vocals.wav', pan: -2 }] },
        /^tracks\.0\.pan: /,
      ],
      ['/separation/zip', { separationId: 'x', tracks: ['vocals'], format: 'ogg' }, /^format: /],
    ];
    for (const [path, body, message] of cases) {
      const response = await session.post(path, body);
      expect(response.status, path).toBe(400);
      const error = await response.json();
      expect(error).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(error.message).toMatch(message);
    }
    const broken = await fetch(`${base()}/separation/start`, {
      method: 'POST',
      headers: session.headers,
      body: '{"uploadId"',
    });
    expect(await broken.json()).toEqual({
      status: 400,
      error: 'Bad Request',
      message: 'The request body is not valid JSON',
    });
    // `outputFormats` as the JSON string one copy of the docs printed is accepted.
    expect(
      (
        await session.post('/separation/start', {
          uploadId,
          separationAlgorithm: 6,
          outputFormats: '["mp3"]',
        })
      ).status,
    ).toBe(200);
  });

  test('unknown ids and file names: 404; downloads before the end: 202', async () => {
    expect((await session.get('/separation/metadata?uploadId=000000000000000000000000')).status).toBe(404);
    expect((await session.get('/separation/progress?separationId=000000000000000000000000')).status).toBe(
      404,
    );
    expect((await session.get('/separation/progress')).status).toBe(400);
    // Slow enough that the separation is still running during the early requests.
    emulator.faults.set({ processingSpeed: 10 });
    const uploadId = await uploadSong(session);
    const { separationId } = await (
      await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })
    ).json();
    expect(
      (await session.get(`/separation/download?separationId=${separationId}&fileName=vocals&fileFormat=wav`))
        .status,
    ).toBe(202);
    expect(
      (await session.get(`/separation/download?separationId=${separationId}&fileName=drums&fileFormat=wav`))
        .status,
    ).toBe(404);
    expect(
      (await session.get(`/separation/download?separationId=${separationId}&fileName=vocals&fileFormat=ogg`))
        .status,
    ).toBe(400);
    const early = await session.post('/separation/mix', {
      separationId,
      tracks: [{ fileName: 'vocals.wav' }],
    });
    expect(early.status).toBe(400);
    expect((await early.json()).message).toBe('The separation has not finished: wait for outputFiles');
    emulator.faults.clear('processingSpeed');
    await separationResult(session, separationId);
    const unknownTrack = await session.post('/separation/mix', {
      separationId,
      tracks: [{ fileName: 'bass.wav' }],
    });
    expect(unknownTrack.status).toBe(404);
    expect((await session.post('/separation/zip', { separationId, tracks: ['drums'] })).status).toBe(404);
  });
});

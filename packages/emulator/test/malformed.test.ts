import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import { sourcereSession } from './support/clients.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: 11 });
});
afterAll(() => emulator.close());

// Bodies that are not what a route expects: broken JSON, wrong JSON types, wrong shapes, huge numbers.
const bodies = [
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '42',
  '{"uploadId": 5}',
  '{"separationId": {}, "tracks": "vocals"}',
  '{"tracks": [null], "separationId": "x"}',
  '{"assetId": [], "metadata": "vocals"}',
  '{"targets": [{}], "assetId": "x"}',
  '{"targets": [{"model": "vocals", "formats": "wav"}], "assetId": "x"}',
  '{"link": "not a url"}',
  '{"url": 1e309}',
  '{"separationAlgorithm": 6, "uploadId": "x", "trialSectionSeconds": "30"}',
];

test('every POST route answers a malformed body with a 4xx in its own error shape, never a 5xx', async () => {
  const session = await sourcereSession(emulator);
  const apis: { base: string; headers: Record<string, string>; paths: string[]; shape: unknown }[] = [
    {
      base: emulator.sourcere.baseUrl,
      headers: { authorization: session.token },
      paths: ['/auth/', '/separation/start', '/separation/trial', '/separation/mix', '/separation/zip'],
      shape: { status: expect.any(Number), error: expect.any(String), message: expect.any(String) },
    },
    {
      base: emulator.legacy.baseUrl,
      headers: { authorization: `Bearer ${emulator.legacy.token}` },
      paths: ['/upload', '/upload/link', '/upload/audio-link', '/job'],
      shape: { error: expect.any(String), message: expect.any(String) },
    },
    {
      base: emulator.tasks.baseUrl,
      headers: { 'x-api-key': emulator.tasks.apiKey },
      paths: ['/assets', '/tasks', '/webhooks'],
      shape: { error: expect.any(String), message: expect.any(String) },
    },
  ];
  let checked = 0;
  for (const api of apis) {
    for (const path of api.paths) {
      for (const body of bodies) {
        const response = await fetch(`${api.base}${path}`, {
          method: 'POST',
          headers: { ...api.headers, 'content-type': 'application/json' },
          body,
        });
        expect(response.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${path} ${body}`).toBeLessThan(500);
        expect(await response.json(), `${path} ${body}`).toEqual(api.shape);
        checked += 1;
      }
    }
  }
  expect(checked).toBe(12 * bodies.length);
});

test('a multipart upload cut off mid-body is a failed upload, and the emulator keeps serving', async () => {
  const { hostname, port, pathname } = new URL(`${emulator.legacy.baseUrl}/upload`);
  const { connect } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${emulator.legacy.token}\r\n` +
          'Content-Type: multipart/form-data; boundary=cut\r\nContent-Length: 100000\r\n\r\n' +
          '--cut\r\nContent-Disposition: form-data; name="file"; filename="song.wav"\r\n\r\nRIFF',
      );
      // Gone before the promised 100,000 bytes: the server sees the request stream abort.
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  const response = await fetch(`${emulator.legacy.baseUrl}/job/missing-job-id`, {
    headers: { authorization: `Bearer ${emulator.legacy.token}` },
  });
  expect(response.status).toBe(404);
});

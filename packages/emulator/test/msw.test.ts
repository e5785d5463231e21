import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmulatorHandlers, type EmulatorHandlers, emulatorBaseUrls } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { fetchAudio, framesOf } from './support/pcm.ts';
import { until } from './support/poll.ts';

let handlers: EmulatorHandlers;
let server: ReturnType<typeof setupServer>;
beforeAll(() => {
  handlers = createEmulatorHandlers({ processing: { speed: 1000 } });
  server = setupServer(...handlers);
  server.listen({ onUnhandledFrame: 'error' });
});
afterAll(async () => {
  server.close();
  await handlers.close();
});

describe('the same routes through msw, without sockets', () => {
  test('fake origins are exported and used', () => {
    expect(handlers.sourcere.baseUrl).toBe(emulatorBaseUrls.sourcere);
    expect(handlers.storageUrl).toBe(emulatorBaseUrls.storage);
  });

  test('Sourcere: auth, signed upload, separation and a signed download', async () => {
    const session = await sourcereSession(handlers);
    const uploadId = await uploadSong(session, await testSongWav(1, 8000, 2));
    const { separationId } = await (
      await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })
    ).json();
    const result = await separationResult(session, separationId);
    expect(result.outputFiles).toEqual(['track.wav', 'vocals.wav']);
    const link = await (
      await session.get(`/separation/download?separationId=${separationId}&fileName=vocals&fileFormat=wav`)
    ).json();
    expect(new URL(link.signedUrl).origin).toBe(emulatorBaseUrls.storage);
    expect(framesOf(await fetchAudio(link.signedUrl))).toBe(8000);
    const tampered = link.signedUrl.replace(/X-Goog-Expires=\d+/, 'X-Goog-Expires=1');
    expect((await fetch(tampered)).status).toBe(403);
  });

  test('Tasks and legacy: multipart uploads and jobs', async () => {
    const form = new FormData();
    form.append('file', new Blob([await testSongWav(1, 8000, 1)]), 'song.wav');
    const asset = await (
      await fetch(`${handlers.tasks.baseUrl}/assets`, {
        method: 'POST',
        headers: { 'x-api-key': handlers.tasks.apiKey },
        body: form,
      })
    ).json();
    const created = await (
      await fetch(`${handlers.tasks.baseUrl}/tasks`, {
        method: 'POST',
        headers: { 'x-api-key': handlers.tasks.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ assetId: asset.id, targets: [{ model: 'bass', formats: ['wav'] }] }),
      })
    ).json();
    const task = await until(async () => {
      const body = await (
        await fetch(`${handlers.tasks.baseUrl}/tasks/${created.id}`, {
          headers: { 'x-api-key': handlers.tasks.apiKey },
        })
      ).json();
      return body.completedAt ? body : undefined;
    });
    expect(task.targets[0].status).toBe('completed');
    expect(framesOf(await fetchAudio(task.targets[0].output[0].link))).toBe(8000);

    const legacy = await fetch(`${handlers.legacy.baseUrl}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${handlers.legacy.token}` },
      body: form,
    });
    expect(await legacy.json()).toMatchObject({ name: 'song.wav', format: 'wav' });
  });

  test('a reset fault is a network error', async () => {
    handlers.faults.set({ reset: [{ api: 'tasks', count: 1 }] });
    await expect(
      fetch(`${handlers.tasks.baseUrl}/tasks`, { headers: { 'x-api-key': handlers.tasks.apiKey } }),
    ).rejects.toThrow();
    expect(
      (await fetch(`${handlers.tasks.baseUrl}/tasks`, { headers: { 'x-api-key': handlers.tasks.apiKey } }))
        .status,
    ).toBe(200);
  });

  test('base URLs with a path prefix', async () => {
    const prefixed = createEmulatorHandlers({ baseUrls: { tasks: 'https://api.example.test/v2' } });
    server.use(...prefixed);
    try {
      const response = await fetch('https://api.example.test/v2/tasks?take=1', {
        headers: { 'x-api-key': prefixed.tasks.apiKey },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    } finally {
      server.resetHandlers();
      await prefixed.close();
    }
  });

  test('links and callbacks on .test hosts go through msw, not the network', async () => {
    const posted: unknown[] = [];
    server.use(
      http.get(
        'https://files.example.test/song.wav',
        async () => new HttpResponse(await testSongWav(1, 8000, 1)),
      ),
      http.post('https://hooks.example.test/legacy', async ({ request }) => {
        posted.push(await request.json());
        return new HttpResponse(null, { status: 204 });
      }),
    );
    try {
      const auth = { authorization: `Bearer ${handlers.legacy.token}`, 'content-type': 'application/json' };
      const linked = await fetch(`${handlers.legacy.baseUrl}/upload/link`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ link: 'https://files.example.test/song.wav' }),
      });
      expect(linked.status).toBe(200);
      const asset = await linked.json();
      await fetch(`${handlers.legacy.baseUrl}/job`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          assetId: asset.id,
          metadata: { name: 'vocals', format: 'wav' },
          callbackUrl: 'https://hooks.example.test/legacy',
        }),
      });
      const delivered = await until(async () =>
        posted.some((body) => (body as { job: { status: string } }).job.status === 'completed')
          ? posted
          : undefined,
      );
      expect(delivered.length).toBeGreaterThanOrEqual(2);
    } finally {
      server.resetHandlers();
    }
  });
});

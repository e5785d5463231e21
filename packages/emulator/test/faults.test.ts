import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FaultController, type RunningEmulator, startEmulator } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { until } from './support/poll.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';

let emulator: RunningEmulator;
let receiver: Receiver;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 }, seed: 3 });
  receiver = await startReceiver();
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const legacyHeaders = () => ({
  authorization: `Bearer ${emulator.legacy.token}`,
  'content-type': 'application/json',
});
const tasksHeaders = () => ({ 'x-api-key': emulator.tasks.apiKey, 'content-type': 'application/json' });

async function legacyAsset(): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([await testSongWav(1, 8000, 1)]), 'song.wav');
  const response = await fetch(`${emulator.legacy.baseUrl}/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.legacy.token}` },
    body: form,
  });
  return (await response.json()).id;
}

async function legacyJob(assetId: string, name = 'vocals'): Promise<string> {
  const response = await fetch(`${emulator.legacy.baseUrl}/job`, {
    method: 'POST',
    headers: legacyHeaders(),
    body: JSON.stringify({ assetId, metadata: { name, format: 'wav' } }),
  });
  return (await response.json()).job.id;
}

describe('request faults, per route, set at run time', () => {
  test('rateLimit: 429 with Retry-After for the next N matching requests, then normal answers', async () => {
    const session = await sourcereSession(emulator);
    emulator.faults.set({
      rateLimit: [
        { api: 'sourcere', method: 'POST', path: '/separation/create', count: 2, retryAfterSeconds: 3 },
      ],
    });
    const first = await session.post('/separation/create');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.json()).toMatchObject({ status: 429, error: 'Too Many Requests' });
    expect((await session.post('/separation/create')).status).toBe(429);
    expect((await session.post('/separation/create')).status).toBe(200);
    // Another route is untouched.
    expect((await session.get('/separation/progress?separationId=000000000000000000000000')).status).toBe(
      404,
    );
  });

  test('serverError: 500 or 503 in the API error shape', async () => {
    emulator.faults.set({
      serverError: [
        { api: 'legacy', method: 'POST', path: '/usage', count: 1, status: 500 },
        { api: 'tasks', path: '/tasks', count: 1 },
      ],
    });
    const legacy = await fetch(`${emulator.legacy.baseUrl}/usage`, {
      method: 'POST',
      headers: legacyHeaders(),
    });
    expect(legacy.status).toBe(500);
    expect(await legacy.json()).toEqual({ error: 'Internal Server Error', message: expect.any(String) });
    const tasks = await fetch(`${emulator.tasks.baseUrl}/tasks`, { headers: tasksHeaders() });
    expect(tasks.status).toBe(503);
    expect((await fetch(`${emulator.tasks.baseUrl}/tasks`, { headers: tasksHeaders() })).status).toBe(200);
  });

  test('reset: the connection drops without an answer', async () => {
    emulator.faults.set({ reset: [{ api: 'tasks', path: '/tasks/**', count: 1 }] });
    await expect(
      fetch(`${emulator.tasks.baseUrl}/tasks/statistics`, { headers: tasksHeaders() }),
    ).rejects.toThrow(TypeError);
    expect(
      (await fetch(`${emulator.tasks.baseUrl}/tasks/statistics`, { headers: tasksHeaders() })).status,
    ).toBe(200);
  });

  test('latency: the answer comes late', async () => {
    emulator.faults.set({ latency: [{ api: 'storage', milliseconds: 250, count: 1 }] });
    const session = await sourcereSession(emulator);
    const started = performance.now();
    await uploadSong(session);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });

  test('probabilities are seeded: the same seed hits the same requests', () => {
    const pattern = () => {
      const controller = new FaultController({ seed: 42, serverError: [{ probability: 0.5 }] });
      return Array.from({ length: 32 }, () => controller.decide('tasks', 'GET', '/tasks').length);
    };
    const first = pattern();
    expect(pattern()).toEqual(first);
    expect(first).toContain(0);
    expect(first).toContain(1);
  });
});

describe('state faults', () => {
  test('notFoundAfterCreate: GET /job/:id is 404 for the first calls after creation', async () => {
    const jobId = await legacyJob(await legacyAsset());
    emulator.faults.set({ notFoundAfterCreate: { calls: 2 } });
    const statuses = [];
    for (let call = 0; call < 3; call += 1) {
      statuses.push(
        (await fetch(`${emulator.legacy.baseUrl}/job/${jobId}`, { headers: legacyHeaders() })).status,
      );
    }
    expect(statuses).toEqual([404, 404, 200]);

    emulator.faults.set({ notFoundAfterCreate: { milliseconds: 1000 } });
    const young = await legacyJob(await legacyAsset());
    expect(
      (await fetch(`${emulator.legacy.baseUrl}/job/${young}`, { headers: legacyHeaders() })).status,
    ).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(
      (await fetch(`${emulator.legacy.baseUrl}/job/${young}`, { headers: legacyHeaders() })).status,
    ).toBe(200);
  });

  test('tokenLifetimeSeconds: the token expires early although /auth/ advertises 86400', async () => {
    emulator.faults.set({ tokenLifetimeSeconds: 2 });
    const session = await sourcereSession(emulator);
    expect((await session.post('/separation/create')).status).toBe(200);
    const claims = JSON.parse(Buffer.from(session.token.split('.')[1]!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, claims.exp * 1000 - Date.now() + 50));
    const expired = await session.post('/separation/create');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      status: 401,
      error: 'Unauthorized',
      message: 'Token expired: authenticate again',
    });
    emulator.faults.clear();
    expect((await (await sourcereSession(emulator)).post('/separation/create')).status).toBe(200);
  });

  test('processing speed: simulated durations scale with the factor, also changed at run time', async () => {
    // Only lower bounds are asserted: a busy machine can make work later, never earlier.
    const timeMetadata = async () => {
      const session = await sourcereSession(emulator);
      const uploadId = await uploadSong(session);
      const started = performance.now();
      await until(async () =>
        (await session.get(`/separation/metadata?uploadId=${uploadId}`)).status === 200 ? true : undefined,
      );
      return performance.now() - started;
    };
    await timeMetadata();
    emulator.faults.set({ processingSpeed: 10 });
    // 1.5 s of simulated metadata work: at least 150 ms at speed 10.
    expect(await timeMetadata()).toBeGreaterThanOrEqual(140);
    emulator.faults.set({ processingSpeed: 0.5 });
    const session = await sourcereSession(emulator);
    const uploadId = await uploadSong(session);
    // 3 s at speed 0.5: still computing right after the upload.
    expect((await session.get(`/separation/metadata?uploadId=${uploadId}`)).status).toBe(202);
    emulator.faults.set({ processingSpeed: 200 });
  });
});

describe('failJobs', () => {
  test('Sourcere: a Failed event with the message, outputFiles stays null, and the callback says so', async () => {
    emulator.faults.set({ failJobs: { api: 'sourcere', count: 1, message: 'GPU on fire' } });
    const session = await sourcereSession(emulator);
    const uploadId = await uploadSong(session);
    const { separationId } = await (
      await session.post('/separation/start', {
        uploadId,
        separationAlgorithm: 6,
        callbackUrl: receiver.url,
        customMetadata: 'ref-1',
      })
    ).json();
    const result = await separationResult(session, separationId);
    expect(result.outputFiles).toBeNull();
    expect(result.events.at(-1)).toMatchObject({ event: 'Failed', message: 'GPU on fire' });
    const download = await session.get(
      `/separation/download?separationId=${separationId}&fileName=vocals&fileFormat=wav`,
    );
    expect(download.status).toBe(404);
    await until(async () => (receiver.bodies.length > 0 ? true : undefined));
    expect(receiver.bodies.at(-1)).toEqual({
      separationId,
      customMetadata: 'ref-1',
      outputFiles: null,
      event: expect.objectContaining({ event: 'Failed', message: 'GPU on fire' }),
    });
    // The next one succeeds: the rule was for one job.
    const next = await (await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })).json();
    expect((await separationResult(session, next.separationId)).outputFiles).toEqual([
      'track.wav',
      'vocals.wav',
    ]);
  });

  test('legacy: status failed with statusInfo {code, message}', async () => {
    emulator.faults.set({ failJobs: { api: 'legacy', model: 'bass', count: 1 } });
    const assetId = await legacyAsset();
    const failing = await legacyJob(assetId, 'bass');
    const job = await until(async () => {
      const { job } = await (
        await fetch(`${emulator.legacy.baseUrl}/job/${failing}`, { headers: legacyHeaders() })
      ).json();
      return job.status === 'failed' ? job : undefined;
    });
    expect(job.statusInfo).toEqual({ code: 500, message: 'Processing failed (injected fault)' });
    expect(job.outputAssets).toEqual([]);
  });

  test('Tasks: the matching target errors, the others complete (partial success)', async () => {
    emulator.faults.set({ failJobs: { api: 'tasks', model: 'drums', probability: 1 } });
    const form = new FormData();
    form.append('file', new Blob([await testSongWav(1, 8000, 1)]), 'song.wav');
    const asset = await (
      await fetch(`${emulator.tasks.baseUrl}/assets`, {
        method: 'POST',
        headers: { 'x-api-key': emulator.tasks.apiKey },
        body: form,
      })
    ).json();
    const created = await (
      await fetch(`${emulator.tasks.baseUrl}/tasks`, {
        method: 'POST',
        headers: tasksHeaders(),
        body: JSON.stringify({
          assetId: asset.id,
          targets: [
            { model: 'drums', formats: ['wav'] },
            { model: 'bass', formats: ['wav'] },
          ],
        }),
      })
    ).json();
    const task = await until(async () => {
      const body = await (
        await fetch(`${emulator.tasks.baseUrl}/tasks/${created.id}`, { headers: tasksHeaders() })
      ).json();
      return body.completedAt ? body : undefined;
    });
    expect(task.targets[0]).toMatchObject({
      status: 'error',
      error: { code: 500, message: 'Processing failed (injected fault)' },
      output: [],
    });
    expect(task.targets[1]).toMatchObject({ status: 'completed', error: null });
  });
});

describe('callbacks', () => {
  test('a callback answered with 500 is retried until it gets a 2xx', async () => {
    const flaky = await startReceiver({ failFirst: 2 });
    try {
      const session = await sourcereSession(emulator);
      const uploadId = await uploadSong(session);
      const { separationId } = await (
        await session.post('/separation/start', { uploadId, separationAlgorithm: 6, callbackUrl: flaky.url })
      ).json();
      const delivery = await until(async () =>
        emulator.callbacks.find((each) => each.url === flaky.url && each.outcome === 'delivered'),
      );
      expect(delivery).toMatchObject({ attempts: 3, responseStatus: 204 });
      expect(flaky.refused).toBe(2);
      expect(flaky.bodies).toEqual([
        {
          separationId,
          customMetadata: null,
          outputFiles: ['track.wav', 'vocals.wav'],
          event: expect.objectContaining({ event: 'Finalising' }),
        },
      ]);
    } finally {
      await flaky.close();
    }
  });
});

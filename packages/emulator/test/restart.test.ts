import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEmulator } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { fetchAudio, framesOf } from './support/pcm.ts';
import { until } from './support/poll.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stemkit-emulator-restart-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test('with the same data dir, state and files survive a restart, and interrupted work resumes', async () => {
  const credentials = { username: 'restart-user', password: 'restart-password' };
  // Slow enough that a separation can be caught in its Processing step.
  const first = await startEmulator({ dataDir, credentials, processing: { speed: 20 } });
  let session = await sourcereSession(first);
  const uploadId = await uploadSong(session, await testSongWav(1, 8000, 2));
  const done = await (
    await session.post('/separation/start', { uploadId, separationAlgorithm: 6, customMetadata: 'kept' })
  ).json();
  await separationResult(session, done.separationId);

  const form = new FormData();
  form.append('file', new Blob([await testSongWav(1, 8000, 1)]), 'song.wav');
  const legacyHeaders = { authorization: `Bearer ${first.legacy.token}` };
  const asset = await (
    await fetch(`${first.legacy.baseUrl}/upload`, { method: 'POST', headers: legacyHeaders, body: form })
  ).json();
  const tasksHeaders = { 'x-api-key': first.tasks.apiKey, 'content-type': 'application/json' };
  const taskAsset = await (
    await fetch(`${first.tasks.baseUrl}/assets`, {
      method: 'POST',
      headers: { 'x-api-key': first.tasks.apiKey },
      body: form,
    })
  ).json();

  const interrupted = await (
    await session.post('/separation/start', { uploadId, separationAlgorithm: 7 })
  ).json();
  await until(async () => {
    const body = await (
      await session.get(`/separation/progress?separationId=${interrupted.separationId}`)
    ).json();
    return body.events.at(-1)?.event === 'Processing' ? true : undefined;
  });
  await first.close();

  const second = await startEmulator({ dataDir, credentials, processing: { speed: 500 } });
  try {
    session = await sourcereSession(second);
    const progress = await (
      await session.get(`/separation/progress?separationId=${done.separationId}`)
    ).json();
    expect(progress.outputFiles).toEqual(['track.wav', 'vocals.wav']);
    const link = await (
      await session.get(
        `/separation/download?separationId=${done.separationId}&fileName=vocals&fileFormat=wav`,
      )
    ).json();
    expect(new URL(link.signedUrl).origin).toBe(second.storageUrl);
    expect(framesOf(await fetchAudio(link.signedUrl))).toBe(8000);

    const resumed = await separationResult(session, interrupted.separationId);
    expect(resumed.outputFiles).toEqual(['bass.wav', 'drums.wav', 'other.wav', 'vocals.wav']);
    const attempts = resumed.events.filter(
      (event: { event: string }) => event.event === 'Queue message received',
    );
    expect(attempts.map((event: { message: string }) => event.message)).toEqual([
      'Attempt number 1',
      'Attempt number 2',
    ]);

    const job = await (
      await fetch(`${second.legacy.baseUrl}/job`, {
        method: 'POST',
        headers: { ...legacyHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ assetId: asset.id, metadata: { name: 'vocals', format: 'wav' } }),
      })
    ).json();
    const completed = await until(async () => {
      const body = await (
        await fetch(`${second.legacy.baseUrl}/job/${job.job.id}`, { headers: legacyHeaders })
      ).json();
      return body.job.status === 'completed' ? body.job : undefined;
    });
    expect(completed.sourceAsset.id).toBe(asset.id);
    const assets = await (await fetch(`${second.tasks.baseUrl}/assets`, { headers: tasksHeaders })).json();
    expect(assets.map((each: { id: string }) => each.id)).toEqual([taskAsset.id]);
  } finally {
    await second.close();
  }
});

test('without a data dir, the temporary folder is removed on close', async () => {
  const emulator = await startEmulator();
  expect(existsSync(emulator.dataDir)).toBe(true);
  await emulator.close();
  expect(existsSync(emulator.dataDir)).toBe(false);
});

import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import { testSongWav } from './support/audio.ts';
import { sourcereSession, uploadSong } from './support/clients.ts';
import { until } from './support/poll.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';

const jobs = 200;
let emulator: RunningEmulator;
let receiver: Receiver;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 1000 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

test(`${jobs} concurrent separations all complete, each with its own outputs and one callback`, async () => {
  const session = await sourcereSession(emulator);
  const wav = await testSongWav(0.5, 8000, 1);
  const started = performance.now();
  const separations = await Promise.all(
    Array.from({ length: jobs }, async (_, index) => {
      const uploadId = await uploadSong(session, wav);
      const response = await session.post('/separation/start', {
        uploadId,
        separationAlgorithm: index % 2 === 0 ? 6 : 7,
        customMetadata: `job-${index}`,
        callbackUrl: receiver.url,
      });
      expect(response.status).toBe(200);
      return { index, separationId: (await response.json()).separationId as string };
    }),
  );
  const submitted = performance.now();
  await until(async () => (receiver.bodies.length >= jobs ? true : undefined), 90_000, 50);
  const finished = performance.now();

  const callbacks = receiver.bodies as {
    separationId: string;
    customMetadata: string;
    outputFiles: string[];
  }[];
  expect(new Set(callbacks.map((body) => body.separationId)).size).toBe(jobs);
  for (const { index, separationId } of separations) {
    const callback = callbacks.find((body) => body.separationId === separationId);
    expect(callback?.customMetadata).toBe(`job-${index}`);
    expect(callback?.outputFiles).toHaveLength(index % 2 === 0 ? 2 : 4);
  }
  const progress = await Promise.all(
    separations.map(async ({ separationId }) =>
      (await session.get(`/separation/progress?separationId=${separationId}`)).json(),
    ),
  );
  expect(progress.every((body) => body.outputFiles !== null)).toBe(true);
  console.info(
    `${jobs} separations: submitted in ${(submitted - started).toFixed(0)} ms, all finished after ${(finished - started).toFixed(0)} ms`,
  );
}, 120_000);

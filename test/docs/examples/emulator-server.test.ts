// The emulator over loopback HTTP in your own tests: real uploads, real stems, expiring links.
import { createStemkit } from '@stemkit/core';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 500 } }); // simulated work 500× faster
});
afterAll(() => emulator.close());

it('separates a song into vocals and instrumental', async () => {
  const stemkit = createStemkit({ driver: sourcere(emulator.sourcere) }); // baseUrl, username, password
  const job = await stemkit.wait(
    await stemkit.separate({ source: sampleWav({ seconds: 1 }), stems: ['vocals', 'instrumental'] }),
  );
  expect(job.status).toBe('succeeded');
  const { body } = await stemkit.download(job.targets[0]!.outputs[0]!);
  expect((await new Response(body).arrayBuffer()).byteLength).toBeGreaterThan(44); // more than a WAV header
});

it('surfaces a provider outage as a typed error', async () => {
  emulator.faults.set({ serverError: [{ api: 'sourcere', path: '/separation/create', count: 10 }] });
  const stemkit = createStemkit({ driver: sourcere({ ...emulator.sourcere, retryLimit: 0 }) });
  await expect(stemkit.separate({ source: sampleWav(), stems: ['vocals'] })).rejects.toMatchObject({
    code: 'provider',
  });
  emulator.faults.clear();
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCallbackReceiver, createStemkit, NotFoundError, toNodeListener } from '@stemkit/core/node';
import type { RunningEmulator } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverFor, startFastEmulator } from '../helpers/emulator.ts';

// The neutral client over real HTTP to the emulated Replicate API.

let emulator: RunningEmulator;
beforeAll(async () => {
  // Outputs removed two seconds after completion, to see a download after removal.
  emulator = await startFastEmulator({ replicateDataRetentionMs: 2_000 });
});
afterAll(() => emulator?.close());

describe('stemkit on the emulated Replicate API', () => {
  it('separates a local file into six stems with htdemucs_6s and downloads real audio', async () => {
    const stemkit = createStemkit({
      driver: driverFor(emulator, { model: 'cjwbw/demucs', demucsModel: 'htdemucs_6s' }),
    });
    const job = await stemkit.wait(
      await stemkit.separate({
        source: sampleWav({ seconds: 0.5 }),
        name: 'song.wav',
        stems: ['vocals', 'guitar', 'piano'],
        formats: ['wav'],
      }),
      { initialDelayMs: 20, maxDelayMs: 50 },
    );
    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target) => target.outputs[0]?.name)).toEqual([
      'vocals.wav',
      'guitar.wav',
      'piano.wav',
    ]);
    const { body } = await stemkit.download(job.targets[0]!.outputs[0]!);
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
  });

  it('with signed webhooks on, a wait costs at most 2 status requests, and a download after data removal is NotFoundError', async () => {
    let statusReads = 0;
    const counting: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if ((init?.method ?? 'GET') === 'GET' && /\/predictions\/[a-z0-9]+$/.test(url.pathname))
        statusReads += 1;
      return fetch(input, init);
    };
    const stemkit = createStemkit({ driver: driverFor(emulator, { fetch: counting }) });
    const server = createServer(toNodeListener(createCallbackReceiver(stemkit)));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const port = (server.address() as AddressInfo).port;
      const started = await stemkit.separate({
        source: sampleWav({ seconds: 0.5 }),
        name: 'song.wav',
        stems: ['vocals', 'drums'],
        formats: ['mp3'],
        callbackUrl: `http://127.0.0.1:${port}/hooks`,
      });
      // Polls a minute apart: only the signed completion webhook can bring the confirmation forward.
      const job = await stemkit.wait(started, { initialDelayMs: 60_000, maxDelayMs: 60_000 });
      expect(job.status).toBe('succeeded');
      expect(statusReads).toBeLessThanOrEqual(2);
      const output = job.targets[0]!.outputs[0]!;
      expect(Date.parse(output.expiresAt!)).toBeGreaterThan(Date.now());
      // Wait until the emulator has removed the data, then ask for the output again.
      await expect
        .poll(async () => (await stemkit.get(started)).targets[0]?.outputs.length, {
          timeout: 10_000,
          interval: 200,
        })
        .toBe(0);
      const error = await stemkit
        .download({ ...output, url: undefined, expiresAt: undefined })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(String(error)).toMatch(/removed the outputs/);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});

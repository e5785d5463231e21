import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import Replicate, { validateWebhook } from 'replicate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The vendor's own client, unchanged (only baseUrl pointed at the emulator), through its main flows.

const RYAN = 'ryan5453/demucs:5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77';
const CJWBW_VERSION = '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953';

let emulator: RunningEmulator;
let client: Replicate;
const song = encodeWav(synthesizeMixture({ seed: 3, seconds: 1, sampleRate: 22_050 }).mixture);

/** A loopback receiver keeping each delivery's headers and raw body. */
async function receiver() {
  const deliveries: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const waiters: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise<void>((wake) => waiters.push(wake));
  };
  return { url, deliveries, until, close: () => new Promise((closed) => server.close(closed)) };
}

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  client = new Replicate({ auth: emulator.replicate.apiToken, baseUrl: emulator.replicate.baseUrl });
});
afterAll(() => emulator?.close());

describe('the official replicate client (1.4.0) against the emulated API', () => {
  it('run: a local file (uploaded through files.create) and a URL, on a Demucs model, real stems back', async () => {
    const output = (await client.run(RYAN, {
      input: { audio: Buffer.from(song), output_format: 'wav' },
    })) as Record<string, unknown>;
    expect(Object.keys(output).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
    // run() wraps only https: and data: outputs in a FileOutput; the emulator's loopback links stay strings.
    const vocals = new Uint8Array(await (await fetch(String(output.vocals))).arrayBuffer());
    expect(new TextDecoder().decode(vocals.subarray(0, 4))).toBe('RIFF');
    expect(vocals.byteLength).toBeGreaterThan(1000);
    // The stem just made, as a URL source (a loopback link the emulator may fetch).
    const fromUrl = (await client.run(RYAN, {
      input: { audio: String(output.other), stem: 'vocals', output_format: 'mp3' },
    })) as Record<string, string>;
    expect(Object.keys(fromUrl).sort()).toEqual(['no_vocals', 'vocals']);
  });

  it('files.create, predictions.create / get / wait / list, cancel', async () => {
    const file = await client.files.create(new Blob([song.slice()], { type: 'audio/wav' }));
    expect(file.urls.get).toContain('/files/');
    const created = await client.predictions.create({
      version: CJWBW_VERSION,
      input: { audio: file.urls.get, model_name: 'htdemucs_6s', output_format: 'flac' },
    });
    expect(['starting', 'processing']).toContain(created.status);
    const done = await client.wait(created, { interval: 20 });
    expect(done.status).toBe('succeeded');
    const output = done.output as Record<string, string | null>;
    expect(Object.keys(output).sort()).toEqual(['bass', 'drums', 'guitar', 'other', 'piano', 'vocals']);
    expect((await client.predictions.get(created.id)).status).toBe('succeeded');

    const running = await client.predictions.create({
      version: CJWBW_VERSION,
      input: { audio: file.urls.get },
    });
    const canceled = await client.predictions.cancel(running.id);
    expect(canceled.status).toBe('canceled');

    const ids: string[] = [];
    for await (const page of client.paginate(client.predictions.list))
      ids.push(...page.map((each) => each.id));
    expect(ids).toEqual(expect.arrayContaining([created.id, running.id]));
  });

  it('validateWebhook accepts the emulator deliveries signed with the secret the API hands out, refuses a tampered one', async () => {
    const hooks = await receiver();
    try {
      const secret = (await client.webhooks.default.secret.get()).key;
      expect(secret).toMatch(/^whsec_/);
      const prediction = await client.predictions.create({
        version: CJWBW_VERSION,
        input: { audio: (await client.files.create(new Blob([song.slice()]))).urls.get },
        webhook: hooks.url,
        webhook_events_filter: ['start', 'completed'],
      });
      await hooks.until(() => hooks.deliveries.some((each) => JSON.parse(each.body).status === 'succeeded'));
      for (const delivery of hooks.deliveries) {
        const data = {
          id: String(delivery.headers['webhook-id']),
          timestamp: String(delivery.headers['webhook-timestamp']),
          signature: String(delivery.headers['webhook-signature']),
          body: delivery.body,
          secret,
        };
        expect(JSON.parse(delivery.body).id).toBe(prediction.id);
        expect(await validateWebhook(data)).toBe(true);
        expect(await validateWebhook({ ...data, body: delivery.body.replace('"api"', '"web"') })).toBe(false);
      }
    } finally {
      await hooks.close();
    }
  });
});

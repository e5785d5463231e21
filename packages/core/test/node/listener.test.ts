import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallbackReceiver, createStemkit, toNodeListener } from '../../src/node/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(listener: Parameters<typeof createServer>[1]): Promise<string> {
  const listening = createServer(listener);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/hooks`;
}

async function finishedJob() {
  const driver = createMockDriver({ statuses: ['queued', 'succeeded'] });
  const stemkit = createStemkit({ driver });
  const job = await stemkit.separate({ source: sampleWav({ seconds: 0.05 }), stems: ['vocals'] });
  const told: string[] = [];
  const receive = createCallbackReceiver(stemkit, { onJob: (each) => void told.push(each.status) });
  return { driver, job, told, receive };
}

describe('toNodeListener', () => {
  it('serves a callback receiver on node:http', async () => {
    const { driver, job, told, receive } = await finishedJob();
    const url = await listen(toNodeListener(receive));
    const body = JSON.stringify(driver.server.callbackFor(job.id).body);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(204);
    expect(told).toEqual(['succeeded']);
    const refused = await fetch(url, { method: 'POST', body: '{"hello":1}' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: 'not a callback from mock' });
  });

  it('takes a raw body Express already read (express.raw()), bytes as they came', async () => {
    const { driver, job, told, receive } = await finishedJob();
    const listener = toNodeListener(receive);
    // What express.raw() does before the route: read the stream, leave the Buffer on `body`.
    const url = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        (request as IncomingMessage & { body?: unknown }).body = Buffer.concat(chunks);
        listener(request, response);
      });
    });
    const body = JSON.stringify(driver.server.callbackFor(job.id).body);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(204);
    expect(told).toEqual(['succeeded']);
  });

  it('refuses a body express.json() already parsed, never re-serialising it, and says to use express.raw()', async () => {
    const { driver, job, told, receive } = await finishedJob();
    const listener = toNodeListener(receive);
    const url = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        (request as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        listener(request, response);
      });
    });
    const body = JSON.stringify(driver.server.callbackFor(job.id).body);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(415);
    expect((await response.json()).message).toContain('express.raw(');
    expect(told).toEqual([]);
  });

  it('answers 500, with no error text, when the handler throws', async () => {
    const url = await listen(
      toNodeListener(async () => {
        throw new Error('secret-canary');
      }),
    );
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret-canary');
  });
});

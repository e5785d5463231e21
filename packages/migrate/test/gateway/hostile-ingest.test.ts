import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../src/index.ts';
import { startFastEmulator } from '../support/emulator.ts';
import { sampleSong } from '../support/http.ts';
import { type Backend, backendDriver, GATEWAY_TOKEN } from './harness.ts';

// Issue #26: ingest limits hold on every path of the gateway where the bytes pass through it, and a link fetch
// has a total deadline, not only an idle one.

const LIMIT = 1024 * 1024;
const LINK_TIMEOUT_MS = 1_500;
const auth = { authorization: `Bearer ${GATEWAY_TOKEN}` };

let emulator: RunningEmulator;
/** Sourcere backend: the gateway fetches links itself and streams them to the backend. */
const gateways = new Map<Backend, RunningGateway>();
const servers: Server[] = [];
const open = new Set<ServerResponse>();
/** Bytes each loopback link server wrote, by path. */
const written = new Map<string, number>();
let links: string;

/** Serves the hostile links: `/drip` (10 bytes every 0.5 s), `/endless` (zeros, as fast as read), `/declared`. */
async function startLinkServer(): Promise<string> {
  const server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    const path = request.url ?? '';
    const count = (bytes: number) => written.set(path, (written.get(path) ?? 0) + bytes);
    if (path === '/drip.wav') {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      const timer = setInterval(() => {
        response.write('0123456789');
        count(10);
      }, 500);
      response.on('close', () => clearInterval(timer));
    } else if (path === '/endless.wav') {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        for (let more = true; more && !response.destroyed; ) {
          more = response.write(chunk);
          count(chunk.byteLength);
        }
      };
      response.on('drain', pump);
      pump();
    } else {
      // Declares 5 GB and sends a little of it.
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(5 * 1024 ** 3) });
      response.write(Buffer.alloc(1024));
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  emulator = await startFastEmulator({ processing: { speed: 500 } });
  links = await startLinkServer();
  for (const backend of ['sourcere', 'tasks'] as const) {
    gateways.set(
      backend,
      await startGateway({
        driver: backendDriver(emulator, backend),
        token: GATEWAY_TOKEN,
        allowPrivateNetwork: true,
        maxUploadBytes: LIMIT,
        linkTimeoutMs: LINK_TIMEOUT_MS,
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
  for (const response of open) response.destroy();
  for (const server of servers) server.close();
  await emulator?.close();
});

async function uploadLink(gateway: RunningGateway, link: string) {
  const started = Date.now();
  const response = await fetch(`${gateway.url}/upload/link`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ link }),
  });
  const body = (await response.json()) as { message: string };
  return { status: response.status, message: body.message, milliseconds: Date.now() - started };
}

async function uploadFile(gateway: RunningGateway, bytes: Uint8Array) {
  const form = new FormData();
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), 'song.wav');
  const response = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: auth, body: form });
  return { status: response.status, body: (await response.json()) as { message?: string; id?: string } };
}

describe('issue #26: ingest limits on the gateway', () => {
  it('a link streaming without end is cut off at maxUploadBytes with 413, not passed on to the backend', async () => {
    const answer = await uploadLink(gateways.get('sourcere') as RunningGateway, `${links}/endless.wav`);
    expect(answer.status).toBe(413);
    expect(answer.message).toBe(`link: larger than ${LIMIT} bytes, the gateway's upload limit`);
    // The gateway stopped reading: what the link server got out is the limit plus what sockets buffer.
    const sent = written.get('/endless.wav') ?? 0;
    expect(sent).toBeGreaterThan(LIMIT);
    expect(sent).toBeLessThan(LIMIT + 16 * 1024 * 1024);
  }, 30_000);

  it('a link declaring 5 GB is refused with 413 before its body is read', async () => {
    const answer = await uploadLink(gateways.get('sourcere') as RunningGateway, `${links}/declared.wav`);
    expect(answer.status).toBe(413);
    expect(answer.message).toContain('link: larger than');
  }, 30_000);

  it('a link dripping 10 bytes every 0.5 s is given up at the total deadline, with the one link answer', async () => {
    const answer = await uploadLink(gateways.get('sourcere') as RunningGateway, `${links}/drip.wav`);
    expect(answer.status).toBe(400);
    expect(answer.message).toBe('link: the link could not be fetched');
    expect(answer.milliseconds).toBeGreaterThanOrEqual(LINK_TIMEOUT_MS - 100);
    // Bounded by the deadline, not by the 30 s idle timeout the drip never lets fire.
    expect(answer.milliseconds).toBeLessThan(LINK_TIMEOUT_MS + 10_000);
  }, 30_000);

  it('a multipart upload past maxUploadBytes is answered 413 on every backend, a smaller one passes', async () => {
    const large = new Uint8Array(LIMIT + 64 * 1024);
    large.set(sampleSong(1).subarray(0, 44));
    for (const backend of ['sourcere', 'tasks'] as const) {
      const gateway = gateways.get(backend) as RunningGateway;
      const refused = await uploadFile(gateway, large);
      expect(refused, backend).toEqual({
        status: 413,
        body: {
          error: 'Payload Too Large',
          message: `file: larger than ${LIMIT} bytes, the gateway's upload limit`,
        },
      });
      const accepted = await uploadFile(gateway, sampleSong(1));
      expect(accepted.status, backend).toBe(200);
    }
  }, 60_000);

  it('a multipart upload declaring 5 GB is answered 413 before its body is read', async () => {
    const gateway = gateways.get('tasks') as RunningGateway;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/upload`, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(5 * 1024 ** 3),
        },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  }, 30_000);

  it('refuses a maxUploadBytes or linkTimeoutMs that is not a positive whole number', async () => {
    const driver = backendDriver(emulator, 'tasks');
    await expect(startGateway({ driver, token: GATEWAY_TOKEN, maxUploadBytes: -1 })).rejects.toThrow(
      'maxUploadBytes must be a positive whole number',
    );
    await expect(startGateway({ driver, token: GATEWAY_TOKEN, linkTimeoutMs: 0.5 })).rejects.toThrow(
      'linkTimeoutMs must be a positive whole number',
    );
  });
});

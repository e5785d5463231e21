import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { audioshakeTasks } from '@stemkit/audioshake';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverCallback } from '../../src/gateway/callbacks.ts';
import { type RunningGateway, type StartGatewayOptions, startGateway } from '../../src/gateway/index.ts';
import { createOutbound } from '../../src/gateway/outbound.ts';
import { startFastEmulator } from '../support/emulator.ts';
import { sampleSong } from '../support/http.ts';
import { backendDriver, GATEWAY_TOKEN, UNREACHABLE } from './harness.ts';

// Regression tests of issue #19 (hostile input) on the gateway, one per item, named after it.

const auth = { authorization: `Bearer ${GATEWAY_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

let emulator: RunningEmulator;
/** Default policy, Tasks backend (which takes URLs itself). */
let strict: RunningGateway;
/** Default policy but `localhost` allowed, Sourcere backend (the gateway fetches links itself). */
let fetching: RunningGateway;
/** Private networks allowed, Tasks backend: the loopback receivers are reachable. */
let open: RunningGateway;
const servers: Server[] = [];
/** Every request an internal service got: none may come from the gateway. */
const secretRequests: string[] = [];
let secret: string;
let redirecting: string;
const redirected: string[] = [];
let receiver: string;
const received: unknown[] = [];

async function serve(handler: (request: IncomingMessage, body: string) => [number, Record<string, string>]) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const [status, headers] = handler(request, body);
      response.writeHead(status, headers).end('internal answer');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function start(options: Partial<StartGatewayOptions> & Pick<StartGatewayOptions, 'driver'>) {
  return startGateway({ token: GATEWAY_TOKEN, wait: { initialDelayMs: 50, maxDelayMs: 200 }, ...options });
}

beforeAll(async () => {
  emulator = await startFastEmulator({ processing: { speed: 500 } });
  secret = `http://127.0.0.1:${await serve((request) => {
    secretRequests.push(`${request.method} ${request.url}`);
    return [200, {}];
  })}`;
  const redirectPort = await serve((request) => {
    redirected.push(request.url ?? '');
    return [307, { location: `${secret}/secret` }];
  });
  redirecting = `http://localhost:${redirectPort}`;
  receiver = `http://127.0.0.1:${await serve((_request, body) => {
    received.push(JSON.parse(body));
    return [204, {}];
  })}`;
  strict = await start({ driver: backendDriver(emulator, 'tasks') });
  fetching = await start({ driver: backendDriver(emulator, 'sourcere'), allowHosts: ['localhost'] });
  open = await start({ driver: backendDriver(emulator, 'tasks'), allowPrivateNetwork: true });
});

afterAll(async () => {
  await Promise.all([strict?.close(), fetching?.close(), open?.close()]);
  for (const server of servers) server.close();
  await emulator?.close();
});

async function post(gateway: RunningGateway, path: string, body: unknown) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: json,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function upload(gateway: RunningGateway, name = 'song.wav', bytes: Uint8Array = sampleSong(1)) {
  const form = new FormData();
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), name);
  const response = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: auth, body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function finished(gateway: RunningGateway, id: string) {
  for (;;) {
    const { job } = (await (await fetch(`${gateway.url}/job/${id}`, { headers: auth })).json()) as {
      job: Record<string, unknown>;
    };
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('issue #19: hostile input to the gateway', () => {
  it('#19.2 a variant or model name cannot reach a file name through the gateway', async () => {
    const asset = await upload(strict);
    for (const metadata of [
      { name: 'multi_voice', format: 'wav', variant: 'two_speaker/../../x/../../planted/voice' },
      { name: '../../legacy/x/vocals', format: 'wav' },
    ]) {
      const created = await post(strict, '/job', { assetId: asset.body.id, metadata });
      expect(created.status).toBe(400);
      expect(created.body.message).toMatch(/metadata\.(variant|name)/);
    }
    const oldest = await post(strict, '/job', {
      assetId: asset.body.id,
      stemMetadata: { stemName: 'vocals/../../x', format: 'wav' },
    });
    expect(oldest.status).toBe(400);
  });

  it('#19.3 links and callbacks cannot reach loopback, private, link-local or metadata addresses', async () => {
    const port = new URL(secret).port;
    const refusedLinks = [
      `${secret}/secret`,
      `http://localhost:${port}/secret`,
      `http://[::1]:${port}/secret`,
      `http://[::ffff:127.0.0.1]:${port}/secret`,
      `http://2130706433:${port}/secret`,
      `http://0.0.0.0:${port}/secret`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://10.0.0.1/song.wav',
      'http://192.168.1.1/song.wav',
      'http://100.64.0.1/song.wav',
    ];
    const answers = new Set<string>();
    for (const link of refusedLinks) {
      const answer = await post(strict, '/upload/link', { link });
      expect(answer.status, link).toBe(400);
      answers.add(JSON.stringify(answer.body));
    }
    // Fetched by the gateway itself: an allowed host that redirects to an internal one, an allowed host where
    // nothing listens, and one answering 404 all get the same answer as a refused address.
    for (const link of [`${redirecting}/song.wav`, 'http://localhost:9/song.wav', `${redirecting}/missing`]) {
      const answer = await post(fetching, '/upload/link', { link });
      expect(answer.status, link).toBe(400);
      answers.add(JSON.stringify(answer.body));
    }
    expect([...answers]).toEqual([
      JSON.stringify({ error: 'Bad Request', message: 'link: the link could not be fetched' }),
    ]);
    expect(redirected.length).toBeGreaterThan(0);

    const outbound = createOutbound({ allowHosts: ['localhost'] });
    const signal = new AbortController().signal;
    expect(await deliverCallback(`${secret}/internal-admin?action=delete`, {}, outbound, signal)).toBe(false);
    expect(await deliverCallback(`${redirecting}/hook`, {}, outbound, signal)).toBe(false);
    expect(secretRequests).toEqual([]);
  });

  it('#19.4 an upload the backend refuses early is answered at once', async () => {
    const large = new Uint8Array(700 * 1024);
    large.set(sampleSong(1).subarray(0, 44));
    const refusing = await start({
      driver: audioshakeTasks({ apiKey: 'not-the-key', baseUrl: emulator.tasks.baseUrl, retryLimit: 0 }),
    });
    const unreachable = await start({
      driver: audioshakeTasks({ apiKey: emulator.tasks.apiKey, baseUrl: UNREACHABLE, retryLimit: 0 }),
    });
    try {
      for (const gateway of [refusing, unreachable]) {
        const answer = await upload(gateway, 'song.wav', large);
        expect(answer.status).toBe(502);
        // The connection is still usable: the rest of the upload was read and thrown away.
        expect((await fetch(`${gateway.url}/job/`, { headers: auth })).status).toBe(200);
      }
    } finally {
      await Promise.all([refusing.close(), unreachable.close()]);
    }
  });

  it('#19.7 a model name cannot add a parameter to Content-Disposition', async () => {
    const asset = await upload(strict);
    const created = await post(strict, '/job', {
      assetId: asset.body.id,
      metadata: { name: "vocals\"; filename*=UTF-8''evil.exe", format: 'wav' },
    });
    expect(created.status).toBe(400);
  });

  it('#19.8 UTF-8 upload file names are kept as sent', async () => {
    const name = '日本語 Café.wav';
    expect((await upload(strict, name)).body.name).toBe(name);
  });

  it('#19.11 JSON bodies are capped: a large one is answered 413', async () => {
    const large = JSON.stringify({ link: 'x'.repeat(2 * 1024 * 1024) });
    for (const path of ['/job', '/upload/link']) {
      expect((await post(strict, path, large)).status, path).toBe(413);
      const streamed = await fetch(`${strict.url}${path}`, {
        method: 'POST',
        headers: json,
        body: new Blob([large]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status, path).toBe(413);
    }
  });

  it('#19.13 a link that cannot be fetched is reported as the link, not as the backend', async () => {
    const answer = await post(fetching, '/upload/link', { link: 'http://localhost:9/song.wav' });
    expect(answer).toEqual({
      status: 400,
      body: { error: 'Bad Request', message: 'link: the link could not be fetched' },
    });
  });

  it('#19.14 job bodies and callbacks carry no backend storage link', async () => {
    const asset = await upload(open);
    const created = await post(open, '/job', {
      assetId: asset.body.id,
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: `${receiver}/hook`,
    });
    const job = await finished(open, (created.body.job as { id: string }).id);
    expect(job.status).toBe('completed');
    const callbacks = await (async () => {
      for (;;) {
        const found = received.filter(
          (each) => (each as { job: { id: string; status: string } }).job.status === 'completed',
        );
        if (found.length > 0) return received;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    for (const text of [JSON.stringify(asset.body), JSON.stringify(job), JSON.stringify(callbacks)]) {
      expect(text).not.toContain(emulator.storageUrl);
      expect(text).not.toMatch(/X-Goog-Signature/i);
    }
  });

  it('#19.16 a javascript: callbackUrl is refused', async () => {
    const asset = await upload(strict);
    const created = await post(strict, '/job', {
      assetId: asset.body.id,
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: 'javascript:alert(1)//http://example.com/',
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/callbackUrl/);
  });

  it('#19.18 multi_voice outputs are named as the legacy API names them', async () => {
    const asset = await upload(strict);
    const created = await post(strict, '/job', {
      assetId: asset.body.id,
      metadata: { name: 'multi_voice', format: 'wav' },
    });
    const job = await finished(strict, (created.body.job as { id: string }).id);
    expect((job.outputAssets as { name: string }[]).map((output) => output.name)).toEqual([
      'voice_two_speaker_01.wav',
      'voice_two_speaker_02.wav',
    ]);
  });
});

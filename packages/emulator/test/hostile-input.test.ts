import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';
import { logFailure } from '../src/log.ts';
import { testSongWav } from './support/audio.ts';
import { separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { until } from './support/poll.ts';

// Regression tests of issue #19 (hostile input), one per item, named after it.

let emulator: RunningEmulator;
let legacyAuth: Record<string, string>;
let tasksAuth: Record<string, string>;
let song: Uint8Array<ArrayBuffer>;
const servers: (Server | TcpServer)[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 }, tasksRateLimit: 100_000 });
  legacyAuth = { authorization: `Bearer ${emulator.legacy.token}` };
  tasksAuth = { 'x-api-key': emulator.tasks.apiKey };
  song = await testSongWav(1, 8000, 1);
});
afterAll(async () => {
  await emulator.close();
  for (const server of servers) server.close();
});

async function listening<Kind extends Server | TcpServer>(server: Kind): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function postJson(url: string, body: unknown, headers: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function legacyUpload(name: string): Promise<{ id: string; name: string }> {
  const form = new FormData();
  form.append('file', new Blob([song], { type: 'audio/wav' }), name);
  const response = await fetch(`${emulator.legacy.baseUrl}/upload`, {
    method: 'POST',
    headers: legacyAuth,
    body: form,
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function legacyJob(body: unknown) {
  const response = await postJson(`${emulator.legacy.baseUrl}/job`, body, legacyAuth);
  return { status: response.status, body: await response.json() };
}

async function finishedLegacyJob(id: string) {
  return until(async () => {
    const { job } = await (
      await fetch(`${emulator.legacy.baseUrl}/job/${id}`, { headers: legacyAuth })
    ).json();
    return job.status === 'completed' || job.status === 'failed' ? job : undefined;
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('issue #19: hostile input to the emulator', () => {
  test('#19.2 variant cannot escape its job folder', async () => {
    const asset = await legacyUpload('song.wav');
    const victim = (await legacyJob({ assetId: asset.id, metadata: { name: 'vocals', format: 'wav' } })).body
      .job;
    const done = await finishedLegacyJob(victim.id);
    const before = sha256(new Uint8Array(await (await fetch(done.outputAssets[0].link)).arrayBuffer()));

    const climbing = `x/../../../../legacy/${victim.id}/vocals`;
    const tasks = await postJson(
      `${emulator.tasks.baseUrl}/tasks`,
      {
        url: `${emulator.storageUrl}/x.wav`,
        targets: [{ model: 'vocals', formats: ['wav'], variant: climbing }],
      },
      tasksAuth,
    );
    expect(tasks.status).toBe(400);
    expect((await tasks.json()).message).toMatch(/variant/);
    const legacy = await legacyJob({
      assetId: asset.id,
      metadata: {
        name: 'multi_voice',
        format: 'wav',
        variant: `two_speaker/../../${victim.id}/../../planted/voice`,
      },
    });
    expect(legacy.status).toBe(400);
    expect(legacy.body.message).toMatch(/variant/);

    const after = sha256(new Uint8Array(await (await fetch(done.outputAssets[0].link)).arrayBuffer()));
    expect(after).toBe(before);
  });

  test('#19.6 a redirect from a loopback link or callback to another host is refused', async () => {
    const outside = 'http://192.0.2.1:9/song.wav';
    const origin = await listening(
      createServer((request, response) => {
        request.resume();
        response.writeHead(302, { location: outside }).end();
      }),
    );
    const link = await postJson(
      `${emulator.legacy.baseUrl}/upload/link`,
      { link: `${origin}/song.wav` },
      legacyAuth,
    );
    expect(link.status).toBe(400);
    expect((await link.json()).message).toMatch(/redirect/i);

    const asset = await legacyUpload('song.wav');
    const job = (
      await legacyJob({
        assetId: asset.id,
        metadata: { name: 'vocals', format: 'wav' },
        callbackUrl: `${origin}/hook`,
      })
    ).body.job;
    await finishedLegacyJob(job.id);
    const deliveries = await until(async () => {
      const found = emulator.callbacks.filter((delivery) => delivery.url === `${origin}/hook`);
      // Each delivery is recorded as it starts: wait for both to be refused (never, were the redirect followed).
      return found.length >= 2 && found.every((delivery) => delivery.outcome === 'refused')
        ? found
        : undefined;
    });
    for (const delivery of deliveries) {
      expect({ ...delivery, body: undefined }).toMatchObject({ outcome: 'refused', attempts: 1 });
    }
  });

  describe('a finished separation', () => {
    let session: Awaited<ReturnType<typeof sourcereSession>>;
    let separationId: string;
    beforeAll(async () => {
      session = await sourcereSession(emulator);
      const uploadId = await uploadSong(session, song);
      const started = await (
        await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })
      ).json();
      separationId = started.separationId;
      await separationResult(session, separationId);
    });

    async function download(fileName: string, fileFormat: string) {
      const query = new URLSearchParams({ separationId, fileName, fileFormat });
      return until(async () => {
        const response = await session.get(`/separation/download?${query}`);
        if (response.status === 202) return undefined;
        expect(response.status).toBe(200);
        return fetch((await response.json()).signedUrl);
      });
    }

    test('#19.7 mix and zip names reach Content-Disposition encoded, and control characters are refused', async () => {
      const tracks = [{ fileName: 'vocals' }];
      for (const mixName of ['日本語 Café 🎵', "a\"; filename*=UTF-8''evil.exe"]) {
        const mix = await (await session.post('/separation/mix', { separationId, tracks, mixName })).json();
        const file = await download(mix.mixId, 'wav');
        expect(file.status).toBe(200);
        const disposition = file.headers.get('content-disposition') ?? '';
        expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\w%.~-]+$/);
        expect(disposition.match(/filename\*=/g)).toHaveLength(1);
        const encoded = disposition.split("filename*=UTF-8''")[1] ?? '';
        expect(decodeURIComponent(encoded)).toBe(`${mixName}.wav`);
        await file.body?.cancel();
      }
      const zip = await (
        await session.post('/separation/zip', { separationId, tracks: ['vocals'], zipFileName: '😀 stems' })
      ).json();
      const archive = await download(zip.zipFilePath, 'zip');
      expect(archive.status).toBe(200);
      expect(archive.headers.get('content-disposition')).toContain(
        "filename*=UTF-8''%F0%9F%98%80%20stems.zip",
      );
      await archive.body?.cancel();
      for (const name of ['line\r\nbreak', 'nul\u0000', 'tab\u007f']) {
        expect((await session.post('/separation/mix', { separationId, tracks, mixName: name })).status).toBe(
          400,
        );
        const zipped = await session.post('/separation/zip', {
          separationId,
          tracks: ['vocals'],
          zipFileName: name,
        });
        expect(zipped.status).toBe(400);
      }
    });

    test('#19.9 ids that are Object.prototype keys are unknown ids', async () => {
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const progress = await session.get(`/separation/progress?separationId=${id}`);
        expect(progress.status, id).toBe(404);
        const metadata = await session.get(`/separation/metadata?uploadId=${id}`);
        expect(metadata.status, id).toBe(404);
        const query = new URLSearchParams({ separationId, fileName: id, fileFormat: 'wav' });
        expect((await session.get(`/separation/download?${query}`)).status, id).toBe(404);
        expect(
          (await fetch(`${emulator.legacy.baseUrl}/job/${id}`, { headers: legacyAuth })).status,
          id,
        ).toBe(404);
        expect(
          (await fetch(`${emulator.tasks.baseUrl}/tasks/${id}`, { headers: tasksAuth })).status,
          id,
        ).toBe(404);
      }
      const job = await legacyJob({ assetId: '__proto__', metadata: { name: 'vocals', format: 'wav' } });
      expect(job.status).toBe(404);
      const task = await postJson(
        `${emulator.tasks.baseUrl}/tasks`,
        { assetId: 'constructor', targets: [{ model: 'vocals', formats: ['wav'] }] },
        tasksAuth,
      );
      expect(task.status).toBe(404);
    });
  });

  test('#19.8 UTF-8 upload file names are kept as sent', async () => {
    const name = '日本語 Café.wav';
    expect((await legacyUpload(name)).name).toBe(name);
    const form = new FormData();
    form.append('file', new Blob([song], { type: 'audio/wav' }), name);
    const asset = await (
      await fetch(`${emulator.tasks.baseUrl}/assets`, { method: 'POST', headers: tasksAuth, body: form })
    ).json();
    expect(asset.name).toBe(name);
  });

  test('#19.11 JSON bodies are capped: a large one is answered 413, the auth route included', async () => {
    const large = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    const routes: [string, Record<string, string>][] = [
      [`${emulator.sourcere.baseUrl}/auth/`, {}],
      [`${emulator.legacy.baseUrl}/job`, legacyAuth],
      [`${emulator.legacy.baseUrl}/upload/link`, legacyAuth],
      [`${emulator.tasks.baseUrl}/tasks`, tasksAuth],
    ];
    for (const [url, headers] of routes) {
      expect((await postJson(url, large, headers)).status, url).toBe(413);
      // Without a declared length, the cap holds as the body streams in.
      const chunked = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(large));
          controller.close();
        },
      });
      const streamed = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status, url).toBe(413);
    }
  });

  test('#19.12 a CR/LF in a logged text cannot forge a log line', () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      logFailure('legacy POST /job/x\r\n[stemkit-emulator] forged', new Error('name\nforged\u2028line'));
      expect(lines).toHaveBeenCalledTimes(1);
      const line = String(lines.mock.calls[0]?.[0]);
      expect(line).not.toMatch(/[\r\n\u2028]/);
      expect(line).toContain('\\r\\n');
    } finally {
      lines.mockRestore();
    }
  });

  test('#19.16 a javascript: URL is refused as a webhook or a callback URL', async () => {
    const script = 'javascript:alert(1)//http://127.0.0.1/';
    const webhook = await postJson(`${emulator.tasks.baseUrl}/webhooks`, { url: script }, tasksAuth);
    expect(webhook.status).toBe(400);
    const asset = await legacyUpload('song.wav');
    const job = await legacyJob({
      assetId: asset.id,
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: script,
    });
    expect(job.status).toBe(400);
    expect(job.body.message).toMatch(/callbackUrl/);
    const session = await sourcereSession(emulator);
    const uploadId = await uploadSong(session, song);
    const start = await session.post('/separation/start', {
      uploadId,
      separationAlgorithm: 6,
      callbackUrl: script,
    });
    expect(start.status).toBe(400);
  });

  test('#19.17 a signed token with a non-JSON payload or another subject is a 401', async () => {
    const statePath = join(emulator.dataDir, 'state.json');
    const secret = await until(async () => {
      const text = await readFile(statePath, 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as { secret: string }).secret;
    });
    const header = Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url');
    const token = (payload: string) => {
      const encoded = Buffer.from(payload).toString('base64url');
      const signature = createHmac('sha512', secret).update(`${header}.${encoded}`).digest('base64url');
      return `Bearer ${header}.${encoded}.${signature}`;
    };
    const later = Math.floor(Date.now() / 1000) + 3600;
    for (const payload of [
      'not json',
      'null',
      '[]',
      JSON.stringify({ sub: 'someone-else', exp: later }),
      JSON.stringify({ sub: emulator.sourcere.username, exp: 'never' }),
    ]) {
      const response = await fetch(`${emulator.sourcere.baseUrl}/separation/progress?separationId=x`, {
        headers: { authorization: token(payload) },
      });
      expect(response.status, payload).toBe(401);
    }
    const valid = await fetch(`${emulator.sourcere.baseUrl}/separation/progress?separationId=x`, {
      headers: { authorization: token(JSON.stringify({ sub: emulator.sourcere.username, exp: later })) },
    });
    expect(valid.status).toBe(404);
  });
});

describe('issue #19: the emulator as a process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  // The bin from its TypeScript source, as the built one runs from dist.
  async function startBin(args: string[]): Promise<RunningEmulator> {
    const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
    child = spawn(process.execPath, ['--conditions=@stemkit/source', bin, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    return JSON.parse(line) as RunningEmulator;
  }

  test('#19.1 a link on an HTTP/1.0 server that closes the connection never ends the process', async () => {
    // What `python3 -m http.server` does: HTTP/1.0, the whole body, then the connection closed.
    // Sizes that arrive in two reads: before the fix, the parser paused on the last one and crashed on the close.
    const sizes = [70_000, 96_044];
    let served = 0;
    const origin = await listening(
      createTcpServer((socket) => {
        socket.once('data', () => {
          const body = Buffer.alloc(sizes[served++ % sizes.length] ?? 0, 1);
          socket.write(
            `HTTP/1.0 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: ${body.length}\r\n\r\n`,
          );
          socket.end(body);
        });
      }),
    );
    // A separate process: an uncaught exception ends it, which the test sees.
    const running = await startBin([]);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const response = await postJson(
        `${running.legacy.baseUrl}/upload/link`,
        { link: `${origin}/song.wav` },
        { authorization: `Bearer ${running.legacy.token}` },
      );
      expect(response.status).toBe(200);
      expect((await response.json()).name).toBe('song.wav');
    }
    expect(child?.exitCode).toBe(null);
  });

  test('#19.1 a request target no URL parser takes is answered, not the end of the process', async () => {
    const running = await startBin([]);
    const { hostname, port } = new URL(running.legacy.baseUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      socket.on('close', () => resolve(text));
      socket.write('GET http://[/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 500/);
    expect(
      (
        await fetch(`${running.legacy.baseUrl}/job/`, {
          headers: { authorization: `Bearer ${running.legacy.token}` },
        })
      ).status,
    ).toBe(200);
  });

  test('#19.18 --cors lets a browser page through: the preflight passes instead of a 401', async () => {
    const printed = await startBin(['--cors']);
    const preflight = await fetch(`${printed.legacy.baseUrl}/job`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});

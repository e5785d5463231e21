import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { audioshakeLegacy } from '@stemkit/audioshake';
import { sampleWav } from '@stemkit/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaries, LeakWatch, secretCanaries } from './support/canaries.ts';
import { bins, type ServerProcess, startServer, type TrapSettings } from './support/hostile-servers.ts';

// Issue #19: the emulator and the gateway, each its own process with a loopback trap preloaded, driven over
// loopback with the hostile cases of the issue and property-based fuzzing. Afterwards: every server alive, no
// file outside the keys of each job, no canary secret in any answer or log, and no connection that left
// loopback but the two the suite sends out on purpose, to show that the trap catches them.

const SEED = Number(process.env.STEMKIT_FUZZ_SEED ?? 20_261_205);
const RUNS = Number(process.env.STEMKIT_HOSTILE_RUNS ?? 30);

const gatewayToken = 'CANARY-gateway-token-4e7a1b9c3d';
const linkSecret = 'CANARY-gateway-link-secret-0123456789abcdef';
const allSecrets = [...secretCanaries, gatewayToken, linkSecret];

/** What the trap's resolver answers; every other name does not resolve. */
const trapHosts = {
  'internal.hostile.test': ['10.0.0.7'],
  'metadata.hostile.test': ['169.254.169.254'],
  'loopback.hostile.test': ['127.0.0.1'],
  'mixed.hostile.test': ['8.8.8.8', '10.0.0.7'],
  'unique-local.hostile.test': ['fd00::7'],
  'redirector.hostile.test': ['127.0.0.1'],
  'control.hostile.test': ['192.0.2.11'],
};
/** The two connections the suite makes the Sourcere gateway attempt, allowed by its flags, caught by the trap. */
const controlLinks = ['http://192.0.2.10:8080/song.wav', 'http://control.hostile.test/song.wav'];

const counts = { requests: 0, properties: 0, runs: 0 };
const started = Date.now();
/** Answers of the emulator (its signed links are its own business): checked for canaries only. */
const emulatorTexts: string[] = [];
/**
 * Answers of the gateways and callback bodies they sent: no canary, no backend signed link or token. (The
 * gateway's own download links are signed tokens too, handed out on purpose.)
 */
const gatewayTexts: string[] = [];
/** Logs and the gateway's state file: nothing secret at all, signed links and tokens included. */
const logWatch = new LeakWatch();

let root: string;
let dataDir: string;
let trap: TrapSettings;
let emulator: ServerProcess;
let tasksGateway: ServerProcess;
let sourcereGateway: ServerProcess;
let refusingGateway: ServerProcess;
const helpers: (Server | TcpServer)[] = [];
const secretRequests: string[] = [];
const redirectorRequests: { url: string; body: string }[] = [];
let secretOrigin: string;
let redirectorPort: number;
let http10Origin: string;
const song = sampleWav({ seconds: 0.3, sampleRate: 8_000 });

const api = {
  get sourcere() {
    return emulator.printed.sourcere as { baseUrl: string; username: string; password: string };
  },
  get legacy() {
    return emulator.printed.legacy as { baseUrl: string; token: string };
  },
  get tasks() {
    return emulator.printed.tasks as { baseUrl: string; apiKey: string };
  },
};
const gatewayUrl = (gateway: ServerProcess) => gateway.printed.url as string;
const legacyHeaders = () => ({ authorization: `Bearer ${api.legacy.token}` });
const tasksHeaders = () => ({ 'x-api-key': api.tasks.apiKey });
const gatewayHeaders = { authorization: `Bearer ${gatewayToken}` };

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json(): Record<string, unknown>;
}

/** One request to a server the suite started, counted, its answer kept for the leak checks. */
async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  counts.requests++;
  const response = await fetch(url, init);
  const text = await response.text();
  const fromGateway = [tasksGateway, sourcereGateway, refusingGateway].some(
    (gateway) => gateway && url.startsWith(gatewayUrl(gateway)),
  );
  if (fromGateway) gatewayTexts.push(`${[...response.headers].join('\n')}\n${text}`);
  else emulatorTexts.push(text);
  return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  send(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A multipart body with one file part whose name goes on the wire byte for byte, as a hostile client sends. */
function rawMultipart(fileName: string, bytes: Uint8Array): { body: Buffer; contentType: string } {
  const boundary = 'hostile-boundary-7f3a';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: audio/wav\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function uploadTo(url: string, headers: Record<string, string>, fileName: string, bytes: Uint8Array = song) {
  const multipart = rawMultipart(fileName, bytes);
  return send(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': multipart.contentType },
    body: new Uint8Array(multipart.body),
  });
}

async function until<Value>(check: () => Promise<Value | undefined> | Value | undefined): Promise<Value> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function listen(server: Server | TcpServer): Promise<number> {
  helpers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => resolve(body));
  });
}

async function startGateway(name: string, args: string[], environment: Record<string, string>) {
  return startServer(name, bins.migrate, ['gateway', '--port', '0', ...args], trap, {
    STEMKIT_GATEWAY_TOKEN: gatewayToken,
    STEMKIT_GATEWAY_LINK_SECRET: linkSecret,
    ...environment,
  });
}

const tasksGatewayArgs = () => [
  '--backend',
  'audioshake',
  '--state',
  join(root, 'tasks-gateway.json'),
  '--allow-host',
  'redirector.hostile.test',
];
const tasksGatewayEnvironment = () => ({
  AUDIOSHAKE_API_KEY: canaries.tasksApiKey,
  AUDIOSHAKE_BASE_URL: api.tasks.baseUrl,
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stemkit-hostile-'));
  dataDir = join(root, 'emulator');
  trap = { log: join(root, 'trap.jsonl'), hosts: trapHosts };
  secretOrigin = `http://127.0.0.1:${await listen(
    createServer((request, response) => {
      secretRequests.push(`${request.method} ${request.url}`);
      request.resume();
      response.end('internal secret');
    }),
  )}`;
  redirectorPort = await listen(
    createServer(async (request, response) => {
      const body = await readBody(request);
      redirectorRequests.push({ url: request.url ?? '', body });
      const path = (request.url ?? '').split('?')[0];
      const targets: Record<string, string> = {
        '/to-secret': `${secretOrigin}/secret`,
        '/to-internal': 'http://internal.hostile.test/song.wav',
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/hook': `${secretOrigin}/internal-admin?action=delete`,
        '/hook-out': 'http://internal.hostile.test/hook',
      };
      const location = targets[path ?? ''];
      if (location) response.writeHead(307, { location }).end();
      else if (path === '/song.wav') response.writeHead(200, { 'content-type': 'audio/wav' }).end(song);
      else response.writeHead(404).end();
    }),
  );
  // What `python3 -m http.server` does: HTTP/1.0, a body in two reads, then the connection closed.
  http10Origin = `http://127.0.0.1:${await listen(
    createTcpServer((socket) => {
      socket.once('data', () => {
        const body = Buffer.concat([song, Buffer.alloc(96_044 - song.byteLength)]);
        socket.write(`HTTP/1.0 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.end(body);
      });
    }),
  )}`;

  emulator = await startServer(
    'emulator',
    bins.emulator,
    [
      '--data-dir',
      dataDir,
      '--speed',
      '500',
      '--tasks-rate-limit',
      '1000000',
      '--cors',
      '--username',
      canaries.username,
      '--password',
      canaries.password,
      '--legacy-token',
      canaries.legacyToken,
      '--tasks-api-key',
      canaries.tasksApiKey,
    ],
    trap,
  );
  [tasksGateway, sourcereGateway, refusingGateway] = await Promise.all([
    startGateway('tasks gateway', tasksGatewayArgs(), tasksGatewayEnvironment()),
    startGateway(
      'sourcere gateway',
      [
        '--backend',
        'sourcere',
        '--host',
        '::1',
        '--allow-host',
        'redirector.hostile.test',
        '--allow-host',
        '192.0.2.0/24',
        '--allow-host',
        'control.hostile.test',
      ],
      {
        SOURCERE_USERNAME: canaries.username,
        SOURCERE_PASSWORD: canaries.password,
        SOURCERE_BASE_URL: api.sourcere.baseUrl,
      },
    ),
    startGateway('refusing gateway', ['--backend', 'audioshake'], {
      AUDIOSHAKE_API_KEY: `${canaries.tasksApiKey}-wrong`,
      AUDIOSHAKE_BASE_URL: api.tasks.baseUrl,
    }),
  ]);
});

afterAll(async () => {
  for (const server of [emulator, tasksGateway, sourcereGateway, refusingGateway]) await server?.stop();
  for (const server of helpers) server.close();
  if (root) await rm(root, { recursive: true, force: true });
  console.info(
    `hostile suite: ${counts.requests} requests, ${counts.properties} properties × ${RUNS} runs ` +
      `(${counts.runs} cases), ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

/** A Sourcere token, and a finished two-stem separation of the song. */
async function sourcereSeparation() {
  const auth = await postJson(`${api.sourcere.baseUrl}/auth/`, {
    username: api.sourcere.username,
    password: api.sourcere.password,
  });
  const headers = { authorization: auth.json().token as string };
  const created = (await postJson(`${api.sourcere.baseUrl}/separation/create`, {}, headers)).json();
  counts.requests++;
  expect((await fetch(created.signedUrl as string, { method: 'PUT', body: song })).status).toBe(200);
  const start = await postJson(
    `${api.sourcere.baseUrl}/separation/start`,
    { uploadId: created.uploadId, separationAlgorithm: 6 },
    headers,
  );
  const separationId = start.json().separationId as string;
  await until(async () => {
    const progress = await send(`${api.sourcere.baseUrl}/separation/progress?separationId=${separationId}`, {
      headers,
    });
    return progress.json().outputFiles ? true : undefined;
  });
  return { headers, separationId };
}

async function gatewayJob(gateway: ServerProcess, body: Record<string, unknown>) {
  const created = await postJson(`${gatewayUrl(gateway)}/job`, body, gatewayHeaders);
  expect(created.status, created.text).toBe(200);
  const id = (created.json().job as { id: string }).id;
  return until(async () => {
    const job = (await send(`${gatewayUrl(gateway)}/job/${id}`, { headers: gatewayHeaders })).json()
      .job as Record<string, unknown>;
    return job.status === 'completed' || job.status === 'failed' ? job : undefined;
  });
}

describe('hostile input against the emulator and the gateway as separate processes (issue #19)', () => {
  it('#19.1 links on an HTTP/1.0 server that closes the connection never end the emulator', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const answer = await postJson(
        `${api.legacy.baseUrl}/upload/link`,
        { link: `${http10Origin}/song.wav` },
        legacyHeaders(),
      );
      expect(answer.status).toBe(200);
    }
    expect(emulator.alive()).toBe(true);
  });

  it('#19.1 raw request targets a URL parser chokes on are answered, never the end of a process', async () => {
    const targets = [
      'http://[/x',
      '*',
      '//double/slash',
      `/${'a'.repeat(8_000)}`,
      '/%',
      '/\u00ff',
      'http://a:b@c/',
    ];
    for (const origin of [
      new URL(api.legacy.baseUrl).origin,
      emulator.printed.storageUrl as string,
      gatewayUrl(tasksGateway),
      gatewayUrl(sourcereGateway),
    ]) {
      const { hostname, port } = new URL(origin);
      for (const target of targets) {
        counts.requests++;
        const answer = await new Promise<string>((resolve) => {
          const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
          let text = '';
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('latin1');
          });
          socket.on('error', () => resolve(text));
          socket.on('close', () => resolve(text));
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        });
        expect(answer, `${origin} ${target.slice(0, 40)}`).toMatch(/^HTTP\/1\.1 [2-5]\d\d/);
      }
    }
    for (const server of [emulator, tasksGateway, sourcereGateway])
      expect(server.alive(), server.name).toBe(true);
  });

  it('#19.2 variants and model names never reach a storage key, directly or through the gateway', async () => {
    const asset = (await uploadTo(`${api.legacy.baseUrl}/upload`, legacyHeaders(), 'song.wav')).json();
    const climbing = [
      'x/../../../../legacy/planted/vocals',
      '..',
      '.',
      'a\\..\\b',
      '%2e%2e%2fx',
      'two speaker',
    ];
    for (const variant of climbing) {
      const task = await postJson(
        `${api.tasks.baseUrl}/tasks`,
        { assetId: 'c'.repeat(25), targets: [{ model: 'vocals', formats: ['wav'], variant }] },
        tasksHeaders(),
      );
      expect(task.status, variant).toBe(400);
      for (const metadata of [
        { name: 'multi_voice', format: 'wav', variant },
        { name: variant, format: 'wav' },
      ]) {
        const legacy = await postJson(
          `${api.legacy.baseUrl}/job`,
          { assetId: asset.id, metadata },
          legacyHeaders(),
        );
        expect(legacy.status, variant).toBe(400);
      }
      const stemMetadata = { stemName: 'multi_voice', format: 'wav', variant };
      expect(
        (await postJson(`${api.legacy.baseUrl}/job`, { assetId: asset.id, stemMetadata }, legacyHeaders()))
          .status,
      ).toBe(400);
      const through = await postJson(
        `${gatewayUrl(tasksGateway)}/job`,
        { assetId: 'c'.repeat(25), metadata: { name: 'multi_voice', format: 'wav', variant } },
        gatewayHeaders,
      );
      expect(through.status, variant).toBe(400);
    }
  });

  it('#19.3 #19.13 the gateway reaches no loopback, private, link-local or metadata address, with one answer', async () => {
    const secretPort = new URL(secretOrigin).port;
    const refused = [
      `${secretOrigin}/secret`,
      `http://localhost:${secretPort}/secret`,
      `http://[::1]:${secretPort}/secret`,
      `http://[::ffff:127.0.0.1]:${secretPort}/secret`,
      `http://[::ffff:7f00:1]:${secretPort}/secret`,
      `http://0x7f.1:${secretPort}/secret`,
      `http://2130706433:${secretPort}/secret`,
      `http://0.0.0.0:${secretPort}/secret`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://10.0.0.1/song.wav',
      'http://172.16.0.1/song.wav',
      'http://192.168.0.1/song.wav',
      'http://100.64.0.1/song.wav',
      'http://224.0.0.1/song.wav',
      `http://loopback.hostile.test:${secretPort}/secret`,
      'http://internal.hostile.test/song.wav',
      'http://metadata.hostile.test/latest/meta-data/',
      'http://mixed.hostile.test/song.wav',
      'http://unique-local.hostile.test/song.wav',
      'http://nowhere.hostile.test/song.wav',
    ];
    const answers = new Set<string>();
    for (const link of refused) {
      for (const gateway of [tasksGateway, sourcereGateway]) {
        const answer = await postJson(`${gatewayUrl(gateway)}/upload/link`, { link }, gatewayHeaders);
        expect(answer.status, link).toBe(400);
        answers.add(answer.text);
      }
    }
    // Fetched by the Sourcere gateway itself: redirects into the network, a port where nothing listens, a 404,
    // and the two controls the trap refuses: all answered alike.
    const redirector = `http://redirector.hostile.test:${redirectorPort}`;
    for (const link of [
      `${redirector}/to-secret`,
      `${redirector}/to-internal`,
      `${redirector}/to-metadata`,
      'http://redirector.hostile.test:9/song.wav',
      `${redirector}/missing.wav`,
      ...controlLinks,
    ]) {
      const answer = await postJson(`${gatewayUrl(sourcereGateway)}/upload/link`, { link }, gatewayHeaders);
      expect(answer.status, link).toBe(400);
      answers.add(answer.text);
    }
    expect([...answers]).toEqual([
      JSON.stringify({ error: 'Bad Request', message: 'link: the link could not be fetched' }),
    ]);
    // An allowed host is fetched: the guard refuses what it should, not everything.
    const allowed = await postJson(
      `${gatewayUrl(sourcereGateway)}/upload/link`,
      { link: `${redirector}/song.wav` },
      gatewayHeaders,
    );
    expect(allowed.status, allowed.text).toBe(200);

    // Callbacks: one straight to the internal service, one to an allowed host that redirects there.
    const asset = (await uploadTo(`${gatewayUrl(tasksGateway)}/upload`, gatewayHeaders, 'song.wav')).json();
    const direct = await gatewayJob(tasksGateway, {
      assetId: asset.id,
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: `${secretOrigin}/internal-admin?action=delete`,
    });
    expect(direct.status).toBe('completed');
    await gatewayJob(tasksGateway, {
      assetId: asset.id,
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: `${redirector}/hook`,
    });
    await until(
      () =>
        redirectorRequests.some((each) => each.url === '/hook' && each.body.includes('"completed"')) ||
        undefined,
    );
    for (const each of redirectorRequests) gatewayTexts.push(each.body);
    expect(secretRequests).toEqual([]);
  });

  it('#19.4 an upload the backend refuses is answered at once', async () => {
    const large = Buffer.concat([song, Buffer.alloc(700 * 1024)]);
    const answer = await uploadTo(`${gatewayUrl(refusingGateway)}/upload`, gatewayHeaders, 'song.wav', large);
    expect(answer.status).toBe(502);
  });

  it('#19.6 the emulator follows no redirect away from loopback, for links and callbacks', async () => {
    for (const path of ['/to-internal', '/to-metadata']) {
      const answer = await postJson(
        `${api.legacy.baseUrl}/upload/link`,
        { link: `http://127.0.0.1:${redirectorPort}${path}` },
        legacyHeaders(),
      );
      expect(answer.status, path).toBe(400);
    }
    const asset = (await uploadTo(`${api.legacy.baseUrl}/upload`, legacyHeaders(), 'song.wav')).json();
    const created = await postJson(
      `${api.legacy.baseUrl}/job`,
      {
        assetId: asset.id,
        metadata: { name: 'vocals', format: 'wav' },
        callbackUrl: `http://127.0.0.1:${redirectorPort}/hook-out`,
      },
      legacyHeaders(),
    );
    expect(created.status).toBe(200);
    await until(() => redirectorRequests.some((each) => each.url === '/hook-out') || undefined);
  });

  it('#19.7 #19.9 names reach Content-Disposition encoded; Object.prototype ids are unknown ids', async () => {
    const { headers, separationId } = await sourcereSeparation();
    const mix = (name: string) =>
      postJson(
        `${api.sourcere.baseUrl}/separation/mix`,
        { separationId, tracks: [{ fileName: 'vocals' }], mixName: name },
        headers,
      );
    for (const name of ['a\r\nFORGED: header', 'nul\u0000', 'a\u0085b'])
      expect((await mix(name)).status).toBe(400);
    const mixId = (await mix("a\"; filename*=UTF-8''evil.exe 🎵")).json().mixId as string;
    const query = new URLSearchParams({ separationId, fileName: mixId, fileFormat: 'wav' });
    const link = await until(async () => {
      const answer = await send(`${api.sourcere.baseUrl}/separation/download?${query}`, { headers });
      return answer.status === 200 ? (answer.json().signedUrl as string) : undefined;
    });
    const file = await send(link);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')?.match(/filename\*=/g)).toHaveLength(1);

    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const checks = [
        send(`${api.sourcere.baseUrl}/separation/progress?separationId=${id}`, { headers }),
        send(`${api.sourcere.baseUrl}/separation/metadata?uploadId=${id}`, { headers }),
        send(
          `${api.sourcere.baseUrl}/separation/download?separationId=${separationId}&fileName=${id}&fileFormat=wav`,
          {
            headers,
          },
        ),
        send(`${api.legacy.baseUrl}/job/${id}`, { headers: legacyHeaders() }),
        send(`${api.tasks.baseUrl}/tasks/${id}`, { headers: tasksHeaders() }),
        send(`${gatewayUrl(tasksGateway)}/job/${id}`, { headers: gatewayHeaders }),
      ];
      for (const answer of await Promise.all(checks)) expect(answer.status, id).toBe(404);
      const job = await postJson(
        `${api.legacy.baseUrl}/job`,
        { assetId: id.padEnd(8, '_'), metadata: { name: 'vocals', format: 'wav' } },
        legacyHeaders(),
      );
      expect(job.status, id).toBe(404);
    }
  });

  it('#19.8 UTF-8 file names survive a driver upload (as the CLI sends it) and the gateway', async () => {
    const name = '日本語 Café.wav';
    for (const baseUrl of [api.legacy.baseUrl, gatewayUrl(tasksGateway)]) {
      const token = baseUrl === api.legacy.baseUrl ? api.legacy.token : gatewayToken;
      counts.requests++;
      const asset = await audioshakeLegacy({ baseUrl, token }).upload({
        body: new Blob([song]).stream(),
        name,
        size: song.byteLength,
      });
      expect(asset.name, baseUrl).toBe(name);
    }
  });

  it('#19.10 the Sourcere gateway listens on ::1 with --port 0', () => {
    expect(gatewayUrl(sourcereGateway)).toMatch(/^http:\/\/\[::1\]:[1-9]\d*$/);
  });

  it('#19.11 JSON bodies past 1 MiB are answered 413, the unauthenticated auth route included', async () => {
    const large = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    for (const [url, headers] of [
      [`${api.sourcere.baseUrl}/auth/`, {}],
      [`${api.legacy.baseUrl}/job`, legacyHeaders()],
      [`${api.tasks.baseUrl}/tasks`, tasksHeaders()],
      [`${gatewayUrl(tasksGateway)}/job`, gatewayHeaders],
      [`${gatewayUrl(sourcereGateway)}/upload/link`, gatewayHeaders],
    ] as const) {
      expect((await postJson(url, large, headers)).status, url).toBe(413);
    }
  });

  it('#19.16 #19.17 no javascript: callback; a forged token with a non-JSON payload is a 401', async () => {
    const script = 'javascript:fetch("http://127.0.0.1/")//';
    expect((await postJson(`${api.tasks.baseUrl}/webhooks`, { url: script }, tasksHeaders())).status).toBe(
      400,
    );
    const legacy = await postJson(
      `${api.legacy.baseUrl}/job`,
      { assetId: 'c'.repeat(25), metadata: { name: 'vocals', format: 'wav' }, callbackUrl: script },
      legacyHeaders(),
    );
    expect(legacy.status).toBe(400);
    const gateway = await postJson(
      `${gatewayUrl(tasksGateway)}/job`,
      { assetId: 'c'.repeat(25), metadata: { name: 'vocals', format: 'wav' }, callbackUrl: script },
      gatewayHeaders,
    );
    expect(gateway.status).toBe(400);
    const { secret } = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')) as { secret: string };
    const header = Buffer.from('{"alg":"HS512"}').toString('base64url');
    for (const payload of ['not json', '{"sub":"someone-else","exp":9999999999}']) {
      const body = Buffer.from(payload).toString('base64url');
      const signature = createHmac('sha512', secret).update(`${header}.${body}`).digest('base64url');
      const answer = await send(`${api.sourcere.baseUrl}/separation/progress?separationId=x`, {
        headers: { authorization: `Bearer ${header}.${body}.${signature}` },
      });
      expect(answer.status, payload).toBe(401);
    }
  });

  it('#19.14 #19.18 gateway outputs are named as the legacy API names them, with no backend storage link', async () => {
    const asset = (await uploadTo(`${gatewayUrl(tasksGateway)}/upload`, gatewayHeaders, 'song.wav')).json();
    const job = await gatewayJob(tasksGateway, {
      assetId: asset.id,
      metadata: { name: 'multi_voice', format: 'wav' },
    });
    expect((job.outputAssets as { name: string }[]).map((output) => output.name)).toEqual([
      'voice_two_speaker_01.wav',
      'voice_two_speaker_02.wav',
    ]);
    expect(JSON.stringify([asset, job])).not.toContain(emulator.printed.storageUrl as string);
    const preflight = await send(`${api.legacy.baseUrl}/job`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });
});

describe('property-based fuzzing of every route (issue #19)', () => {
  /** The property every answer holds: no 5xx from the emulator, no 500 from a gateway, a JSON body. */
  function expectHandled(answer: Answer, gateway: boolean, what: string) {
    if (gateway) expect(answer.status, what).not.toBe(500);
    else expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(500);
    expect(answer.status, what).toBeGreaterThanOrEqual(200);
  }

  async function property<Value>(arbitrary: fc.Arbitrary<Value>, run: (value: Value) => Promise<void>) {
    counts.properties++;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        counts.runs++;
        await run(value);
      }),
      { seed: SEED + counts.properties, numRuns: RUNS, endOnFailure: true },
    );
  }

  /** Text a hostile client would send: any Unicode, traversal, prototype keys, control characters. */
  const hostileText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '__proto__',
      'constructor',
      '..',
      '../../x',
      '%2e%2e/x',
      '\r\nFORGED: line',
      '\u0000',
      '',
    ),
  );
  const hostileJson = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'uploadId',
        'separationId',
        'assetId',
        'link',
        'url',
        'name',
        'metadata',
        'targets',
        'tracks',
        'mixName',
        'zipFileName',
        'callbackUrl',
        'username',
        'password',
        'variant',
        'format',
      ),
      fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 })),
    ),
  );

  it('every JSON route of the emulator and the gateway handles any body', async () => {
    const sourcereToken = (
      await postJson(`${api.sourcere.baseUrl}/auth/`, {
        username: api.sourcere.username,
        password: api.sourcere.password,
      })
    ).json().token as string;
    const routes: [string, Record<string, string>, boolean][] = [
      ...[
        '/auth/',
        '/separation/create',
        '/separation/start',
        '/separation/trial',
        '/separation/mix',
        '/separation/zip',
      ].map((path): [string, Record<string, string>, boolean] => [
        `${api.sourcere.baseUrl}${path}`,
        { authorization: sourcereToken },
        false,
      ]),
      ...['/upload/link', '/upload/audio-link', '/job', '/usage'].map(
        (path): [string, Record<string, string>, boolean] => [
          `${api.legacy.baseUrl}${path}`,
          legacyHeaders(),
          false,
        ],
      ),
      [`${api.tasks.baseUrl}/tasks`, tasksHeaders(), false],
      [`${api.tasks.baseUrl}/webhooks`, tasksHeaders(), false],
      ...['/upload/link', '/upload/audio-link', '/job', '/usage'].map(
        (path): [string, Record<string, string>, boolean] => [
          `${gatewayUrl(tasksGateway)}${path}`,
          gatewayHeaders,
          true,
        ],
      ),
    ];
    for (const [url, headers, gateway] of routes) {
      await property(hostileJson, async (body) => {
        expectHandled(await postJson(url, JSON.stringify(body), headers), gateway, url);
      });
    }
    await property(fc.string({ unit: 'binary', maxLength: 60 }), async (text) => {
      expectHandled(await postJson(`${api.legacy.baseUrl}/job`, text, legacyHeaders()), false, 'raw text');
    });
  });

  it('every path and query of the emulator, its storage host and the gateway handles any value', async () => {
    const segment = hostileText.map((text) => encodeURIComponent(text));
    const token = (
      await postJson(`${api.sourcere.baseUrl}/auth/`, {
        username: api.sourcere.username,
        password: api.sourcere.password,
      })
    ).json().token as string;
    const targets: [(value: string) => string, Record<string, string>, boolean][] = [
      [
        (value) => `${api.sourcere.baseUrl}/separation/progress?separationId=${value}`,
        { authorization: token },
        false,
      ],
      [
        (value) => `${api.sourcere.baseUrl}/separation/metadata?uploadId=${value}`,
        { authorization: token },
        false,
      ],
      [
        (value) =>
          `${api.sourcere.baseUrl}/separation/download?separationId=${value}&fileName=${value}&fileFormat=${value}`,
        { authorization: token },
        false,
      ],
      [(value) => `${api.legacy.baseUrl}/job/${value}`, legacyHeaders(), false],
      [(value) => `${api.tasks.baseUrl}/tasks/${value}`, tasksHeaders(), false],
      [(value) => `${api.tasks.baseUrl}/tasks?skip=${value}&take=${value}`, tasksHeaders(), false],
      [(value) => `${api.tasks.baseUrl}/tasks/statistics?name=${value}`, tasksHeaders(), false],
      [
        (value) => `${emulator.printed.storageUrl}/stemkit-emulator/${value}?X-Goog-Signature=${value}`,
        {},
        false,
      ],
      [(value) => `${gatewayUrl(tasksGateway)}/job/${value}`, gatewayHeaders, true],
      [(value) => `${gatewayUrl(tasksGateway)}/download/${value}`, {}, true],
    ];
    for (const [url, headers, gateway] of targets) {
      await property(segment, async (value) => {
        expectHandled(await send(url(value), { headers }), gateway, url(value));
      });
    }
    // A signed-URL upload to any key: refused without a valid signature, whatever the path and query.
    await property(segment, async (value) => {
      const url = `${emulator.printed.storageUrl}/stemkit-emulator/${value}/${value}?X-Goog-Date=${value}&X-Goog-Expires=1&X-Goog-Signature=${value}`;
      const answer = await send(url, { method: 'PUT', body: song });
      expectHandled(answer, false, url);
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
    });
  });

  it('every multipart upload handles any file name, and keeps the file under its id', async () => {
    const uploads: [string, Record<string, string>, boolean][] = [
      [`${api.legacy.baseUrl}/upload`, legacyHeaders(), false],
      [`${api.tasks.baseUrl}/assets`, tasksHeaders(), false],
      [`${gatewayUrl(tasksGateway)}/upload`, gatewayHeaders, true],
    ];
    for (const [url, headers, gateway] of uploads) {
      await property(fc.string({ unit: 'binary', maxLength: 60 }), async (name) => {
        const answer = await uploadTo(url, headers, name);
        expectHandled(answer, gateway, `${url} ${JSON.stringify(name)}`);
        expect([200, 400], `${url} ${JSON.stringify(name)}`).toContain(answer.status);
      });
    }
  });
});

describe('after the hostile run', () => {
  it('every server is alive, and the gateway still answers for its jobs after a restart (#19.5)', async () => {
    for (const server of [emulator, tasksGateway, sourcereGateway, refusingGateway]) {
      expect(server.alive(), server.name).toBe(true);
    }
    expect((await send(`${api.legacy.baseUrl}/job/`, { headers: legacyHeaders() })).status).toBe(200);
    for (const gateway of [tasksGateway, sourcereGateway]) {
      expect((await send(`${gatewayUrl(gateway)}/job/`, { headers: gatewayHeaders })).status).toBe(200);
    }
    const state = JSON.parse(await readFile(join(root, 'tasks-gateway.json'), 'utf8')) as {
      jobs: { id: string }[];
    };
    expect(state.jobs.length).toBeGreaterThan(0);
    expect(await tasksGateway.stop()).toBe(0);
    tasksGateway = await startGateway(
      'tasks gateway (restarted)',
      tasksGatewayArgs(),
      tasksGatewayEnvironment(),
    );
    for (const { id } of state.jobs) {
      expect((await send(`${gatewayUrl(tasksGateway)}/job/${id}`, { headers: gatewayHeaders })).status).toBe(
        200,
      );
    }
  });

  it('no file exists outside the keys of each job, and nothing outside the data folder', async () => {
    expect(await emulator.stop()).toBe(0);
    const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')) as {
      separations: Record<string, { outputFiles: string[] | null }>;
    };
    const keys = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [name, each] of Object.entries(value)) {
          if ((name === 'key' || name === 'sourceKey') && typeof each === 'string') keys.add(each);
          else collect(each);
        }
      }
    };
    collect(state);
    for (const [id, separation] of Object.entries(state.separations)) {
      for (const file of separation.outputFiles ?? []) keys.add(`sourcere/${id}/response/${file}`);
    }
    const objects = join(dataDir, 'objects');
    const files = (await readdir(objects, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => relative(objects, join(entry.parentPath, entry.name)));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => !keys.has(file))).toEqual([]);
    expect((await readdir(dataDir)).sort()).toEqual(['objects', 'state.json']);
    expect((await readdir(root)).sort()).toEqual(['emulator', 'tasks-gateway.json', 'trap.jsonl']);
  });

  it('no canary secret in any answer, callback, state file or log, and no line forged', async () => {
    for (const gateway of [tasksGateway, sourcereGateway, refusingGateway]) await gateway.stop();
    const logs = [emulator, tasksGateway, sourcereGateway, refusingGateway].map((server) => {
      // The emulator's first line names the credentials it accepts, by design.
      const output = server.output();
      return server === emulator ? output.slice(output.indexOf('\n') + 1) : output;
    });
    const stateFile = await readFile(join(root, 'tasks-gateway.json'), 'utf8');
    for (const text of [...logs, stateFile]) logWatch.text(text);
    for (const log of logs) expect(log).not.toMatch(/^FORGED/m);
    expect(logWatch.leaks()).toEqual([]);
    // The backend's signed storage links and Sourcere tokens (an HS512 header) stay behind the gateway.
    const backendSecrets = [/X-Goog-Signature/i, /eyJhbGciOiJIUzUxMiJ9\./];
    const storageUrl = emulator.printed.storageUrl as string;
    expect(
      gatewayTexts.filter(
        (text) => text.includes(storageUrl) || backendSecrets.some((pattern) => pattern.test(text)),
      ),
    ).toEqual([]);
    // The credentials, the gateway's token and its link secret: in no text at all, the emulator's answers included.
    const texts = [...gatewayTexts, ...logs, stateFile, ...emulatorTexts];
    expect(texts.filter((text) => allSecrets.some((secret) => text.includes(secret)))).toEqual([]);
  });

  it('no request left loopback but the two controls, which the trap caught', async () => {
    const entries = (await readFile(trap.log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { kind: string; target: string });
    expect(
      entries
        .filter((entry) => entry.kind === 'connect')
        .map((entry) => entry.target)
        .sort(),
    ).toEqual(['192.0.2.10:8080', 'control.hostile.test → 192.0.2.11:80'].sort());
  });
});

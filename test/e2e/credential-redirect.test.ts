import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { type JobHandle, ProviderError, type StemkitDriver, StemkitError } from '@stemkit/core';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every driver against a loopback "API" that answers each call with a redirect to another loopback port (another
// origin). fetch itself would carry `x-api-key` there (it drops only `Authorization`); no credential, and no
// request at all, may reach that port. Real HTTP on 127.0.0.1 on both sides.

const CANARY = {
  password: 'redirect-canary-password-1',
  token: 'redirect-canary-legacy-token',
  apiKey: 'redirect-canary-tasks-key',
  sessionToken: 'redirect-canary-session-token',
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const trapped: Seen[] = [];
let trapOrigin: string;
let apiOrigin: string;
let trap: Server;
let api: Server;
/** Whether the API answers Sourcere's login itself (so the redirect meets the session token) or redirects it too. */
let loginAnswered = true;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  trap = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    trapped.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  trapOrigin = await listen(trap);
  api = createServer((request, response) => {
    request.resume();
    const path = request.url ?? '/';
    if (loginAnswered && request.method === 'POST' && path.endsWith('/auth/')) {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: `Bearer ${CANARY.sessionToken}`, expiry: 3_600 }));
      return;
    }
    // 307 keeps the method and body (a login's password, a create's JSON); 302 is the common one for a GET.
    response.writeHead(request.method === 'GET' ? 302 : 307, { location: `${trapOrigin}${path}` }).end();
  });
  apiOrigin = await listen(api);
});

afterAll(async () => {
  await Promise.all(
    [api, trap].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

const drivers: Array<[string, () => StemkitDriver]> = [
  [
    'sourcere',
    () =>
      sourcere({
        username: 'user',
        password: CANARY.password,
        baseUrl: `${apiOrigin}/sourcere/`,
        retryLimit: 0,
      }),
  ],
  [
    'audioshake-legacy',
    () => audioshakeLegacy({ token: CANARY.token, baseUrl: `${apiOrigin}/legacy`, retryLimit: 0 }),
  ],
  [
    'audioshake-tasks',
    () => audioshakeTasks({ apiKey: CANARY.apiKey, baseUrl: `${apiOrigin}/tasks`, retryLimit: 0 }),
  ],
];

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

function expectNothingTrapped(): void {
  const text = JSON.stringify(trapped);
  for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
  expect(trapped.map((each) => `${each.method} ${each.url}`)).toEqual([]);
}

describe.each(drivers)('%s, when its API redirects to another origin', (_name, create) => {
  it('sends no credential there: a status call fails with a ProviderError', async () => {
    trapped.length = 0;
    loginAnswered = true;
    const driver = create();
    const handle: JobHandle = { contract: 1, provider: driver.provider, id: 'job-1' };
    const error = await failure(driver.status(handle));
    expect(ProviderError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/away from its API/);
    expectNothingTrapped();
  });

  it('sends no credential there with an upload either', async () => {
    trapped.length = 0;
    loginAnswered = true;
    const driver = create();
    const bytes = new Uint8Array(64);
    const error = await failure(
      driver.upload({
        body: new Blob([bytes]).stream(),
        name: 'song.wav',
        size: bytes.byteLength,
        contentType: 'audio/wav',
      }),
    );
    expect(StemkitError.isInstance(error), String(error)).toBe(true);
    expectNothingTrapped();
  });
});

describe('sourcere, when its login is redirected to another origin', () => {
  it('sends neither the password nor anything else there', async () => {
    trapped.length = 0;
    loginAnswered = false;
    const driver = drivers[0]![1]();
    const error = await failure(driver.status({ contract: 1, provider: 'sourcere', id: 'job-1' }));
    expect(ProviderError.isInstance(error), String(error)).toBe(true);
    expectNothingTrapped();
  });
});

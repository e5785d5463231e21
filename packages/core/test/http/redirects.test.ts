import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, credentialHeaderNames, ProviderError, redact } from '../../src/driver/index.ts';

// Real loopback HTTP, no msw: what fetch does with a redirect is the point. The API answers on one port, the
// trap listens on another (another origin); the trap must never see a credential.

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const trapRequests: Seen[] = [];
const apiRequests: Seen[] = [];
let api: Server;
let trap: Server;
let apiUrl: string;
let trapUrl: string;

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  trap = createServer(async (request, response) => {
    trapRequests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: await read(request),
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"trapped":true}');
  });
  trapUrl = await listen(trap);
  api = createServer(async (request, response) => {
    const body = await read(request);
    apiRequests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body,
    });
    const path = request.url ?? '';
    const redirects: Record<string, [number, string]> = {
      '/v1/away': [302, `${trapUrl}/stolen`],
      '/v1/away-307': [307, `${trapUrl}/stolen`],
      '/v1/away-308': [308, `${trapUrl}/stolen`],
      '/v1/here': [302, '/v1/landed'],
      '/v1/post-303': [303, '/v1/landed'],
      '/v1/post-307': [307, '/v1/landed'],
      '/v1/hop-then-away': [301, '/v1/away'],
    };
    const redirect = redirects[path];
    if (redirect) {
      response.writeHead(redirect[0], { location: redirect[1] }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        method: request.method,
        body,
        credential: request.headers['x-license-key'] ?? null,
      }),
    );
  });
  apiUrl = `${await listen(api)}/v1/`;
});

afterAll(async () => {
  await Promise.all(
    [api, trap].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

const CREDENTIALS: Array<[string, string]> = [
  ['authorization', 'Bearer redirect-canary-authorization'],
  ['x-api-key', 'redirect-canary-x-api-key'],
  ['X-License-Key', 'redirect-canary-license-key'],
  ['xi-api-key', 'redirect-canary-xi-api-key'],
];

const clientWith = (name: string, value: string) =>
  createHttpClient({ provider: 'acme', baseUrl: apiUrl, authenticate: () => ({ [name]: value }) });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('a redirect from the API to another origin', () => {
  it.each(CREDENTIALS)('is never followed with %s: the other port receives nothing', async (name, value) => {
    const http = clientWith(name, value);
    trapRequests.length = 0;
    for (const [path, method] of [
      ['away', 'GET'],
      ['away-307', 'POST'],
      ['away-308', 'PUT'],
      ['hop-then-away', 'GET'],
    ] as const) {
      const error = await failure(
        http.call({ method, path, json: method === 'GET' ? undefined : { secret: value } }),
      );
      expect(ProviderError.isInstance(error), `${method} ${path}`).toBe(true);
      expect(String(error)).toMatch(/redirected .* away from its API/);
      expect(String(error)).not.toContain(value);
    }
    expect(trapRequests).toEqual([]);
  });
});

describe('a redirect within the API origin', () => {
  it('is followed with the credential', async () => {
    const http = clientWith('X-License-Key', 'redirect-canary-license-key');
    const { data } = await http.call({ method: 'GET', path: 'here' });
    expect(data).toEqual({ method: 'GET', body: '', credential: 'redirect-canary-license-key' });
  });

  it('repeats the body on a 307, and turns a POST into a GET on a 303, as fetch does', async () => {
    const http = clientWith('X-License-Key', 'redirect-canary-license-key');
    const kept = await http.call({ method: 'POST', path: 'post-307', json: { a: 1 }, idempotent: true });
    expect(kept.data).toEqual({ method: 'POST', body: '{"a":1}', credential: 'redirect-canary-license-key' });
    apiRequests.length = 0;
    const turned = await http.call({ method: 'POST', path: 'post-303', json: { a: 1 } });
    expect(turned.data).toEqual({ method: 'GET', body: '', credential: 'redirect-canary-license-key' });
    expect(apiRequests.at(-1)?.headers['content-type']).toBeUndefined();
  });
});

describe('credential header names', () => {
  it('come from what authenticate returns: stripped from other hosts, masked in text', async () => {
    const http = clientWith('X-Custom-Credential', 'custom-canary-value');
    expect(credentialHeaderNames()).not.toContain('x-custom-credential');
    expect(redact('X-Custom-Credential: plain-value')).toBe('X-Custom-Credential: plain-value');
    await http.call({ method: 'GET', path: 'here' });
    expect(credentialHeaderNames()).toContain('x-custom-credential');
    expect(redact('X-Custom-Credential: plain-value')).toBe('X-Custom-Credential: [redacted]');

    trapRequests.length = 0;
    // A driver passing the header to storage by mistake, or to another host through `call`.
    const transfer = await http.transfer(`${trapUrl}/file.wav?X-Amz-Signature=abc`, {
      headers: { 'x-custom-credential': 'custom-canary-value', 'x-other': '1' },
    });
    await transfer.body?.cancel();
    await http.call({
      method: 'GET',
      path: `${trapUrl}/elsewhere`,
      headers: { 'X-Custom-Credential': 'custom-canary-value' },
    });
    expect(trapRequests.map((each) => each.headers['x-custom-credential'])).toEqual([undefined, undefined]);
    expect(trapRequests[0]?.headers['x-other']).toBe('1');
  });
});

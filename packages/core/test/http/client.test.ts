import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  AuthenticationError,
  ConnectionError,
  createHttpClient,
  createTokenCache,
  type HttpClientOptions,
  InvalidResponseError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  registerSecret,
} from '../../src/driver/index.ts';

const API = 'https://api.acme.test/v1/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    provider: 'acme',
    baseUrl: API,
    authenticate: () => ({ authorization: 'Bearer test-token-1234' }),
    ...options,
  });
}

/** Answers `statuses` in turn, then 200; counts attempts. */
function sequence(method: 'get' | 'post', statuses: number[], headers: Record<string, string> = {}) {
  const attempts: number[] = [];
  server.use(
    http[method](`${API}jobs`, () => {
      attempts.push(Date.now());
      const status = statuses[attempts.length - 1];
      return status === undefined
        ? HttpResponse.json({ ok: true })
        : HttpResponse.json(
            { error: { message: `failed with ${status}`, code: `E${status}` } },
            { status, headers },
          );
    }),
  );
  return attempts;
}

/** A handler that answers after `ms`. */
const slowly = (ms: number) => async () => {
  await delay(ms);
  return HttpResponse.json({});
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('transport retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries an idempotent call on %i', async (status) => {
    const attempts = sequence('get', [status], { 'retry-after': '0' });
    const { data } = await client().call({ method: 'GET', path: 'jobs' });
    expect(data).toEqual({ ok: true });
    expect(attempts).toHaveLength(2);
  });

  it('waits as long as Retry-After says', async () => {
    const attempts = sequence('get', [503], { 'retry-after': '1' });
    await client().call({ method: 'GET', path: 'jobs' });
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
  });

  it('gives up after the retry limit with the mapped error', async () => {
    const attempts = sequence('get', [500, 500, 500], { 'retry-after': '0' });
    const error = await failure(client({ retryLimit: 2 }).call({ method: 'GET', path: 'jobs' }));
    expect(ProviderError.isInstance(error) && error.status).toBe(500);
    expect(attempts).toHaveLength(3);
  });

  it('never repeats a creating call on 500, where a duplicate could result', async () => {
    const attempts = sequence('post', [500]);
    const error = await failure(client().call({ method: 'POST', path: 'jobs', json: {} }));
    expect(ProviderError.isInstance(error) && error.status).toBe(500);
    expect(attempts).toHaveLength(1);
  });

  it('repeats a creating call on 429, which the server answers before doing anything', async () => {
    const attempts = sequence('post', [429], { 'retry-after': '0' });
    await client().call({ method: 'POST', path: 'jobs', json: {} });
    expect(attempts).toHaveLength(2);
  });

  it("waits a creating call's 429 out as long as Retry-After says, as the error asks", async () => {
    const attempts = sequence('post', [429], { 'retry-after': '1' });
    await client().call({ method: 'POST', path: 'jobs', json: {} });
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
  });

  it.each([408, 409, 422, 503])(
    'never repeats a creating call on %i (the error says: maybe made, or refused)',
    async (status) => {
      const attempts = sequence('post', [status], { 'retry-after': '0' });
      await failure(client().call({ method: 'POST', path: 'jobs', json: {} }));
      expect(attempts).toHaveLength(1);
    },
  );

  it('never repeats a call whose body is a stream', async () => {
    const attempts = sequence('post', [503], { 'retry-after': '0' });
    const body = new Blob(['abc']).stream();
    const error = await failure(client().call({ method: 'POST', path: 'jobs', body, idempotent: true }));
    expect(ProviderError.isInstance(error) && error.status).toBe(503);
    expect(attempts).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('turns a per-attempt timeout into a ConnectionError', async () => {
    server.use(http.get(`${API}slow`, slowly(500)));
    const error = await failure(
      client({ timeoutMs: 50, retryLimit: 0 }).call({ method: 'GET', path: 'slow' }),
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
  });

  it('bounds the whole call, retries included', async () => {
    server.use(http.get(`${API}slow`, slowly(300)));
    const started = Date.now();
    const error = await failure(
      client({ timeoutMs: 100, totalTimeoutMs: 250, retryLimit: 5 }).call({ method: 'GET', path: 'slow' }),
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('puts no timeout on a streamed body: an upload takes as long as it takes', async () => {
    server.use(http.post(`${API}uploads`, slowly(300)));
    const body = new Blob(['audio']).stream();
    const response = await client({ timeoutMs: 50, totalTimeoutMs: 100 }).call({
      method: 'POST',
      path: 'uploads',
      body,
    });
    expect(response.status).toBe(200);
  });

  it('lets an abort through untouched', async () => {
    server.use(http.get(`${API}slow`, slowly(300)));
    const error = await failure(
      client().call({ method: 'GET', path: 'slow', signal: AbortSignal.timeout(20) }),
    );
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    expect(ConnectionError.isInstance(error)).toBe(false);
  });
});

describe('authentication', () => {
  it('re-authenticates once after a 401 and retries with the new credential', async () => {
    let token = 'old-token-0001';
    const seen: string[] = [];
    server.use(
      http.get(`${API}me`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return request.headers.get('authorization') === 'Bearer new-token-0002'
          ? HttpResponse.json({ me: 1 })
          : HttpResponse.json({ message: 'expired' }, { status: 401 });
      }),
    );
    const api = client({
      authenticate: () => ({ authorization: `Bearer ${token}` }),
      reauthenticate: () => {
        token = 'new-token-0002';
        return true;
      },
    });
    expect((await api.call({ method: 'GET', path: 'me' })).data).toEqual({ me: 1 });
    expect(seen).toEqual(['Bearer old-token-0001', 'Bearer new-token-0002']);
  });

  it('surfaces AuthenticationError when the new credential is refused too', async () => {
    let renewals = 0;
    server.use(http.get(`${API}me`, () => HttpResponse.json({ message: 'no' }, { status: 401 })));
    const api = client({
      reauthenticate: () => {
        renewals++;
        return true;
      },
    });
    const error = await failure(api.call({ method: 'GET', path: 'me' }));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(renewals).toBe(1);
  });

  describe('with a login endpoint behind a token cache', () => {
    /** A login route accepting `password`; it issues numbered tokens, and the API accepts only the latest. */
    function loginFlow(password: string) {
      const logins: string[] = [];
      server.use(
        http.post(`${API}auth`, async ({ request }) => {
          const body = (await request.json()) as { password?: string };
          if (body.password !== 'right-password') {
            logins.push('refused');
            return HttpResponse.json({ message: 'bad credentials' }, { status: 401 });
          }
          logins.push(`token-${logins.length + 1}`);
          return HttpResponse.json({ token: logins.at(-1) });
        }),
        http.get(`${API}me`, ({ request }) =>
          request.headers.get('authorization') === logins.at(-1)
            ? HttpResponse.json({ me: 1 })
            : HttpResponse.json({ message: 'expired' }, { status: 401 }),
        ),
      );
      const login = client({ authenticate: undefined });
      const tokens = createTokenCache(async (signal) => {
        const { data } = await login.call({
          method: 'POST',
          path: 'auth',
          json: { password },
          idempotent: true,
          signal,
        });
        return { value: (data as { token: string }).token, expiresAt: Date.now() + 60 * 60_000 };
      });
      let sent = '';
      const api = client({
        authenticate: async (signal) => {
          sent = await tokens.get(signal);
          return { authorization: sent };
        },
        reauthenticate: () => {
          tokens.invalidate(sent);
          return true;
        },
      });
      return { api, logins, tokens };
    }

    it('costs exactly one login attempt when the login itself is refused', async () => {
      const { api, logins } = loginFlow('wrong-password');
      const error = await failure(api.call({ method: 'GET', path: 'me' }));
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(logins).toEqual(['refused']);
    });

    it('still renews once when the API refuses a token it accepted before', async () => {
      const { api, logins, tokens } = loginFlow('right-password');
      expect((await api.call({ method: 'GET', path: 'me' })).data).toEqual({ me: 1 });
      // The provider revokes the token: the next login issues another, and only that one is accepted.
      logins.push('revoked');
      expect(await tokens.get()).toBe('token-1');
      expect((await api.call({ method: 'GET', path: 'me' })).data).toEqual({ me: 1 });
      expect(logins).toEqual(['token-1', 'revoked', 'token-3']);
    });
  });

  it('never sends the credential to another origin', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get('https://storage.other.test/file.wav', ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return new HttpResponse('bytes');
      }),
    );
    const api = client();
    await api.call({ method: 'GET', path: 'https://storage.other.test/file.wav' });
    const response = await api.transfer('https://storage.other.test/file.wav?X-Amz-Signature=abc', {
      headers: { authorization: 'Bearer test-token-1234', 'x-custom': '1' },
    });
    expect(await response.text()).toBe('bytes');
    expect(seen).toEqual([null, null]);
  });

  it('returns a non-2xx transfer answer instead of throwing, so callers can refresh', async () => {
    server.use(
      http.get('https://storage.other.test/gone.wav', () => new HttpResponse('expired', { status: 403 })),
    );
    const response = await client().transfer('https://storage.other.test/gone.wav');
    expect(response.status).toBe(403);
  });
});

describe('stream bodies where the runtime cannot stream uploads (browsers)', () => {
  const streamOf = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });

  it('collects them into a Blob, so fetch sends a sized body, for transfers and calls alike', async () => {
    const seen: Array<{ length: string | null; body: string }> = [];
    const record = async ({ request }: { request: Request }) => {
      seen.push({ length: request.headers.get('content-length'), body: await request.text() });
      return HttpResponse.json({});
    };
    server.use(http.put('https://storage.other.test/upload', record), http.post(`${API}assets`, record));
    const api = client({ streamUploads: false });
    await api.transfer('https://storage.other.test/upload', { method: 'PUT', body: streamOf('audio bytes') });
    await api.call({ method: 'POST', path: 'assets', body: streamOf('multipart bytes') });
    expect(seen).toEqual([
      { length: '11', body: 'audio bytes' },
      { length: '15', body: 'multipart bytes' },
    ]);
  });

  it('streams them as they are in Node', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.put('https://storage.other.test/upload', ({ request }) => {
        seen.push(request.headers.get('content-length'));
        return new HttpResponse(null);
      }),
    );
    await client().transfer('https://storage.other.test/upload', { method: 'PUT', body: streamOf('audio') });
    expect(seen).toEqual([null]);
  });

  it('sends them unredirectable and without a window, so fetch keeps no copy to replay', async () => {
    const sent: Array<{ redirect: string | undefined; window: unknown }> = [];
    const spy: typeof fetch = async (input, init) => {
      const redirect = init?.redirect ?? (input instanceof Request ? input.redirect : undefined);
      sent.push({ redirect, window: init && 'window' in init ? init.window : 'absent' });
      return Response.json({});
    };
    const api = client({ fetch: spy });
    await api.transfer('https://storage.other.test/upload', { method: 'PUT', body: streamOf('audio') });
    await api.call({ method: 'POST', path: 'assets', body: streamOf('multipart') });
    await api.call({ method: 'POST', path: 'jobs', json: { a: 1 } });
    expect(sent).toEqual([
      { redirect: 'error', window: null },
      { redirect: 'error', window: null },
      // Replayable bodies are redirected by hand, on the API's origin only (see redirects.test.ts).
      { redirect: 'manual', window: 'absent' },
    ]);
  });
});

describe('per-request headers', () => {
  it("sends them with the call, next to the credential and the client's own headers", async () => {
    const seen: Array<Record<string, string | null>> = [];
    server.use(
      http.post(`${API}uploads`, ({ request }) => {
        seen.push({
          type: request.headers.get('content-type'),
          client: request.headers.get('x-client'),
          authorization: request.headers.get('authorization'),
        });
        return HttpResponse.json({ id: 'u1' });
      }),
    );
    const api = client({ headers: { 'x-client': 'kept' } });
    await api.call({
      method: 'POST',
      path: 'uploads',
      body: 'part',
      headers: { 'content-type': 'multipart/form-data; boundary=b1' },
    });
    await api.call({ method: 'POST', path: 'uploads', json: {} });
    const authorization = 'Bearer test-token-1234';
    expect(seen).toEqual([
      { type: 'multipart/form-data; boundary=b1', client: 'kept', authorization },
      { type: 'application/json', client: 'kept', authorization },
    ]);
  });

  it('never replace the credential, nor carry one to another origin', async () => {
    const seen: Array<string | null> = [];
    const record = ({ request }: { request: Request }) => {
      seen.push(request.headers.get('authorization'));
      return HttpResponse.json({});
    };
    server.use(http.get(`${API}me`, record), http.get('https://storage.other.test/file.wav', record));
    const api = client();
    const headers = { authorization: 'Bearer forged-token-9999' };
    await api.call({ method: 'GET', path: 'me', headers });
    await api.call({ method: 'GET', path: 'https://storage.other.test/file.wav', headers });
    expect(seen).toEqual(['Bearer test-token-1234', null]);
  });
});

describe('error mapping', () => {
  it.each([
    [401, AuthenticationError],
    [403, AuthenticationError],
    [404, NotFoundError],
    [422, ProviderError],
    [500, ProviderError],
  ] as const)('maps %i', async (status, kind) => {
    sequence('post', [status]);
    const error = await failure(client().call({ method: 'POST', path: 'jobs', json: {} }));
    expect(kind.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, provider: 'acme', providerCode: `E${status}` });
    expect((error as Error).message).toContain(`failed with ${status}`);
  });

  it("carries the provider's request id and the response headers, never a credential among them", async () => {
    registerSecret('header-canary-secret');
    sequence('post', [422], {
      'x-request-id': 'req_0123456789abcdef',
      'set-cookie': 'session=header-canary-cookie; HttpOnly',
      'x-debug-echo': 'key header-canary-secret',
      'x-ratelimit-remaining': '17',
    });
    const error = await failure(client().call({ method: 'POST', path: 'jobs', json: {} }));
    expect(ProviderError.isInstance(error)).toBe(true);
    const provider = error as ProviderError;
    expect(provider.requestId).toBe('req_0123456789abcdef');
    expect(provider.headers).toMatchObject({
      'x-request-id': 'req_0123456789abcdef',
      'x-ratelimit-remaining': '17',
      'x-debug-echo': 'key [redacted]',
    });
    expect(provider.headers).not.toHaveProperty('set-cookie');
    const json = JSON.stringify(provider);
    expect(JSON.parse(json)).toMatchObject({ requestId: 'req_0123456789abcdef', status: 422 });
    expect(json).not.toContain('header-canary');
    expect(inspect(provider)).not.toContain('header-canary');
  });

  it("reads the request id from the provider's own header when the driver names it", async () => {
    sequence('get', [404], { 'x-fal-request-id': 'fal-req-42', 'x-request-id': 'other' });
    const error = await failure(
      client({ requestIdHeader: 'x-fal-request-id' }).call({ method: 'GET', path: 'jobs' }),
    );
    expect(NotFoundError.isInstance(error) && error.requestId).toBe('fal-req-42');
  });

  it('maps 429 to RateLimitError carrying the hint', async () => {
    sequence('get', [429, 429], { 'retry-after': '7' });
    const error = await failure(client({ retryLimit: 0 }).call({ method: 'GET', path: 'jobs' }));
    expect(RateLimitError.isInstance(error) && error.retryAfterMs).toBe(7_000);
  });

  it('maps a network failure to ConnectionError', async () => {
    server.use(http.get(`${API}jobs`, () => HttpResponse.error()));
    const error = await failure(client({ retryLimit: 0 }).call({ method: 'GET', path: 'jobs' }));
    expect(ConnectionError.isInstance(error)).toBe(true);
  });

  it('reports malformed JSON as InvalidResponseError', async () => {
    server.use(
      http.get(
        `${API}jobs`,
        () => new HttpResponse('{"id": ', { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const error = await failure(client().call({ method: 'GET', path: 'jobs' }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
  });

  it('reports a body that breaks the lenient schema, naming where', async () => {
    server.use(http.get(`${API}jobs`, () => HttpResponse.json({ jobs: [{ id: 7 }] })));
    const schema = z.object({ jobs: z.array(z.object({ id: z.string() })) });
    const error = await failure(client().call({ method: 'GET', path: 'jobs', schema }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('jobs.0.id');
  });

  it('builds messages that read as sentences from the call\'s verb phrase (not "found nothing for read the…")', async () => {
    const what = 'read the separation progress';
    const messages: Record<number, string> = {
      401: 'acme refused the credentials (401) to read the separation progress: failed with 401',
      404: 'acme could not read the separation progress: not found (404): failed with 404',
      429: 'acme rate-limited the request to read the separation progress (429): failed with 429',
      500: 'acme answered 500 when asked to read the separation progress: failed with 500',
    };
    for (const [status, message] of Object.entries(messages)) {
      sequence('post', [Number(status)]);
      const error = await failure(
        client({ retryLimit: 0 }).call({ method: 'POST', path: 'jobs', json: {}, what }),
      );
      expect((error as Error).message).toBe(message);
    }
    server.use(http.get(`${API}jobs`, () => HttpResponse.error()));
    const unreachable = await failure(client({ retryLimit: 0 }).call({ method: 'GET', path: 'jobs', what }));
    expect((unreachable as Error).message).toBe('Could not reach acme to read the separation progress');
    const unnamed = await failure(client({ retryLimit: 0 }).call({ method: 'GET', path: 'jobs' }));
    expect((unnamed as Error).message).toBe('Could not reach acme to send GET jobs');
  });

  it("hands back the server's poll hint with a 202", async () => {
    server.use(
      http.get(`${API}jobs`, () => HttpResponse.json({}, { status: 202, headers: { 'retry-after': '3' } })),
    );
    const response = await client().call({ method: 'GET', path: 'jobs' });
    expect(response).toMatchObject({ status: 202, retryAfterMs: 3_000 });
  });
});

describe('secrets', () => {
  it('keeps a canary credential out of messages, logs and serialised errors', async () => {
    const canary = 'canary-secret-9f8e7d6c5b4a';
    registerSecret(canary);
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields?: unknown) => lines.push(message, JSON.stringify(fields)),
      info: (message: string, fields?: unknown) => lines.push(message, JSON.stringify(fields)),
      warn: (message: string, fields?: unknown) => lines.push(message, JSON.stringify(fields)),
    };
    server.use(
      http.get(`${API}jobs`, ({ request }) =>
        HttpResponse.json(
          { message: `bad key ${request.headers.get('authorization')} for ${request.url}` },
          { status: 401 },
        ),
      ),
      http.get(`${API}gone`, () =>
        HttpResponse.json({ message: `no job for key ${canary}` }, { status: 404 }),
      ),
    );
    const api = client({ authenticate: () => ({ authorization: `Bearer ${canary}` }), logger });
    const errors = [
      await failure(api.call({ method: 'GET', path: 'jobs', searchParams: { api_key: canary } })),
      await failure(api.call({ method: 'GET', path: 'gone' })),
    ];
    expect(errors.every((error) => error !== undefined)).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [
      ...lines,
      ...errors.map((error) => (error as Error).message),
      ...errors.map((error) => JSON.stringify(error)),
      ...errors.map((error) => inspect(error)),
      ...errors.map((error) => String(error)),
    ]) {
      expect(text).not.toContain(canary);
    }
  });
});

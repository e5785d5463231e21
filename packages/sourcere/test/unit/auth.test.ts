import { AuthenticationError } from '@stemkit/core';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, test } from 'vitest';
import * as seed from '../fixtures/seed-000.ts';
import { createHandle } from '../helpers/handle.ts';
import { API, PASSWORD, useSeedApi } from '../helpers/seed-api.ts';

const api = useSeedApi();
const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', { stems: ['vocals'] });

/** `/auth/` hands out `Bearer token-1`, `Bearer token-2`… living `expiry` seconds; progress accepts `valid` ones. */
function tokenServer(options: { expiry?: number; valid?: (token: string) => boolean } = {}) {
  let issued = 0;
  api.server.use(
    http.post(`${API}/auth/`, async () => {
      issued += 1;
      await delay(20);
      return HttpResponse.json({ token: `Bearer token-${issued}`, expiry: options.expiry ?? 86_400 });
    }),
    http.get(`${API}/separation/progress`, ({ request }) =>
      (options.valid ?? (() => true))(request.headers.get('authorization') ?? '')
        ? HttpResponse.json(seed.progressFinished.body)
        : HttpResponse.json(
            { status: 401, error: 'Unauthorized', message: 'Token expired' },
            { status: 401 },
          ),
    ),
  );
}

describe('authentication', () => {
  test('nothing is sent before the first call', () => {
    api.driver();

    expect(api.calls).toHaveLength(0);
  });

  test('one login serves later calls', async () => {
    tokenServer();
    const driver = api.driver();

    for (let index = 0; index < 3; index += 1) await driver.status(handle);

    expect(api.callsTo('/auth/')).toHaveLength(1);
    expect(api.callsTo('/separation/progress').map((call) => call.headers.get('authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  test('concurrent first calls share one login', async () => {
    tokenServer();
    const driver = api.driver();

    await Promise.all(Array.from({ length: 5 }, () => driver.status(handle)));

    expect(api.callsTo('/auth/')).toHaveLength(1);
  });

  test('a token within renewBeforeMs of its expiry is renewed before use', async () => {
    tokenServer({ expiry: 30 });
    const driver = api.driver({ renewBeforeMs: 60_000 });

    await driver.status(handle);
    await driver.status(handle);

    expect(api.callsTo('/auth/')).toHaveLength(2);
    expect(api.callsTo('/separation/progress').at(-1)?.headers.get('authorization')).toBe('Bearer token-2');
  });

  test('a 401 on a call logs in again once and repeats the call', async () => {
    tokenServer({ valid: (token) => token !== 'Bearer token-1' });

    const { job } = await api.driver().status(handle);

    expect(job.status).toBe('succeeded');
    expect(api.callsTo('/auth/')).toHaveLength(2);
    expect(api.callsTo('/separation/progress')).toHaveLength(2);
  });

  test('concurrent calls refused with the same expired token log in again only once', async () => {
    tokenServer({ valid: (token) => token !== 'Bearer token-1' });
    const driver = api.driver();

    await Promise.all(Array.from({ length: 4 }, () => driver.status(handle)));

    expect(api.callsTo('/auth/')).toHaveLength(2);
  });

  test('a token refused again after renewal is an authentication error', async () => {
    tokenServer({ valid: () => false });

    const error = await api
      .driver()
      .status(handle)
      .catch((caught: unknown) => caught);

    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Token expired');
    expect(api.callsTo('/separation/progress')).toHaveLength(2);
  });

  test('bad credentials are an authentication error with the provider message and no password', async () => {
    api.server.use(
      http.post(`${API}/auth/`, () =>
        HttpResponse.json(
          { status: 401, error: 'Unauthorized', message: 'Bad credentials' },
          { status: 401 },
        ),
      ),
    );

    const error = await api
      .driver()
      .status(handle)
      .catch((caught: unknown) => caught);

    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as Error).message).toContain('Bad credentials');
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
    expect(api.callsTo('/auth/')).toHaveLength(1);
    expect(api.callsTo('/separation/progress')).toHaveLength(0);
  });
});

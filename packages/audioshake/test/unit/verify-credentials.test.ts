import { AuthenticationError, ConnectionError, type StemkitDriver } from '@stemkit/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { audioshakeLegacy, audioshakeTasks } from '../../src/index.ts';
import { LEGACY_ORIGIN, TASKS_ORIGIN, useMockServer } from '../helpers/msw.ts';

const server = useMockServer();

// Each API's cheap authenticated call: the legacy token ping, the smallest page of tasks.
const apis: Record<
  string,
  { driver: () => StemkitDriver; route: string; seen: (request: Request) => boolean }
> = {
  legacy: {
    driver: () => audioshakeLegacy({ token: 'legacy-token', baseUrl: LEGACY_ORIGIN, retryLimit: 0 }),
    route: `${LEGACY_ORIGIN}/job/`,
    seen: (request) => request.headers.get('authorization') === 'Bearer legacy-token',
  },
  tasks: {
    driver: () => audioshakeTasks({ apiKey: 'tasks-key', baseUrl: TASKS_ORIGIN, retryLimit: 0 }),
    route: `${TASKS_ORIGIN}/tasks`,
    seen: (request) =>
      request.headers.get('x-api-key') === 'tasks-key' &&
      new URL(request.url).searchParams.get('take') === '1',
  },
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(Object.keys(apis))('verifyCredentials on %s', (name) => {
  const api = apis[name]!;

  it('resolves when the API takes the credential, with one authenticated GET', async () => {
    const requests: Request[] = [];
    server.use(
      http.get(api.route, ({ request }) => {
        requests.push(request);
        return HttpResponse.json(name === 'legacy' ? { message: 'Token is valid' } : []);
      }),
    );
    await api.driver().verifyCredentials?.();
    expect(requests).toHaveLength(1);
    expect(api.seen(requests[0]!)).toBe(true);
  });

  it.each([401, 403])('throws AuthenticationError on %i', async (status) => {
    server.use(http.get(api.route, () => HttpResponse.json({ message: 'Invalid token' }, { status })));
    const error = await caught(api.driver().verifyCredentials!());
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toMatch(/legacy-token|tasks-key/);
  });

  it.each([404, 500])('resolves on %i, which says nothing about the key', async (status) => {
    server.use(http.get(api.route, () => HttpResponse.json({ message: 'no' }, { status })));
    await expect(api.driver().verifyCredentials!()).resolves.toBeUndefined();
  });

  it('rejects when there is no answer at all, so the client asks again', async () => {
    server.use(http.get(api.route, () => HttpResponse.error()));
    expect(ConnectionError.isInstance(await caught(api.driver().verifyCredentials!()))).toBe(true);
  });
});

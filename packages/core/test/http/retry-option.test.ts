import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, ProviderError, RateLimitError } from '../../src/driver/index.ts';

// `retry: false` (issue #26): a callback's confirmation is one request, whatever the provider answers.

const API = 'https://api.acme.test/v1/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Answers `status` (with `Retry-After: 0`) every time; counts the attempts. */
function always(status: number): number[] {
  const attempts: number[] = [];
  server.use(
    http.get(`${API}jobs`, () => {
      attempts.push(Date.now());
      return HttpResponse.json({ message: 'no' }, { status, headers: { 'retry-after': '0' } });
    }),
  );
  return attempts;
}

const client = () =>
  createHttpClient({ provider: 'acme', baseUrl: API, authenticate: () => ({ authorization: 'Bearer t' }) });

describe('ApiRequest.retry', () => {
  it.each([429, 500, 503])(
    'false: a GET answered %i is sent once and its error thrown at once',
    async (status) => {
      const attempts = always(status);
      const error = await client()
        .call({ method: 'GET', path: 'jobs', retry: false })
        .catch((caught: unknown) => caught);
      expect(ProviderError.isInstance(error) && error.status).toBe(status);
      if (status === 429) expect(RateLimitError.isInstance(error)).toBe(true);
      expect(attempts).toHaveLength(1);
    },
  );

  it('left out: the same GET is retried as before', async () => {
    const attempts = always(429);
    await client()
      .call({ method: 'GET', path: 'jobs' })
      .catch(() => undefined);
    expect(attempts).toHaveLength(4);
  });
});

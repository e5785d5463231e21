import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, ProviderError } from '../../src/driver/index.ts';

// `ApiRequest.idempotencyKey`: a creating call that carries one is repeated on a 5xx like an idempotent call,
// since the provider makes nothing twice for the key; without one, a 5xx after a POST may have made a job.

const API = 'https://api.acme.test/v1/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Answers 503 (with `Retry-After: 0`) `failures` times, then 200; records each body's key. */
function flaky(failures: number): string[] {
  const keys: string[] = [];
  let left = failures;
  server.use(
    http.post(`${API}split`, async ({ request }) => {
      keys.push(((await request.json()) as { idempotency_key: string }).idempotency_key);
      if (left-- > 0)
        return HttpResponse.json({ detail: 'busy' }, { status: 503, headers: { 'retry-after': '0' } });
      return HttpResponse.json({ task_id: 't-1' });
    }),
  );
  return keys;
}

const client = () =>
  createHttpClient({ provider: 'acme', baseUrl: API, authenticate: () => ({ 'x-key': 'k' }) });

describe('ApiRequest.idempotencyKey', () => {
  it('a POST carrying a key is retried after a 503, with the same key', async () => {
    const keys = flaky(2);
    const { data } = await client().call({
      method: 'POST',
      path: 'split',
      json: { idempotency_key: 'key-1' },
      idempotencyKey: 'key-1',
    });
    expect(data).toEqual({ task_id: 't-1' });
    expect(keys).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('the same POST without a key is sent once: a 503 may have made a job', async () => {
    const keys = flaky(1);
    const error = await client()
      .call({ method: 'POST', path: 'split', json: { idempotency_key: 'key-1' } })
      .catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error) && error.status).toBe(503);
    expect(keys).toHaveLength(1);
  });
});

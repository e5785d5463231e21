import { describe, expect, it } from 'vitest';
import { createFaultyFetch } from '../src/index.ts';

const api = (url: URL) => url.pathname.startsWith('/api/');
const ok = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  return new Response(`ok ${request.method} ${new URL(request.url).pathname}`);
};

describe('createFaultyFetch', () => {
  it('fails the next API requests with the status, then lets them through', async () => {
    const faulty = createFaultyFetch(ok, { isApiRequest: api });
    faulty.failNextRequests(503, 2);
    const statuses = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await faulty.fetch('https://x.test/api/jobs')).status);
    expect(statuses).toEqual([503, 503, 200]);
    const storage = await faulty.fetch('https://storage.test/file.wav');
    expect(storage.status).toBe(200);
  });

  it('answers a 429 and a 503 with a zero Retry-After and a JSON error body', async () => {
    const faulty = createFaultyFetch(ok, { isApiRequest: api });
    faulty.failNextRequests(429, 1);
    const response = await faulty.fetch('https://x.test/api/jobs');
    expect(response.headers.get('retry-after')).toBe('0');
    expect(await response.json()).toMatchObject({ error: { code: 'injected_429' } });
  });

  it('clears a fault with a count of 0', async () => {
    const faulty = createFaultyFetch(ok, { isApiRequest: api });
    faulty.failNextRequests(500, 10);
    faulty.failNextRequests(500, 0);
    expect((await faulty.fetch('https://x.test/api/jobs')).status).toBe(200);
  });

  it('expires only the next storage GET', async () => {
    const faulty = createFaultyFetch(ok, { isApiRequest: api });
    faulty.expireNextLink();
    expect((await faulty.fetch('https://x.test/api/jobs')).status).toBe(200);
    expect((await faulty.fetch('https://storage.test/a.wav')).status).toBe(403);
    expect((await faulty.fetch('https://storage.test/a.wav')).status).toBe(200);
  });

  it("answers at once when the failed request carries a body tee'd for a retry", async () => {
    const faulty = createFaultyFetch(ok, { isApiRequest: api });
    faulty.failNextRequests(500, 1);
    const original = new Request('https://x.test/api/jobs', {
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
    });
    const attempt = original.clone(); // what ky sends when it may retry: the body is now one branch of a tee
    const response = await faulty.fetch(attempt);
    expect(response.status).toBe(500);
    expect(await original.text()).toBe('{"a":1}');
  });
});

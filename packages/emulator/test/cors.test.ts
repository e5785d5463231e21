import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';

// A web page on another origin calls the APIs and the signed storage host: with `cors`, preflights pass and
// responses carry the headers a browser needs to let the page read them.
const pageOrigin = 'http://127.0.0.1:5173';

function preflight(url: string, method: string, headers: string) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin: pageOrigin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });
}

describe('with cors', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ cors: true });
  });
  afterAll(() => emulator.close());

  test('preflights of the APIs pass, with the headers the drivers send', async () => {
    for (const [url, headers] of [
      [`${emulator.sourcere.baseUrl}/auth/`, 'content-type'],
      [`${emulator.tasks.baseUrl}/tasks`, 'content-type,x-api-key'],
      [`${emulator.legacy.baseUrl}/job`, 'authorization,content-type'],
    ] as const) {
      const response = await preflight(url, 'POST', headers);
      expect(response.status, url).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')).toBe(headers);
    }
  });

  test('a preflight of a signed storage PUT passes', async () => {
    const response = await preflight(`${emulator.storageUrl}/stemkit-emulator/any`, 'PUT', 'content-type');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  test('answers, errors and faults included, let the page read the headers the drivers use', async () => {
    emulator.faults.set({ rateLimit: [{ api: 'tasks', count: 1, retryAfterSeconds: 3 }] });
    const limited = await fetch(`${emulator.tasks.baseUrl}/tasks`, {
      headers: { origin: pageOrigin, 'x-api-key': emulator.tasks.apiKey },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe('*');
    expect(limited.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
    const refused = await fetch(`${emulator.storageUrl}/stemkit-emulator/any`, {
      headers: { origin: pageOrigin },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });
});

test('without cors (the default), no CORS header is sent', async () => {
  const emulator = await startEmulator();
  try {
    const response = await preflight(`${emulator.sourcere.baseUrl}/auth/`, 'POST', 'content-type');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    await emulator.close();
  }
});

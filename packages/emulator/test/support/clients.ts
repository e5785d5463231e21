import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/index.ts';
import { testSongWav } from './audio.ts';
import { until } from './poll.ts';

/** A Sourcere session: the token and the JSON headers every call sends. */
export async function sourcereSession(emulator: Pick<RunningEmulator, 'sourcere'>) {
  const base = emulator.sourcere.baseUrl;
  const response = await fetch(`${base}/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: emulator.sourcere.username, password: emulator.sourcere.password }),
  });
  const { token } = await response.json();
  const headers = { authorization: token as string, 'content-type': 'application/json' };
  return {
    token: token as string,
    headers,
    get: (path: string) => fetch(`${base}${path}`, { headers }),
    post: (path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

export type SourcereSession = Awaited<ReturnType<typeof sourcereSession>>;

/** Creates an upload slot and PUTs a short song to it; returns the upload id. */
export async function uploadSong(session: SourcereSession, wav?: Uint8Array<ArrayBuffer>): Promise<string> {
  const created = await (await session.post('/separation/create')).json();
  const put = await fetch(created.signedUrl, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain' },
    body: wav ?? (await testSongWav(1, 8000, 1)),
  });
  expect(put.status).toBe(200);
  return created.uploadId;
}

/** Polls progress until the separation finished or failed. */
export async function separationResult(session: SourcereSession, separationId: string, timeoutMs?: number) {
  return until(async () => {
    const body = await (await session.get(`/separation/progress?separationId=${separationId}`)).json();
    const failed = body.events.some((event: { event: string }) => event.event === 'Failed');
    return body.outputFiles || failed ? body : undefined;
  }, timeoutMs);
}

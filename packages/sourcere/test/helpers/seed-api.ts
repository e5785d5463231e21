import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type SourcereDriverOptions, sourcere } from '../../src/index.ts';
import * as seed from '../fixtures/seed-000.ts';

/** The staging host of the seed's examples. */
export const API = 'https://api2.staging.sourceresoftware.com';
/** The storage host of the seed's signed URLs. */
export const STORAGE = 'https://storage.googleapis.com';
export const USERNAME = 'demixr.com';
export const PASSWORD = 'seed-password-never-shown';

/** One request the code under test sent, as msw saw it. */
export interface RecordedCall {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: Promise<string>;
}

/** The seed's answers, one handler per endpoint; metadata answers 202 once, then 200. */
function seedHandlers() {
  let metadataAsked = 0;
  return [
    http.post(`${API}/auth/`, () => HttpResponse.json(seed.loginResponse.body)),
    http.post(`${API}/separation/create`, () => HttpResponse.json(seed.createResponse.body)),
    http.put(`${STORAGE}/staging-separations/*`, () => new HttpResponse(null, { status: 200 })),
    http.get(`${API}/separation/metadata`, () =>
      metadataAsked++ === 0
        ? new HttpResponse(null, { status: 202, headers: { 'retry-after': '2' } })
        : HttpResponse.json(seed.metadataResponse.body),
    ),
    http.post(`${API}/separation/start`, () => HttpResponse.json(seed.startResponse.body)),
    http.post(`${API}/separation/trial`, () => HttpResponse.json(seed.trialResponse.body)),
    http.get(`${API}/separation/progress`, () => HttpResponse.json(seed.progressFinished.body)),
    http.get(`${API}/separation/download`, () => HttpResponse.json(seed.downloadResponse.body)),
    http.post(`${API}/separation/mix`, () => HttpResponse.json(seed.mixResponse.body)),
    http.post(`${API}/separation/zip`, () => HttpResponse.json(seed.zipResponse.body)),
  ];
}

/**
 * An msw server answering with the seed's example payloads, recording every request. Call it at the top of a
 * test file: it installs the hooks that start, reset and stop it.
 */
export function useSeedApi() {
  const calls: RecordedCall[] = [];
  const server = setupServer(...seedHandlers());
  server.events.on('request:start', ({ request }) => {
    calls.push({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: request.clone().text(),
    });
  });
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers(...seedHandlers());
    calls.length = 0;
  });
  afterAll(() => server.close());

  return {
    server,
    calls,
    /** The recorded calls to one path of the API. */
    callsTo: (path: string) => calls.filter((call) => call.url.origin === API && call.url.pathname === path),
    /** A driver on the seed's staging host, with fast retries. */
    driver: (options: SourcereDriverOptions = {}) =>
      sourcere({ username: USERNAME, password: PASSWORD, baseUrl: API, retryLimit: 2, ...options }),
  };
}

/** Parses a recorded call's JSON body. */
export async function jsonOf(call: RecordedCall | undefined): Promise<unknown> {
  if (!call) throw new Error('no such call was recorded');
  return JSON.parse(await call.body);
}

/** A stream of the given bytes, as the client hands uploads to drivers. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

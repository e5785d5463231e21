import {
  type Asset,
  InvalidResponseError,
  NotFoundError,
  ProviderError,
  type StartRequest,
  UploadError,
} from '@stemkit/core/driver';
import { HttpResponse, http } from 'msw';
import { describe, expect, test } from 'vitest';
import * as seed from '../fixtures/seed-000.ts';
import { createHandle } from '../helpers/handle.ts';
import { API, PASSWORD, STORAGE, streamOf, useSeedApi } from '../helpers/seed-api.ts';

const api = useSeedApi();
const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', { stems: ['vocals'] });
const source: Asset = {
  id: '5f0c5fbab669c67bbbd1e2eb',
  name: 'song.wav',
  role: 'source',
  provider: 'sourcere',
  raw: {},
};
const start: StartRequest = { source: { asset: source }, targets: [{ stem: 'vocals', formats: ['wav'] }] };
const sourcereError = (status: number, error: string, message: string) =>
  HttpResponse.json({ status, error, message }, { status });

/** `count` answers from `failing`, then the seed's. */
function failFirst(
  method: 'get' | 'post',
  path: string,
  count: number,
  failing: () => Response,
  then: Record<string, unknown>,
) {
  let answered = 0;
  api.server.use(
    http[method](`${API}${path}`, () => (answered++ < count ? failing() : HttpResponse.json(then))),
  );
}

async function caught(attempt: Promise<unknown>): Promise<Error> {
  return attempt.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('provider errors', () => {
  test('a 400 keeps the message of the Sourcere error body', async () => {
    api.server.use(
      http.post(`${API}/separation/start`, () =>
        sourcereError(400, 'Bad Request', 'Unknown uploadId format'),
      ),
    );

    const error = await caught(api.driver().start(start));

    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).status).toBe(400);
    expect(error.message).toContain('Unknown uploadId format');
  });

  test('a 404 is a not-found error', async () => {
    api.server.use(
      http.get(`${API}/separation/progress`, () =>
        sourcereError(404, 'Not Found', 'No separation with this id'),
      ),
    );

    const error = await caught(api.driver().status(handle));

    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain('No separation with this id');
  });

  test('a start answered 429 is repeated after Retry-After', async () => {
    failFirst(
      'post',
      '/separation/start',
      1,
      () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '0' } }),
      seed.startResponse.body,
    );

    const result = await api.driver().start(start);

    expect(result.handle.id).toBe('5f0c60f3b669c67bbbd1e2ee');
    expect(api.callsTo('/separation/start')).toHaveLength(2);
  });

  test('a start answered 503 is not repeated: it may have started', async () => {
    failFirst(
      'post',
      '/separation/start',
      1,
      () => sourcereError(503, 'Service Unavailable', 'busy'),
      seed.startResponse.body,
    );

    const error = await caught(api.driver().start(start));

    expect((error as ProviderError).status).toBe(503);
    expect(api.callsTo('/separation/start')).toHaveLength(1);
  });

  test('a progress read answered 500 is repeated', async () => {
    failFirst(
      'get',
      '/separation/progress',
      2,
      () => sourcereError(500, 'Internal Server Error', 'oops'),
      seed.progressFinished.body,
    );

    const { job } = await api.driver().status(handle);

    expect(job.status).toBe('succeeded');
    expect(api.callsTo('/separation/progress')).toHaveLength(3);
  });

  test('a body without the field the driver needs is an invalid response', async () => {
    api.server.use(http.post(`${API}/separation/start`, () => HttpResponse.json({ id: 'x' })));

    const error = await caught(api.driver().start(start));

    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('separationId');
  });
});

describe('upload errors', () => {
  test('an undecodable upload is an upload error with the provider message', async () => {
    api.server.use(
      http.get(`${API}/separation/metadata`, () =>
        HttpResponse.json({
          duration: 0,
          numChannels: 0,
          sampleRate: 0,
          message: 'Not decodable audio: bad header',
          success: false,
        }),
      ),
    );

    const error = await caught(api.driver().inspect(source));

    expect(UploadError.isInstance(error)).toBe(true);
    expect(error.message).toContain('Not decodable audio: bad header');
  });

  test('a signed URL refused by storage (403) is an upload error', async () => {
    api.server.use(
      http.put(`${STORAGE}/staging-separations/*`, () => new HttpResponse('expired', { status: 403 })),
    );

    const error = await caught(api.driver().upload({ body: streamOf(new Uint8Array(8)), name: 'song.wav' }));

    expect(UploadError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/403.*expired/);
  });
});

describe('secrets', () => {
  test('neither the password, nor the token, nor a URL signature appears in an error', async () => {
    api.server.use(
      http.get(`${API}/separation/progress`, ({ request }) =>
        sourcereError(
          500,
          'Internal Server Error',
          `failed for ${request.headers.get('authorization')} and ${PASSWORD}`,
        ),
      ),
    );

    const error = await caught(api.driver({ retryLimit: 0 }).status(handle));

    const shown = `${error.message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain((seed.loginResponse.body.token as string).slice(7));
    expect(shown).toContain('[redacted]');
  });
});

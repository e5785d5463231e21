import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  createHttpClient,
  UploadError,
  type UploadRequest,
  uploadFromUrl,
  uploadMultipart,
  uploadRaw,
  uploadToSignedUrl,
} from '../../src/driver/index.ts';

const API = 'https://api.acme.test/v1/';
const STORAGE = 'https://storage.acme.test/';
const KEY = 'upload-secret-key-0123';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const Answer = z.looseObject({ id: z.string() });
const api = createHttpClient({ provider: 'acme', baseUrl: API, authenticate: () => ({ 'x-api-key': KEY }) });

function file(name: string, text = 'RIFF-bytes', contentType?: string): UploadRequest {
  const bytes = new TextEncoder().encode(text);
  return {
    name,
    size: bytes.byteLength,
    ...(contentType ? { contentType } : {}),
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
  };
}

interface Seen {
  headers: Headers;
  body: string;
  method: string;
  json?: unknown;
}

function capture(method: 'post' | 'put', url: string, answer: object = { id: 'asset-1' }, status = 200) {
  const seen: Seen[] = [];
  server.use(
    http[method](url, async ({ request }) => {
      const body = await request.text();
      seen.push({ headers: request.headers, body, method: request.method });
      return HttpResponse.json(answer, { status });
    }),
  );
  return seen;
}

describe('uploadMultipart', () => {
  it('sends one file part named after the file, typed from its extension', async () => {
    const seen = capture('post', `${API}assets`);
    await expect(
      uploadMultipart(api, file('song.flac'), { path: 'assets', schema: Answer }),
    ).resolves.toEqual({
      id: 'asset-1',
    });
    const [request] = seen;
    expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.body).toContain('Content-Disposition: form-data; name="file"; filename="song.flac"');
    expect(request?.body).toContain('Content-Type: audio/flac');
    expect(request?.body).toContain('RIFF-bytes');
    expect(request?.headers.get('x-api-key')).toBe(KEY);
  });

  it('takes another field name', async () => {
    const seen = capture('post', `${API}upload`);
    await uploadMultipart(api, file('a.wav'), { path: 'upload', schema: Answer, field: 'audio' });
    expect(seen[0]?.body).toContain('name="audio"; filename="a.wav"');
  });
});

describe('uploadRaw', () => {
  it('sends the bytes as the body, named by Content-Disposition', async () => {
    const seen = capture('post', `${API}upload`);
    await uploadRaw(api, file('song.mp3'), { path: 'upload', schema: Answer });
    expect(seen[0]).toMatchObject({ body: 'RIFF-bytes', method: 'POST' });
    expect(seen[0]?.headers.get('content-disposition')).toBe('attachment; filename="song.mp3"');
    expect(seen[0]?.headers.get('content-type')).toBe('audio/mpeg');
  });

  it('encodes a non-ASCII name as RFC 8187 filename* with an ASCII fallback', async () => {
    const seen = capture('post', `${API}upload`);
    await uploadRaw(api, file('Sigur Rós — ágætis.wav'), { path: 'upload', schema: Answer });
    expect(seen[0]?.headers.get('content-disposition')).toBe(
      `attachment; filename="Sigur R?s ? ?g?tis.wav"; filename*=UTF-8''Sigur%20R%C3%B3s%20%E2%80%94%20%C3%A1g%C3%A6tis.wav`,
    );
  });

  it("escapes RFC 8187's non-attr-chars ' ( ) * in filename*", async () => {
    const seen = capture('post', `${API}upload`);
    await uploadRaw(api, file("l'été (live)*.wav"), { path: 'upload', schema: Answer });
    expect(seen[0]?.headers.get('content-disposition')).toBe(
      `attachment; filename="l'?t? (live)*.wav"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%28live%29%2A.wav`,
    );
  });

  it('header injection: a file name with quotes, CR and LF cannot add a header or break the parameter', async () => {
    const seen = capture('post', `${API}upload`);
    await uploadRaw(api, file('a"; filename="evil.sh\r\nX-Injected: 1.wav'), {
      path: 'upload',
      schema: Answer,
    });
    const header = seen[0]?.headers.get('content-disposition') ?? '';
    expect(seen[0]?.headers.get('x-injected')).toBeNull();
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(
      /^attachment; filename="a\\"; filename=\\"evil\.sh\?\?X-Injected: 1\.wav"; filename\*=/,
    );
  });

  it('keeps the caller’s content type', async () => {
    const seen = capture('put', `${API}files/1`);
    await uploadRaw(api, file('x.bin', 'b', 'audio/wav'), { path: 'files/1', schema: Answer, method: 'PUT' });
    expect(seen[0]?.headers.get('content-type')).toBe('audio/wav');
  });
});

describe('uploadToSignedUrl', () => {
  it('creates the slot, then PUTs the bytes there without the credential', async () => {
    const created = capture('post', `${API}uploads`, { id: 'slot-1', url: `${STORAGE}slot-1?sig=abc` });
    const stored = capture('put', `${STORAGE}slot-1`);
    const slot = await uploadToSignedUrl(api, file('song.wav'), async () => {
      const { data } = await api.call({
        method: 'POST',
        path: 'uploads',
        json: {},
        idempotent: false,
        schema: z.looseObject({ id: z.string(), url: z.string() }),
      });
      return data;
    });
    expect(slot.id).toBe('slot-1');
    expect(created).toHaveLength(1);
    expect(stored[0]).toMatchObject({ body: 'RIFF-bytes', method: 'PUT' });
    expect(stored[0]?.headers.get('x-api-key')).toBeNull();
    expect(stored[0]?.headers.get('content-type')).toBe('audio/wav');
  });

  it('sends the slot’s method and headers, never a credential header it names', async () => {
    const stored = capture('post', `${STORAGE}form`);
    await uploadToSignedUrl(api, file('a.wav'), async () => ({
      url: `${STORAGE}form`,
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-api-key': KEY },
    }));
    expect(stored[0]?.headers.get('content-type')).toBe('text/plain');
    expect(stored[0]?.headers.get('x-api-key')).toBeNull();
  });

  it('says an expired signature is one when the storage answers 403', async () => {
    capture('put', `${STORAGE}late`, {}, 403);
    const upload = uploadToSignedUrl(api, file('late.wav'), async () => ({ url: `${STORAGE}late` }));
    await expect(upload).rejects.toBeInstanceOf(UploadError);
    await expect(upload).rejects.toMatchObject({
      provider: 'acme',
      message:
        'acme storage refused the upload of late.wav (403): the signed upload URL expired or was altered',
    });
  });
});

describe('uploadFromUrl', () => {
  it('asks the provider to fetch the URL, named by its last segment (no signature in the name)', async () => {
    const seen: unknown[] = [];
    server.use(
      http.post(`${API}upload/link`, async ({ request }) => {
        seen.push(await request.json());
        return HttpResponse.json({ id: 'asset-2' });
      }),
    );
    const url = 'https://cdn.test/masters/song%202.wav?X-Amz-Signature=s';
    await uploadFromUrl(api, url, { path: 'upload/link', schema: Answer });
    await uploadFromUrl(api, url, { path: 'upload/link', schema: Answer, urlField: 'link' });
    expect(seen).toEqual([
      { url, name: 'song 2.wav' },
      { link: url, name: 'song 2.wav' },
    ]);
  });
});

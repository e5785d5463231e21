import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  createHttpClient,
  multipartFile,
  RateLimitError,
} from '../../src/driver/index.ts';

const API = 'https://api.stream.test/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

const client = () =>
  createHttpClient({ provider: 'stream', baseUrl: API, authenticate: () => ({ 'xi-api-key': 'k' }) });

describe("responseType: 'stream'", () => {
  it('hands a binary 2xx body back unread, as a stream of its bytes', async () => {
    const bytes = new Uint8Array(70_000).map((_, index) => index % 251);
    server.use(
      http.post(
        `${API}zip`,
        () => new HttpResponse(bytes, { headers: { 'content-type': 'application/zip' } }),
      ),
    );
    const response = await client().call({ method: 'POST', path: 'zip', responseType: 'stream' });
    expect(response.data).toBeInstanceOf(ReadableStream);
    expect(new Uint8Array(await new Response(response.data).arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('application/zip');
  });

  it('maps error answers as any call does: a 401 is an AuthenticationError, a 429 a RateLimitError', async () => {
    server.use(
      http.post(`${API}refused`, () =>
        HttpResponse.json(
          { detail: { status: 'invalid_api_key', message: 'Invalid API key' } },
          { status: 401 },
        ),
      ),
      http.post(`${API}busy`, () =>
        HttpResponse.json(
          { detail: { status: 'system_busy' } },
          { status: 429, headers: { 'retry-after': '0' } },
        ),
      ),
    );
    await expect(
      client().call({ method: 'POST', path: 'refused', responseType: 'stream' }),
    ).rejects.toSatisfy((error) => AuthenticationError.isInstance(error));
    await expect(
      client().call({ method: 'POST', path: 'busy', responseType: 'stream', retry: false }),
    ).rejects.toSatisfy((error) => RateLimitError.isInstance(error));
  });
});

describe('multipartFile fields', () => {
  it('sends text fields before the file part, escaping a hostile field name and value', async () => {
    const multipart = multipartFile({
      field: 'file',
      fileName: 'song.wav',
      body: new Blob([new Uint8Array([1, 2])]).stream(),
      size: 2,
      fields: { stem_variation_id: 'two_stems_v1', 'evil"\r\nname': 'a\r\nContent-Type: x' },
    });
    const bytes = new Uint8Array(await new Response(multipart.body).arrayBuffer());
    expect(bytes.byteLength).toBe(multipart.length);
    const form = await new Response(bytes, { headers: { 'content-type': multipart.contentType } }).formData();
    expect(form.get('stem_variation_id')).toBe('two_stems_v1');
    expect(form.get('evil___name')).toBe('a Content-Type: x');
    expect(new Uint8Array(await (form.get('file') as Blob).arrayBuffer())).toEqual(new Uint8Array([1, 2]));
  });
});

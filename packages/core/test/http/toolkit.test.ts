import { describe, expect, it } from 'vitest';
import { createTokenCache, multipartFile } from '../../src/driver/index.ts';

describe('multipartFile', () => {
  it('wraps a stream in one multipart part without reading it ahead, with the exact length', async () => {
    let pulls = 0;
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const multipart = multipartFile({
      field: 'file',
      fileName: 'a "b".wav',
      contentType: 'audio/wav',
      body,
      size: 5,
    });
    expect(pulls).toBe(0);
    const bytes = new Uint8Array(await new Response(multipart.body).arrayBuffer());
    expect(bytes.byteLength).toBe(multipart.length);
    const text = new TextDecoder('latin1').decode(bytes);
    const boundary = multipart.contentType.split('boundary=')[1];
    expect(text).toContain(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a _b_.wav"`,
    );
    expect(text).toContain('Content-Type: audio/wav\r\n\r\n\x01\x02\x03\x04\x05\r\n');
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});

describe('createTokenCache', () => {
  it('logs in once for concurrent callers, renews before expiry and after invalidation', async () => {
    let now = 0;
    let logins = 0;
    const cache = createTokenCache(
      async () => {
        logins++;
        return { value: `token-${logins}`, expiresAt: now + 120_000 };
      },
      { renewBeforeMs: 60_000, now: () => now },
    );
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([
      'token-1',
      'token-1',
      'token-1',
    ]);
    now = 59_000;
    expect(await cache.get()).toBe('token-1');
    now = 61_000;
    expect(await cache.get()).toBe('token-2');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    cache.invalidate('token-2');
    expect(await cache.get()).toBe('token-3');
  });
});

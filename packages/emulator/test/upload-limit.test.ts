import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmulatorCore } from '../src/core.ts';
import { type RunningEmulator, startEmulator } from '../src/index.ts';

// A small limit stands in for the documented 2 GiB: the same code paths, without moving gigabytes.
const limit = 1024 ** 2;
const boundary = 'stemkit-upload-limit';
const encoder = new TextEncoder();
const head = encoder.encode(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n` +
    'Content-Type: audio/wav\r\n\r\n',
);
const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
const contentType = `multipart/form-data; boundary=${boundary}`;

let emulator: RunningEmulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stemkit-upload-limit-'));
  emulator = await startEmulator({ dataDir, maxUploadBytes: limit });
});
afterAll(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under the stored objects folder, half-written parts included. */
function storedFiles(): string[] {
  try {
    return readdirSync(join(dataDir, 'objects'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/** A whole multipart body whose file part holds `size` bytes. */
function multipartBody(size: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(head.length + size + tail.length);
  body.set(head);
  body.fill(0x55, head.length, head.length + size);
  body.set(tail, head.length + size);
  return body;
}

/** The same body as a stream of 64 KiB chunks, sent chunked (no content-length). */
function chunkedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x55);
  let queuedTail = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    pull(controller) {
      if (sent < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        controller.enqueue(part);
      } else if (!queuedTail) {
        queuedTail = true;
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

const apis = [
  {
    name: 'Tasks POST /assets',
    url: () => `${emulator.tasks.baseUrl}/assets`,
    auth: (): Record<string, string> => ({ 'x-api-key': emulator.tasks.apiKey }),
  },
  {
    name: 'legacy POST /upload',
    url: () => `${emulator.legacy.baseUrl}/upload`,
    auth: (): Record<string, string> => ({ authorization: `Bearer ${emulator.legacy.token}` }),
  },
];

const tooLarge = { error: 'Payload Too Large', message: `The file is larger than ${limit} bytes` };

/** Posts a multipart body to one of the upload routes. */
function post(api: (typeof apis)[number], body: BodyInit): Promise<Response> {
  return fetch(api.url(), {
    method: 'POST',
    headers: { ...api.auth(), 'content-type': contentType },
    body,
    // Needed for a stream body, harmless for the others.
    duplex: 'half',
    signal: AbortSignal.timeout(10_000),
  } as RequestInit);
}

/** The 413 every oversize upload gets, with nothing left behind in storage. */
async function expectRefused(response: Response, before: string[]): Promise<void> {
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual(tooLarge);
  expect(storedFiles()).toEqual(before);
}

describe.each(apis)('$name upload limit', (api) => {
  test('a declared content-length over the limit is answered 413 without storing anything', async () => {
    const before = storedFiles();
    const started = performance.now();
    const response = await post(api, multipartBody(limit + 256 * 1024));
    expect(performance.now() - started).toBeLessThan(10_000);
    await expectRefused(response, before);
  });

  test('a chunked upload that crosses the limit mid-stream is answered 413 and its part removed', async () => {
    const before = storedFiles();
    await expectRefused(await post(api, chunkedBody(8 * limit)), before);
  });

  test('a file one byte over the limit within a plausible content-length is 413 mid-stream', async () => {
    const before = storedFiles();
    await expectRefused(await post(api, multipartBody(limit + 1)), before);
  });

  test('a file of exactly the limit is stored, and the emulator kept serving after the refusals', async () => {
    const before = storedFiles();
    const response = await post(api, multipartBody(limit));
    expect(response.status).toBe(200);
    await response.json();
    const added = storedFiles().filter((file) => !before.includes(file));
    expect(added).toHaveLength(1);
    expect(added[0]).not.toMatch(/\.part$/);
  });
});

test('a client waiting on Expect: 100-continue is answered 413 from its content-length, never asked for the body', async () => {
  const url = new URL(`${emulator.tasks.baseUrl}/assets`);
  const outcome = await new Promise<{
    status: number;
    continued: boolean;
    body: unknown;
    connection?: string;
  }>((resolve, reject) => {
    let continued = false;
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'x-api-key': emulator.tasks.apiKey,
          'content-type': contentType,
          'content-length': String(2 * limit),
          expect: '100-continue',
        },
        timeout: 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            continued,
            body: JSON.parse(Buffer.concat(chunks).toString()),
            connection: response.headers.connection,
          }),
        );
      },
    );
    request.on('continue', () => {
      continued = true;
      request.end(new Uint8Array(2 * limit));
    });
    request.on('timeout', () => request.destroy(new Error('no answer')));
    request.on('error', reject);
    request.flushHeaders();
  });
  expect(outcome).toEqual({ status: 413, continued: false, body: tooLarge, connection: 'close' });
});

test('without a socket (the msw transport), a streamed oversize upload is 413 and its part removed', async () => {
  const core = createEmulatorCore({ dataDir, maxUploadBytes: limit }, 'http://storage.test');
  try {
    const before = storedFiles();
    const stream = chunkedBody(4 * limit);
    const response = await core.apps.tasks.fetch(
      new Request('http://tasks.test/assets', {
        method: 'POST',
        headers: { 'x-api-key': emulator.tasks.apiKey, 'content-type': contentType },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    await expectRefused(response, before);
  } finally {
    await core.close();
  }
});

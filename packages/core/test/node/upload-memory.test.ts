import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MEBIBYTES = 256;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // A receiver slower than the sender, so anything that reads the body ahead of the socket piles it up.
  server = createServer((request, response) => {
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      request.pause();
      setImmediate(() => request.resume());
    });
    request.on('end', () => response.end(String(received)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('uploads on Node', () => {
  it(`stream a ${MEBIBYTES} MiB body with memory bounded by the socket, not the file`, async () => {
    const child = fileURLToPath(new URL('fixtures/upload-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [child, baseUrl, String(MEBIBYTES)], {
      timeout: 120_000,
    });
    const result = JSON.parse(stdout) as { received: string[]; beforeMiB: number; peakMiB: number };
    const bytes = String(MEBIBYTES * 1024 * 1024);
    expect(result.received).toEqual([bytes, bytes]);
    // Buffering the body would add its whole size; streaming adds socket and stream buffers only.
    expect(result.peakMiB - result.beforeMiB).toBeLessThan(MEBIBYTES / 2);
  }, 150_000);
});

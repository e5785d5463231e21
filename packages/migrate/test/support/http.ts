import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type Asset, createStemkit, type Job, type Stemkit, type StemkitDriver } from '@stemkit/core';

/** A few seconds of a synthetic stereo song, as WAV bytes. */
export function sampleSong(seconds = 3): Uint8Array {
  return encodeWav(synthesizeMixture({ seed: 7, seconds, sampleRate: 22_050 }).mixture);
}

/** The client as an app would create it, polling fast enough for tests. */
export function clientFor(driver: StemkitDriver): Stemkit {
  return createStemkit({ driver, wait: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 60_000 } });
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Downloads one output through the client, reading the whole stream. */
export async function downloadBytes(stemkit: Stemkit, asset: Asset): Promise<Uint8Array> {
  const { body } = await stemkit.download(asset);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Every output of a job, downloaded, with its checksum. */
export function downloadAll(stemkit: Stemkit, job: Job) {
  return Promise.all(
    job.targets
      .flatMap((target) => target.outputs)
      .map(async (asset) => {
        const bytes = await downloadBytes(stemkit, asset);
        return { asset, bytes, checksum: sha256(bytes) };
      }),
  );
}

/** A loopback receiver for callbacks: every POSTed JSON body, in arrival order. */
export async function startReceiver() {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Serves `bytes` at `http://127.0.0.1:<port>/<name>`, for URL sources. */
export async function serveFile(bytes: Uint8Array, name: string, contentType = 'audio/wav') {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.byteLength) });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

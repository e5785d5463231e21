import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type Asset, createStemkit, type Job, type Stemkit, type StemkitDriver } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';

/** A few seconds of a synthetic stereo song (vocals, drums, bass, other), as WAV bytes. */
export function sampleSong(seconds = 3): Uint8Array {
  return encodeWav(synthesizeMixture({ seed: 7, seconds, sampleRate: 22_050 }).mixture);
}

/** The client as an app would create it, polling fast enough for tests. */
export function clientFor(driver: StemkitDriver): Stemkit {
  return createStemkit({ driver, wait: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 60_000 } });
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Downloads an output through the client, reading the whole stream. */
export async function downloadBytes(stemkit: Stemkit, asset: Asset): Promise<Uint8Array> {
  const { body } = await stemkit.download(asset);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Every output of a job, downloaded, with its checksum. */
export async function downloadAll(stemkit: Stemkit, job: Job) {
  const outputs = job.targets.flatMap((target) => target.outputs);
  return Promise.all(
    outputs.map(async (asset) => {
      const bytes = await downloadBytes(stemkit, asset);
      return { asset, bytes, checksum: sha256(bytes) };
    }),
  );
}

/** The checksum of a file the emulator wrote, by its storage key (`legacy/<job>/<name>`, `tasks/<task>/…`). */
export async function storedChecksum(emulator: RunningEmulator, key: string): Promise<string> {
  return sha256(await readFile(join(emulator.dataDir, 'objects', key)));
}

/** A loopback receiver for callbacks and webhooks: every POSTed JSON body, in arrival order. */
export async function startReceiver() {
  const bodies: unknown[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    bodies,
    /** Resolves once `count` bodies have arrived (bounded by the test timeout). */
    async received(count: number): Promise<unknown[]> {
      while (bodies.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return bodies;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Serves `bytes` at `http://127.0.0.1:<port>/<name>` over loopback, for URL sources. */
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

/** The status a GET of `url` answers, its body let go. */
export async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

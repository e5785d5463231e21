/**
 * Bad audio is refused before any upload, the same way on every driver, and a refused credential fails before
 * a large upload: over real HTTP to the emulator on 127.0.0.1, counting the requests it answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { AuthenticationError, InvalidArgumentError, type StemkitDriver } from '@stemkit/core';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emulator: RunningEmulator;
let folder: string;
const answered: Array<{ method: string; path: string; status: number }> = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'stemkit-bad-audio-'));
  emulator = await startEmulator({
    processing: { speed: 200 },
    onResponse: ({ method, path, status }) => answered.push({ method, path, status }),
  });
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  await rm(folder, { recursive: true, force: true });
});

type Credentials = 'good' | 'wrong';
const drivers: Record<string, (credentials: Credentials) => StemkitDriver> = {
  sourcere: (credentials) =>
    sourcere({ ...emulator.sourcere, ...(credentials === 'wrong' ? { password: 'not-the-password' } : {}) }),
  'audioshake-legacy': (credentials) =>
    audioshakeLegacy({
      baseUrl: emulator.legacy.baseUrl,
      token: credentials === 'wrong' ? 'not-the-token' : emulator.legacy.token,
    }),
  audioshake: (credentials) =>
    audioshakeTasks({
      baseUrl: emulator.tasks.baseUrl,
      apiKey: credentials === 'wrong' ? 'not-the-key' : emulator.tasks.apiKey,
    }),
};

/** Requests the emulator answered that start an upload, on any of its APIs. */
const isUpload = ({ method, path }: { method: string; path: string }) =>
  method === 'POST' && /\/(upload\/?|assets|separation\/create)$/.test(path);

/** The requests answered while `run` ran. */
async function counted<Value>(
  run: () => Promise<Value>,
): Promise<{ value: Value; requests: typeof answered }> {
  const from = answered.length;
  const value = await run();
  return { value, requests: answered.slice(from) };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const zeroFrameWav = sampleWav({ seconds: 0 });
const badFiles = {
  'an empty file': new Uint8Array(0),
  'a zero-frame WAV': zeroFrameWav,
  'a text file': new TextEncoder().encode('Dear diary, today I did not record a song.\n'),
};

describe('bad audio over the emulator', () => {
  for (const [what, bytes] of Object.entries(badFiles)) {
    it(`refuses ${what} on every driver, as a path, bytes, a Blob and a stream, with 0 requests sent`, async () => {
      const path = join(folder, `${what.replaceAll(' ', '-')}.wav`);
      await writeFile(path, bytes);
      const messages = new Set<string>();
      for (const [provider, driver] of Object.entries(drivers)) {
        const stemkit = createStemkit({ driver: driver('good') });
        const sources = [
          path,
          bytes,
          new Blob([bytes as Uint8Array<ArrayBuffer>]),
          new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(),
        ];
        const { value: errors, requests } = await counted(async () => {
          const errors: unknown[] = [];
          for (const source of sources) {
            errors.push(await caught(stemkit.separate({ source, name: 'song.wav', stems: ['vocals'] })));
            errors.push(
              await caught(
                stemkit.upload(
                  source instanceof ReadableStream
                    ? new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
                    : source,
                ),
              ),
            );
          }
          return errors;
        });
        for (const error of errors) {
          expect(InvalidArgumentError.isInstance(error), `${provider}: ${String(error)}`).toBe(true);
          expect((error as InvalidArgumentError).field).toBe('source');
          messages.add((error as Error).message);
        }
        expect(requests, provider).toEqual([]);
      }
      // Identical on every driver and for every form of the source.
      expect([...messages]).toHaveLength(1);
    });
  }

  it('still separates real audio given as a stream (the sniff loses no byte)', async () => {
    for (const [provider, driver] of Object.entries(drivers)) {
      const stemkit = createStemkit({
        driver: driver('good'),
        wait: { initialDelayMs: 20, maxDelayMs: 200 },
      });
      const song = sampleWav({ seconds: 1 });
      const job = await stemkit.wait(
        await stemkit.separate({ source: new Blob([song]).stream(), name: 'song.wav', stems: ['vocals'] }),
      );
      expect(job.status, provider).toBe('succeeded');
      expect(job.source?.sizeBytes ?? song.byteLength, provider).toBe(song.byteLength);
    }
  });
});

/** A WAV of `size` bytes, made as it is read, counting the bytes anything pulled from it. */
function largeWav(size: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  const header = sampleWav({ seconds: 0 }).slice(0, 44);
  new DataView(header.buffer).setUint32(40, size - 44, true);
  new DataView(header.buffer).setUint32(4, size - 8, true);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= size) return controller.close();
        const chunk = new Uint8Array(Math.min(64 * 1024, size - offset));
        if (offset === 0) chunk.set(header);
        offset += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => offset };
}

const LARGE = 64 * 1024 * 1024;
const CHECKS: Record<string, (request: { method: string; path: string }) => boolean> = {
  'audioshake-legacy': ({ method, path }) => method === 'GET' && path.endsWith('/audioshake/legacy/job/'),
  audioshake: ({ method, path }) => method === 'GET' && path.endsWith('/audioshake/tasks/tasks'),
};

describe('a refused credential before a large upload', () => {
  for (const provider of Object.keys(drivers)) {
    it(`fails a 64 MiB upload on ${provider} with a wrong key, before its bytes are read, checking once`, async () => {
      const stemkit = createStemkit({ driver: drivers[provider]!('wrong') });
      const sources = [largeWav(LARGE), largeWav(LARGE), largeWav(LARGE)];
      const { value: errors, requests } = await counted(() =>
        Promise.all(
          sources.map((source) =>
            caught(
              stemkit.separate({
                source: { body: source.body, name: 'big.wav', size: LARGE },
                stems: ['vocals'],
              }),
            ),
          ),
        ),
      );
      // A later separation is refused from what the client learnt, with no request at all.
      const { value: later, requests: laterRequests } = await counted(() =>
        caught(stemkit.upload(sampleWav({ seconds: 0.1 }))),
      );
      for (const error of [...errors, later]) {
        expect(AuthenticationError.isInstance(error), `${provider}: ${String(error)}`).toBe(true);
      }
      // Only what the sniff peeks (one 64 KiB chunk each) was read from the sources.
      for (const source of sources) expect(source.pulled()).toBeLessThanOrEqual(64 * 1024);
      expect(requests.filter(isUpload)).toEqual([]);
      if (CHECKS[provider]) {
        expect(requests.filter(CHECKS[provider]!)).toHaveLength(1);
        expect(laterRequests).toEqual([]);
      }
    });
  }

  for (const provider of Object.keys(CHECKS)) {
    it(`checks a good key on ${provider} once for many separations, then uploads`, async () => {
      const stemkit = createStemkit({ driver: drivers[provider]!('good') });
      const { requests } = await counted(async () => {
        await Promise.all(
          [440, 550, 660].map((frequency) =>
            stemkit.separate({ source: sampleWav({ seconds: 0.2, frequency }), stems: ['vocals'] }),
          ),
        );
        await stemkit.separate({ source: sampleWav({ seconds: 0.2 }), stems: ['vocals'] });
      });
      expect(requests.filter(CHECKS[provider]!)).toHaveLength(1);
      expect(requests.filter(isUpload)).toHaveLength(4);
      // The check came first.
      expect(requests.findIndex(CHECKS[provider]!)).toBeLessThan(requests.findIndex(isUpload));
    });
  }
});

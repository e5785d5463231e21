import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type TrackResult } from '../src/index.ts';
import { checkSource } from '../src/sources.ts';
import { writeTracks } from './support/tracks.ts';

let emulator: RunningEmulator;
let work: string;
/** Upload requests the emulator answered (Tasks `POST /assets`, legacy `POST /upload`). */
let uploads = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    processing: { speed: 200 },
    onResponse: ({ method, path }) => {
      if (method === 'POST' && /\/(assets|upload)$/.test(path)) uploads++;
    },
  });
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-sources-'));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'read',
    (error: Error) => error.message,
  );

describe('a manifest shipping any file the worker can read', () => {
  it('pseudo-filesystem sources are refused, directly or through a symbolic link', async () => {
    const links = join(work, 'links');
    mkdirSync(links, { recursive: true });
    symlinkSync('/proc/self/environ', join(links, 'environ.wav'));
    symlinkSync('/sys/kernel', join(links, 'kernel'));
    symlinkSync('/dev/stdin', join(links, 'stdin.wav'));
    for (const source of [
      '/proc/self/environ',
      '/proc/../proc/self/environ',
      '/sys/kernel/hostname',
      '/dev/zero',
      '/dev/stdin',
      join(links, 'environ.wav'),
      join(links, 'kernel', 'hostname'),
      join(links, 'stdin.wav'),
    ]) {
      expect(await refusal(checkSource(source, {})), source).toMatch(/`source`: is on a pseudo-filesystem/);
    }
  });

  it('a source outside the sources folder is refused, symbolic links and .. resolved', async () => {
    const root = join(work, 'root');
    writeTracks(root, 1);
    const secret = join(work, 'canary.txt');
    writeFileSync(secret, 'canary-secret');
    symlinkSync(secret, join(root, 'inside-link.wav'));
    const rule = { root };
    for (const source of [secret, join(root, '..', 'canary.txt'), join(root, 'inside-link.wav')]) {
      expect(await refusal(checkSource(source, rule)), source).toMatch(
        /`source`: is outside the sources folder/,
      );
    }
    // Missing outside the root: refused, not "not found" (the answer tells nothing of what exists there).
    expect(await refusal(checkSource(join(work, 'nothing.wav'), rule))).toMatch(/outside the sources folder/);
    // Inside: read by its real path; missing inside: left to the upload, which names it.
    expect(await checkSource(join(root, 'track-000.wav'), rule)).toBe(
      await realpath(join(root, 'track-000.wav')),
    );
    expect(await checkSource(join(root, 'later.wav'), rule)).toBe(join(root, 'later.wav'));
    expect(await checkSource('https://example.com/song.wav', rule)).toBe('https://example.com/song.wav');
  });

  it('a worker without a sources folder reads no local file at all, and a folder is not a source', async () => {
    const [track] = writeTracks(join(work, 'worker'), 1);
    expect(await refusal(checkSource(track as string, { localFiles: false }))).toMatch(
      /`source`: is a local file, and this worker reads none/,
    );
    expect(await refusal(checkSource(work, {}))).toMatch(/`source`: is not a regular file/);
  });

  it('a batch with /proc/self/environ and non-audio rows fails them with 0 upload requests and separates the rest', async () => {
    const input = join(work, 'batch');
    const [honest] = writeTracks(input, 1);
    symlinkSync('/proc/self/environ', join(input, 'environ.wav'));
    // Not audio: the client's local sniff refuses it before any upload.
    writeFileSync(join(input, 'notes.wav'), 'liner notes, not audio\n'.repeat(50));
    const stemkit = createStemkit({
      driver: audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
    });
    const before = uploads;
    const results: TrackResult[] = [];
    for await (const result of runBatch(
      stemkit,
      [
        { source: '/proc/self/environ', name: 'environ' },
        { source: join(input, 'environ.wav'), name: 'linked' },
        { source: join(input, 'notes.wav') },
        { source: honest as string },
      ],
      { out: join(work, 'batch-out'), stems: ['vocals'], wait: { initialDelayMs: 100, maxDelayMs: 500 } },
    )) {
      results.push(result);
    }
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    expect(byName['track-000']?.status, byName['track-000']?.error ?? '').toBe('done');
    for (const name of ['environ', 'linked']) {
      expect(byName[name]?.status).toBe('failed');
      expect(byName[name]?.error).toMatch(/`source`: is on a pseudo-filesystem/);
      expect(byName[name]?.jobId).toBeNull();
    }
    expect(byName.notes).toMatchObject({ status: 'failed', jobId: null });
    expect(byName.notes?.error).toMatch(/`source`/);
    // The honest track's one upload, nothing else.
    expect(uploads - before).toBe(1);
  });
});

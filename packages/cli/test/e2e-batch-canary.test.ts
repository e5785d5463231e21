import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { type RunningPostgres, startPostgres } from '@stemkit/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdJobs, reportLines, startJsonCli, writeTracks } from './support/batch.ts';
import { providerEnvironment, testEmulator } from './support/emulator.ts';

// Acceptance canary of issue #26: a batch on the shared PostgreSQL queue, SIGKILLed and run again, with a worker
// beside it, and a malicious manifest mixed in: the worker's environment (/proc/self/environ), a secret file
// outside --sources (directly and through a link inside it) and a non-audio file. Every honest track is done
// once; every malicious row fails before any upload; no canary reaches anything the emulator stored.
const HONEST = 6;

let work: string;
let postgres: RunningPostgres;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-canary-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Every file under `folder`, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('a malicious manifest on a shared worker fleet', () => {
  it('ships no secret to the provider: malicious rows fail with 0 uploads, honest tracks are done once through a SIGKILL', async () => {
    const canaries = {
      environment: `canary-env-${randomBytes(12).toString('hex')}`,
      file: `canary-file-${randomBytes(12).toString('hex')}`,
      notes: `canary-notes-${randomBytes(12).toString('hex')}`,
    };
    const sources = join(work, 'in');
    writeTracks(sources, HONEST);
    const honestHashes = new Set(
      Array.from({ length: HONEST }, (_, index) =>
        sha256(readFileSync(join(sources, `track-${String(index).padStart(3, '0')}.wav`))),
      ),
    );
    mkdirSync(join(work, 'secret'));
    writeFileSync(join(work, 'secret', 'id_rsa'), `-----BEGIN KEY-----\n${canaries.file}\n`);
    symlinkSync(join(work, 'secret', 'id_rsa'), join(sources, 'escape.wav'));
    writeFileSync(join(sources, 'notes.wav'), `liner notes ${canaries.notes}\n`.repeat(40));
    const manifest = join(sources, 'manifest.jsonl');
    const rows = [
      ...Array.from({ length: HONEST }, (_, index) => ({
        source: `track-${String(index).padStart(3, '0')}.wav`,
      })),
      { source: '/proc/self/environ', name: 'environ' },
      { source: '/dev/stdin', name: 'stdin' },
      { source: '../secret/id_rsa', name: 'outside' },
      { source: 'escape.wav' },
      { source: 'notes.wav' },
    ];
    writeFileSync(manifest, rows.map((row) => JSON.stringify(row)).join('\n'));

    const uploads: number[] = [];
    const dataDir = join(work, 'emulator');
    const emulator: RunningEmulator = await testEmulator({
      dataDir,
      onResponse: ({ method, path, status }) => {
        if (method === 'POST' && /\/(assets|upload)$/.test(path)) uploads.push(status);
      },
    });
    const environment = {
      ...providerEnvironment(emulator, 'audioshake'),
      STEMKIT_CANARY_SECRET: canaries.environment,
    };
    const out = join(work, 'out');
    const common = ['--queue', postgres.url, '--sources', sources, '--rate-limit', '500', '--json'];
    const batch = () =>
      startJsonCli(
        ['batch', manifest, '--out', out, '--stems', 'vocals', '--concurrency', '2', ...common],
        environment,
      );
    const worker = startJsonCli(['worker', '--concurrency', '2', ...common], environment);
    let killed = false;
    try {
      const first = batch();
      // Killed once a few tracks are done (or it may finish first on a fast machine: a clean end).
      killed = await first.until((line) => line.event === 'track' && (line.counts?.done ?? 0) >= 2, {
        orEnd: true,
      });
      if (killed) first.child.kill('SIGKILL');
      await first.done;
      const second = await batch().done;
      // Failed tracks (the malicious rows) make it exit 4.
      expect(second.code, second.stderr).toBe(4);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
      await emulator.close();
    }

    const byTrack = Object.fromEntries(reportLines(out).map((line) => [line.track, line]));
    for (let index = 0; index < HONEST; index++) {
      const name = `track-${String(index).padStart(3, '0')}`;
      expect(byTrack[name]?.status, `${name}: ${byTrack[name]?.error}`).toBe('done');
    }
    expect(byTrack.environ).toMatchObject({ status: 'failed', provider_job: '' });
    expect(byTrack.environ?.error).toMatch(/`source`: is on a pseudo-filesystem/);
    expect(byTrack.stdin?.error).toMatch(/`source`: is on a pseudo-filesystem/);
    expect(byTrack.outside?.error).toMatch(/`source`: is outside the sources folder/);
    expect(byTrack.escape?.error).toMatch(/`source`: is outside the sources folder/);
    expect(byTrack.notes).toMatchObject({ status: 'failed', provider_job: '' });
    expect(byTrack.notes?.error).toMatch(/`source`/);

    // One provider job per honest track, none for a malicious row.
    expect(createdJobs(dataDir).tasks).toBe(HONEST);
    // Every upload request stored an asset, and every stored asset is an honest track's bytes.
    const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as {
      tasksAssets: Record<string, { key: string }>;
    };
    const assets = Object.values(state.tasksAssets);
    expect(uploads.every((status) => status < 300)).toBe(true);
    expect(assets).toHaveLength(uploads.length);
    for (const asset of assets) {
      expect(honestHashes.has(sha256(readFileSync(join(dataDir, 'objects', asset.key))))).toBe(true);
    }
    // No canary anywhere in what the provider keeps: uploads, outputs, state.
    for (const file of filesUnder(dataDir)) {
      const text = readFileSync(file).toString('latin1');
      for (const canary of Object.values(canaries)) expect(text.includes(canary), file).toBe(false);
    }
    console.info(
      `canary: ${rows.length} rows (${rows.length - HONEST} malicious), ${uploads.length} upload requests, ${createdJobs(dataDir).tasks} provider jobs, first run ${killed ? 'SIGKILLed' : 'finished before its kill'}`,
    );
  }, 300_000);
});

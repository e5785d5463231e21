import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { runCli } from './support/cli.ts';
import { PROVIDERS, providerEnvironment, testEmulator } from './support/emulator.ts';

// `stemkit separate` on a file that holds no audio: exit 2 (a bad value: nothing was sent), on every provider.

let emulator: RunningEmulator;
let folder: string;
const answered: Array<{ method: string; path: string }> = [];

const files = {
  'empty.wav': new Uint8Array(0),
  'zero-frames.wav': sampleWav({ seconds: 0 }),
  'notes.txt': new TextEncoder().encode('verse, chorus, verse: a plan, not a recording\n'),
};

beforeAll(async () => {
  emulator = await testEmulator({ onResponse: ({ method, path }) => answered.push({ method, path }) });
  folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-bad-audio-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(folder, name), bytes);
});

afterAll(async () => {
  await emulator?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('stemkit separate on bad audio', () => {
  for (const provider of PROVIDERS) {
    it(`exits 2 on ${provider} for an empty file, a zero-frame WAV and a text file, sending nothing`, async () => {
      const from = answered.length;
      for (const name of Object.keys(files)) {
        const out = join(folder, `out-${provider}-${name}`);
        const run = await runCli(['separate', join(folder, name), '--out', out, '--json'], {
          environment: providerEnvironment(emulator, provider),
        });
        expect(run.code, `${name}: ${run.stderr}${run.stdout}`).toBe(ExitCode.usage);
        const result = JSON.parse(run.stdout);
        expect(result).toMatchObject({ ok: false, exitCode: 2, error: { code: 'invalid-argument' } });
        expect(result.error.message).toContain('`source`');
        const plain = await runCli(['separate', join(folder, name), '--out', out], {
          environment: providerEnvironment(emulator, provider),
        });
        expect(plain.code).toBe(ExitCode.usage);
        expect(plain.stderr).toMatch(/error: .*`source`/);
        expect(plain.stderr).not.toMatch(/unexpected error/);
        await expect(readdir(out)).rejects.toThrow(); // no output folder either
      }
      // Not one request: no upload, no job, not even a credential check.
      expect(answered.slice(from)).toEqual([]);
    });
  }
});

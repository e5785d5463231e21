import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeAudio } from '@stemkit/audio';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { runCli } from './support/cli.ts';
import { providerEnvironment, testEmulator, workspaceWithTrack } from './support/emulator.ts';

let emulator: RunningEmulator;
let folder: string;
let track: string;

beforeAll(async () => {
  emulator = await testEmulator();
  ({ folder, track } = await workspaceWithTrack());
});

afterAll(async () => {
  await emulator.close();
});

describe.each(['audioshake-legacy', 'audioshake'] as const)(
  'stemkit separate --residual --variant on %s',
  (provider) => {
    it('writes each stem and its residual as <stem>_residual, and asks for the variant', async () => {
      const out = join(folder, `${provider}-residual`);
      const run = await runCli(
        [
          'separate',
          track,
          '--stems',
          'vocals',
          '--residual',
          '--variant',
          'high_quality',
          '--format',
          'wav,mp3',
          '--out',
          out,
          '--json',
        ],
        { environment: providerEnvironment(emulator, provider) },
      );
      expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
      expect((await readdir(out)).sort()).toEqual([
        'vocals.mp3',
        'vocals.wav',
        'vocals_residual.mp3',
        'vocals_residual.wav',
      ]);
      const result = JSON.parse(run.stdout);
      // As the provider echoes the request back.
      expect(result.job.targets).toEqual([
        expect.objectContaining({ stem: 'vocals', variant: 'high_quality', residual: true }),
      ]);
      const residual = await probeAudio(await readFile(join(out, 'vocals_residual.wav')));
      expect(residual.durationSeconds).toBeCloseTo(3, 1);
    });
  },
);

describe('stemkit separate --residual where the provider has none', () => {
  it('is refused before uploading on Sourcere (exit 2)', async () => {
    const run = await runCli(
      ['separate', track, '--stems', 'vocals', '--residual', '--out', join(folder, 'none')],
      {
        environment: providerEnvironment(emulator, 'sourcere'),
      },
    );
    expect(run.code, run.stderr).toBe(ExitCode.usage);
    expect(run.stderr).toMatch(/residual/);
    expect(run.stderr).not.toContain('upload:');
  });
});

describe('stemkit webhook <url>', () => {
  it("registers the Tasks API's account webhook", async () => {
    const url = 'https://app.example.com/stemkit/callbacks';
    const run = await runCli(['webhook', url, '--json'], {
      environment: providerEnvironment(emulator, 'audioshake'),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, provider: 'audioshake-tasks', url });
    const held = await fetch(new URL('webhooks', `${emulator.tasks.baseUrl}/`), {
      headers: { 'x-api-key': emulator.tasks.apiKey },
    });
    expect(await held.json()).toEqual([{ url }]);
  });

  it('is refused with exit 2 where the provider has no account webhook, and for a URL that is not http(s)', async () => {
    const legacy = await runCli(['webhook', 'https://app.example.com/hook'], {
      environment: providerEnvironment(emulator, 'audioshake-legacy'),
    });
    expect(legacy.code).toBe(ExitCode.usage);
    expect(legacy.stderr).toContain(
      'error: audioshake-legacy has no account webhook: its callbacks are per job',
    );
    const bad = await runCli(['webhook', 'ftp://app.example.com/hook'], {
      environment: providerEnvironment(emulator, 'audioshake'),
    });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toBe('error: <url> must be an http(s) URL (got "ftp://app.example.com/hook")\n');
  });
});

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { audioshakeLegacy } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaries, LeakWatch, secretCanaries } from './support/canaries.ts';

// The CLI and the migration tooling, run as a user runs them with canary credentials in the environment:
// no output, no error and no file they write holds a credential.
const require = createRequire(import.meta.url);
const BIN = join(dirname(require.resolve('@stemkit/cli/package.json')), 'dist', 'bin.js');

let emulator: RunningEmulator;
let folder: string;
const watch = new LeakWatch();

function run(args: readonly string[], environment: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', HOME: folder, NO_COLOR: '1', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      watch.text(output);
      resolve({ code, output });
    });
  });
}

function environmentFor(provider: string, wrong = false): Record<string, string> {
  const suffix = wrong ? '-refused' : '';
  const base = {
    SOURCERE_BASE_URL: emulator.sourcere.baseUrl,
    AUDIOSHAKE_LEGACY_BASE_URL: emulator.legacy.baseUrl,
    AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
    // Every canary is in the environment of every run, whichever provider it uses.
    SOURCERE_USERNAME: canaries.username,
    SOURCERE_PASSWORD: canaries.password,
    AUDIOSHAKE_TOKEN: canaries.legacyToken,
    AUDIOSHAKE_API_KEY: canaries.tasksApiKey,
    STEMKIT_PROVIDER: provider,
  };
  if (!wrong) return base;
  return {
    ...base,
    SOURCERE_PASSWORD: canaries.password + suffix,
    AUDIOSHAKE_TOKEN: canaries.legacyToken + suffix,
    AUDIOSHAKE_API_KEY: canaries.tasksApiKey + suffix,
  };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'stemkit-canary-cli-'));
  await writeFile(join(folder, 'tone.wav'), sampleWav({ seconds: 0.3 }));
  emulator = await startEmulator({
    credentials: canaries,
    processing: { speed: 1_000 },
    tasksRateLimit: 1_000_000,
  });
});

afterAll(async () => {
  await emulator?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('canary credentials through the CLI and the migration tooling', () => {
  it.each([
    ['sourcere', 'vocals,instrumental'],
    ['audioshake-legacy', 'vocals,drums'],
    ['audioshake', 'vocals,drums'],
  ])(
    'stemkit separate --verbose with %s prints no credential',
    { timeout: 60_000 },
    async (provider, stems) => {
      const out = join(folder, provider);
      const separated = await run(
        ['separate', 'tone.wav', '--stems', stems, '--format', 'wav', '--out', out, '--verbose'],
        environmentFor(provider),
      );
      expect(separated.code, separated.output).toBe(0);
      expect(separated.output).toContain('debug');
      const json = await run(
        ['separate', 'tone.wav', '--stems', stems, '--out', out, '--json', '--verbose'],
        environmentFor(provider),
      );
      expect(json.code, json.output).toBe(0);
      const refused = await run(
        ['separate', 'tone.wav', '--stems', stems, '--out', out, '--verbose'],
        environmentFor(provider, true),
      );
      expect(refused.code).toBe(3);
      expect(watch.leaks()).toEqual([]);
    },
  );

  it('stemkit migrate export, plan, apply and verify write no credential anywhere', {
    timeout: 120_000,
  }, async () => {
    const legacy = createStemkit({
      driver: audioshakeLegacy({ baseUrl: emulator.legacy.baseUrl, token: canaries.legacyToken }),
    });
    const ids: string[] = [];
    for (const stem of ['vocals', 'drums']) {
      const job = await legacy.wait(
        await legacy.separate({ source: sampleWav({ seconds: 0.3 }), stems: [stem] }),
        {
          initialDelayMs: 20,
          maxDelayMs: 100,
        },
      );
      ids.push(job.handle.id);
    }
    const migration = join(folder, 'migration');
    await rm(migration, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(migration, { recursive: true }));
    await writeFile(join(migration, 'ids.txt'), `${ids.join('\n')}\n`);
    const environment = environmentFor('audioshake');
    const steps = [
      ['migrate', 'export', '--ids', 'migration/ids.txt', '--out', 'migration/export.jsonl'],
      ['migrate', 'plan', '--export', 'migration/export.jsonl', '--out', 'migration/plan.json'],
      [
        'migrate',
        'apply',
        '--plan',
        'migration/plan.json',
        '--journal',
        'migration/journal.jsonl',
        '--mapping',
        'migration/mapping.json',
        '--settle-ms',
        '200',
      ],
      [
        'migrate',
        'verify',
        '--export',
        'migration/export.jsonl',
        '--mapping',
        'migration/mapping.json',
        '--report',
        'migration/verify',
      ],
    ];
    for (const step of steps) {
      const result = await run(step, environment);
      expect(result.code, `${step.join(' ')}\n${result.output}`).toBe(0);
    }
    const written = await readdir(migration);
    expect(written).toEqual(
      expect.arrayContaining([
        'export.jsonl',
        'plan.json',
        'journal.jsonl',
        'mapping.json',
        'verify.md',
        'verify.json',
      ]),
    );
    for (const file of written) {
      const text = await readFile(join(migration, file), 'utf8');
      // The export is the legacy jobs' raw data, provider links included (the README promises no signed link
      // in the plan, journal, mapping and reports only); it must still hold no credential.
      if (file === 'export.jsonl') for (const canary of secretCanaries) expect(text).not.toContain(canary);
      else watch.text(text);
    }
    const refused = await run(steps[0] as string[], environmentFor('audioshake', true));
    expect(refused.code).toBe(3);
    expect(watch.recorded).toBeGreaterThan(10);
    expect(watch.leaks()).toEqual([]);
  });
});

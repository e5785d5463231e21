import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeAudio, encodeAudio } from '@stemkit/audio';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The guides' script samples, run as users run them: a separate Node process (the one running this test),
// credentials in the environment, the emulator standing in for the providers.
const run = promisify(execFile);
const examples = new URL('./examples/', import.meta.url);

let emulator: RunningEmulator;
let scratch: string;
let song: string;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  scratch = await mkdtemp(join(tmpdir(), 'stemkit-docs-'));
  song = join(scratch, 'song.wav');
  await writeFile(song, sampleWav({ seconds: 2 }));
});

afterAll(async () => {
  await emulator?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function runExample(name: string, ...args: string[]): Promise<string> {
  return runExampleIn(scratch, name, ...args);
}

async function runExampleIn(cwd: string, name: string, ...args: string[]): Promise<string> {
  const environment = {
    PATH: process.env.PATH,
    SOURCERE_BASE_URL: emulator.sourcere.baseUrl,
    SOURCERE_USERNAME: emulator.sourcere.username,
    SOURCERE_PASSWORD: emulator.sourcere.password,
    AUDIOSHAKE_LEGACY_BASE_URL: emulator.legacy.baseUrl,
    AUDIOSHAKE_TOKEN: emulator.legacy.token,
    AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
    AUDIOSHAKE_API_KEY: emulator.tasks.apiKey,
  };
  const script = new URL(name, examples).pathname;
  const { stdout } = await run(process.execPath, ['--conditions=@stemkit/source', script, ...args], {
    env: environment,
    cwd,
    timeout: 60_000,
  });
  return stdout;
}

describe('guide samples run against the emulator', () => {
  it('README: the "Use it from code" snippet runs as written, creating stems/', async () => {
    const folder = await mkdtemp(join(scratch, 'readme-'));
    const wav = await decodeAudio(sampleWav({ seconds: 2 }), { format: 'wav' });
    await writeFile(join(folder, 'song.mp3'), await encodeAudio(wav, 'mp3'));
    await runExampleIn(folder, 'readme.ts');
    expect((await readdir(join(folder, 'stems'))).sort()).toEqual(['bass.wav', 'drums.wav', 'vocals.wav']);
  });

  it('quickstart: separates a file and saves both stems', async () => {
    const output = join(scratch, 'stems');
    const stdout = await runExample('quickstart.ts', song, output);
    expect(stdout).toMatch(/^started \S+/m);
    expect(stdout).toMatch(/^vocals: .+ \(\d+ bytes\)$/m);
    expect(stdout).toMatch(/^instrumental: .+ \(\d+ bytes\)$/m);
    expect((await readdir(output)).length).toBe(2);
  });

  it('switch-provider: the same job on the Tasks API', async () => {
    const stdout = await runExample('switch-provider.ts', song);
    expect(stdout).toMatch(/^audioshake-tasks job \S+: succeeded$/m);
    expect(stdout).toMatch(/^vocals: .*\(stem\).*\(residual\)/m);
    expect(stdout).toMatch(/^drums: /m);
  });

  it('handles: a fresh client resumes from the stored handle', async () => {
    const stdout = await runExample('handles.ts', song);
    expect(stdout).toMatch(/^token: sk1\./m);
    expect(stdout).toMatch(/^resumed \S+: succeeded, stems vocals, drums, bass, other$/m);
  });

  it('migration: the driver swap, and a stored legacy job converted offline', async () => {
    expect(await runExample('migrate-swap-driver.ts')).toBe(
      'audioshake-tasks: list true, callbacks account\n',
    );
    const stored = new URL(
      '../../packages/audioshake/test/fixtures/seed-003/completed-separation-job.json',
      import.meta.url,
    ).pathname;
    expect(await runExample('migrate-convert.ts', stored)).toMatch(
      /^clksrfob8000bf7of6xkscy8m: succeeded; task target clksrfob8000bf7of6xkscy8m; \d+ dropped$/m,
    );
  });

  it('errors: typed errors, checked with isInstance', async () => {
    const stdout = await runExample('errors.ts', song);
    expect(stdout).toContain('unsupported: stem:guitar');
    expect(stdout).toContain('invalid argument: job');
    expect(stdout).toContain('auth: AuthenticationError');
    expect(stdout).not.toContain(emulator.sourcere.password);
  });

  it('callbacks: the receiver wakes the wait, whose poll confirms the callback', async () => {
    const stdout = await runExample('callbacks.ts', song);
    expect(stdout).toContain('woken by the callback: succeeded');
  });

  it('webhooks-hono: the receiver mounted on a Hono route refuses what is not a callback', async () => {
    expect(await runExample('webhooks-hono.ts')).toBe('not a callback: 400\n');
  });

  it('sourcere: a trial, a provider-side mix and a zip', async () => {
    const stdout = await runExample('sourcere.ts', song);
    expect(stdout).toMatch(/^trial \S+: vocals\.mp3, drums\.mp3, bass\.mp3, other\.mp3$/m);
    expect(stdout).toMatch(/^mix: \S+ \(\d+ bytes\)$/m);
    expect(stdout).toMatch(/^archive: \S+ \(\d+ bytes\)$/m);
  });

  it('audioshake-legacy: a fan-out of legacy jobs behind one neutral job', async () => {
    const stdout = await runExample('audioshake-legacy.ts', song);
    expect(stdout).toMatch(/^succeeded: 3 legacy jobs behind one neutral job$/m);
    expect(stdout).toMatch(/^vocals: .*vocals_residual/m);
    expect(stdout).toMatch(/^transcription: .*\.json.*\.srt|^transcription: .*\.srt.*\.json/m);
  });

  it('batch: a folder separated through the embedded queue, with its report', async () => {
    const input = join(scratch, 'masters');
    await mkdir(input);
    for (const name of ['one', 'two', 'three'])
      await writeFile(join(input, `${name}.wav`), sampleWav({ seconds: 0.3 }));
    const stdout = await runExample('batch.ts', input, join(scratch, 'batch-stems'));
    expect(stdout).toMatch(/^one: done$/m);
    expect(stdout).toMatch(/^three: done$/m);
    expect(stdout).toMatch(/^report: .*batch-report\.csv$/m);
  });

  it('batch-callbacks: a Tasks batch woken by the account webhook it registered', async () => {
    const input = join(scratch, 'hooked');
    await mkdir(input);
    for (const name of ['four', 'five'])
      await writeFile(join(input, `${name}.wav`), sampleWav({ seconds: 0.3 }));
    const stdout = await runExample('batch-callbacks.ts', input, join(scratch, 'hooked-stems'));
    expect(stdout).toMatch(/^four: done$/m);
    expect(stdout).toMatch(/^five: done$/m);
  });

  it('audioshake-tasks: targets, a transcript, a warning for an ignored option, listing', async () => {
    const stdout = await runExample('audioshake-tasks.ts', song);
    expect(stdout).toMatch(/^warning: \S+ \(priority\)$/m);
    expect(stdout).toMatch(/^vocals: succeeded, vocals_high_quality\.wav$/m);
    expect(stdout).toMatch(/^alignment: succeeded, alignment\.json$/m);
    expect(stdout).toContain('listed: 1');
  });
});

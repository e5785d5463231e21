import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { BIN, cleanEnvironment, runCli, startCli } from './support/cli.ts';
import { workspaceWithTrack } from './support/emulator.ts';

// No provider configured at all: every run here uses the embedded emulator, as a new user's first run does
// (its data folder in the test's workspace rather than the user's cache).
let environment: Record<string, string>;
/** Every control character but the newline: escape sequences, carriage returns, backspaces… */
const controlCharacters = (text: string) =>
  [...text].filter((character) => character !== '\n' && (character < ' ' || character === '\u007f'));
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

let folder: string;
let track: string;

beforeAll(async () => {
  ({ folder, track } = await workspaceWithTrack());
  environment = { STEMKIT_EMULATOR_SPEED: '100', STEMKIT_EMULATOR_DATA_DIR: join(folder, 'emulator') };
});

describe('stemkit with no provider configured', () => {
  it('off a terminal: starts the embedded emulator, says so once, writes plain lines only', async () => {
    const out = join(folder, 'plain');
    const run = await runCli(['separate', track, '--out', out], { environment });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    expect(run.stderr.match(/using the embedded emulator/g)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^no provider configured: using the embedded emulator \(Sourcere API\) at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stderr.match(/processing: succeeded/g)).toHaveLength(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^stem\s+format\s+duration\s+size\s+file$/);
    expect(controlCharacters(run.stdout + run.stderr)).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['bass.wav', 'drums.wav', 'other.wav', 'vocals.wav']);
  });

  it('on a terminal: draws progress bars for upload, processing and download', async () => {
    const out = join(folder, 'terminal');
    const command = [process.execPath, BIN, 'separate', track, '--stems', 'vocals,drums', '--out', out]
      .map(quote)
      .join(' ');
    // util-linux `script` gives the binary a pseudo-terminal, as a person's shell would.
    const { stdout } = await promisify(execFile)('script', ['-qfec', command, '/dev/null'], {
      env: cleanEnvironment({ ...environment, TERM: 'xterm-256color' }),
    });
    expect(stdout).toContain('\x1b[');
    for (const bar of ['upload', 'processing', 'vocals.wav', 'drums.wav']) {
      expect(stdout).toMatch(new RegExp(`${bar.replace('.', '\\.')}\\s+█{24}\\s+100%`));
    }
    expect((await readdir(out)).sort()).toEqual(['drums.wav', 'vocals.wav']);
  });

  it('keeps jobs between runs: mix and zip a separated job offline, from its handle', async () => {
    const out = join(folder, 'kept');
    const separated = await runCli(['separate', track, '--stems', 'vocals,drums', '--out', out], {
      environment,
    });
    expect(separated.code, separated.stderr).toBe(ExitCode.success);
    const handle = /^handle: (sk1\.\S+)$/m.exec(separated.stderr)?.[1];
    expect(handle).toBeDefined();
    const mixed = await runCli(
      ['mix', handle!, '--track', 'vocals', '--track', 'drums:0.5:0.3', '--out', out],
      {
        environment,
      },
    );
    expect(mixed.code, mixed.stderr).toBe(ExitCode.success);
    expect(mixed.stderr).toContain('no provider configured: using the embedded emulator (Sourcere API)');
    const zipped = await runCli(['zip', handle!, '--out', out], { environment });
    expect(zipped.code, zipped.stderr).toBe(ExitCode.success);
    expect((await readdir(out)).sort()).toEqual(['drums.wav', 'mix.wav', 'stems.zip', 'vocals.wav']);
  });

  it('behind the Tasks API (--provider emulator --api audioshake): status once, m4a converted here, text models', async () => {
    const out = join(folder, 'tasks');
    const tasks = ['--provider', 'emulator', '--api', 'audioshake'];
    const run = await runCli(
      ['separate', track, ...tasks, '--stems', 'vocals,drums', '--format', 'm4a', '--out', out],
      {
        environment,
      },
    );
    expect(run.code, run.stderr).toBe(ExitCode.success);
    expect(run.stderr).toMatch(/^provider emulator: using the embedded emulator \(AudioShake Tasks API\)/m);
    expect(run.stderr.match(/processing: succeeded/g)).toHaveLength(1);
    expect(run.stderr).toContain('converting its wav on this machine');
    expect((await readdir(out)).sort()).toEqual(['drums.m4a', 'vocals.m4a']);
    const handle = /^handle: (sk1\.\S+)$/m.exec(run.stderr)?.[1];
    const converted = await runCli(['download', handle!, '--format', 'aiff', '--out', join(out, 'aiff')], {
      environment,
    });
    expect(converted.code, converted.stderr).toBe(ExitCode.success);
    expect((await readdir(join(out, 'aiff'))).sort()).toEqual(['drums.aiff', 'vocals.aiff']);

    const lyrics = join(folder, 'lyrics.txt');
    await writeFile(lyrics, 'la la la\nshake it up\n');
    const text = await runCli(
      [
        'separate',
        track,
        ...tasks,
        '--stems',
        'transcription,alignment',
        '--transcript',
        lyrics,
        '--format',
        'json,srt',
        '--language',
        'en',
        '--metadata',
        'take 2',
        '--out',
        join(out, 'text'),
        '--json',
      ],
      { environment },
    );
    expect(text.code, text.stderr + text.stdout).toBe(ExitCode.success);
    expect((await readdir(join(out, 'text'))).sort()).toEqual([
      'alignment.json',
      'alignment.srt',
      'transcription.json',
      'transcription.srt',
    ]);
  });

  it('lists jobs and usage where the API has them', async () => {
    const tasks = ['--provider', 'emulator', '--api', 'audioshake'];
    const separated = await runCli(
      ['separate', track, ...tasks, '--stems', 'vocals', '--out', join(folder, 'listed')],
      {
        environment,
      },
    );
    expect(separated.code, separated.stderr).toBe(ExitCode.success);
    const list = await runCli(['list', ...tasks, '--json'], { environment });
    expect(list.code, list.stderr).toBe(ExitCode.success);
    const listed = JSON.parse(list.stdout) as { jobs: Array<{ handle: string; status: string }> };
    expect(listed.jobs.length).toBeGreaterThan(0);
    expect(listed.jobs[0]?.handle).toMatch(/^sk1\./);
    const usage = await runCli(['usage', '--provider', 'emulator', '--api', 'audioshake-legacy'], {
      environment,
    });
    expect(usage.code, usage.stderr).toBe(ExitCode.success);
    expect(usage.stdout.split('\n')[0]).toMatch(/^month\s+targets\s+minutes$/);
  });

  it('bounds the emulator cache, and --prune empties it', async () => {
    const small = {
      ...environment,
      STEMKIT_EMULATOR_DATA_DIR: join(folder, 'small-cache'),
      STEMKIT_EMULATOR_CACHE_MB: '0.001',
    };
    const first = await runCli(['separate', track, '--stems', 'vocals', '--out', join(folder, 'cache-1')], {
      environment: small,
    });
    expect(first.code, first.stderr).toBe(ExitCode.success);
    const second = await runCli(['separate', track, '--stems', 'vocals', '--out', join(folder, 'cache-2')], {
      environment: small,
    });
    expect(second.code, second.stderr).toBe(ExitCode.success);
    expect(second.stderr).toMatch(/emptied the emulator cache at .*small-cache/);
    const pruned = await runCli(['emulator', '--prune'], { environment: small });
    expect(pruned.code, pruned.stderr).toBe(ExitCode.success);
    expect(pruned.stdout).toMatch(/^emptied .*small-cache \(/);
    expect(existsSync(join(folder, 'small-cache'))).toBe(false);
  });

  it('resumes offline after Ctrl-C: the emulator picks the job up again', async () => {
    const out = join(folder, 'resumed');
    const slow = { ...environment, STEMKIT_EMULATOR_SPEED: '3' };
    const started = startCli(['separate', track, '--stems', 'vocals', '--out', out], { environment: slow });
    await expect.poll(started.stderrSoFar, { timeout: 15_000, interval: 50 }).toContain('processing:');
    started.child.kill('SIGINT');
    const interrupted = await started.done;
    expect(interrupted.code).toBe(ExitCode.interrupted);
    const handle = /stemkit download (sk1\.\S+)/.exec(interrupted.stderr)?.[1];
    expect(handle, interrupted.stderr).toBeDefined();
    const resumed = await runCli(['download', handle!, '--out', out], { environment });
    expect(resumed.code, resumed.stderr).toBe(ExitCode.success);
    expect(await readdir(out)).toEqual(['vocals.wav']);
  });
});

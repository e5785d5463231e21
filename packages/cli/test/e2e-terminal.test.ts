import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
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
    expect(run.stderr).toContain('processing: succeeded');
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
    expect(mixed.stderr).toContain('sourcere not configured: using the embedded emulator');
    const zipped = await runCli(['zip', handle!, '--out', out], { environment });
    expect(zipped.code, zipped.stderr).toBe(ExitCode.success);
    expect((await readdir(out)).sort()).toEqual(['drums.wav', 'mix.wav', 'stems.zip', 'vocals.wav']);
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

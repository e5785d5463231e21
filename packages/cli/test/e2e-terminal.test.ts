import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { BIN, cleanEnvironment, runCli } from './support/cli.ts';
import { workspaceWithTrack } from './support/emulator.ts';

// No provider configured at all: every run here uses the embedded emulator, as a new user's first run does.
const environment = { STEMKIT_EMULATOR_SPEED: '100' };
/** Every control character but the newline: escape sequences, carriage returns, backspaces… */
const controlCharacters = (text: string) =>
  [...text].filter((character) => character !== '\n' && (character < ' ' || character === '\u007f'));
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

let folder: string;
let track: string;

beforeAll(async () => {
  ({ folder, track } = await workspaceWithTrack());
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
});

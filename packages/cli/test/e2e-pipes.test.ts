import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { BIN, cleanEnvironment } from './support/cli.ts';
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

/**
 * Runs `stemkit …` with the reading end of its stdout closed before it writes anything (what `| head -1` does
 * once it has its line, or `| true` at once): every write to stdout then fails with EPIPE.
 */
function runIntoClosedPipe(
  args: readonly string[],
  environment: Record<string, string> = {},
  closeStderr = false,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnvironment(environment),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  if (closeStderr) child.stderr.destroy();
  else child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('stemkit writing into a closed pipe (EPIPE)', () => {
  it('`stemkit --help | head -1` stops quietly, without a stack trace', async () => {
    const run = await runIntoClosedPipe(['--help']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(ExitCode.outputClosed);
  });

  it('`stemkit list | true` stops quietly', async () => {
    const run = await runIntoClosedPipe(['list'], providerEnvironment(emulator, 'audioshake'));
    expect(run.stderr).not.toMatch(/EPIPE|node:events|at /);
    expect(run.code).toBe(ExitCode.outputClosed);
  });

  it('`stemkit separate … 2>&1 | head -2` stops quietly when both streams are closed', async () => {
    const run = await runIntoClosedPipe(
      ['separate', track, '--stems', 'vocals', '--out', join(folder, 'piped')],
      providerEnvironment(emulator, 'sourcere'),
      true,
    );
    expect(run.code).toBe(ExitCode.outputClosed);
  });

  it('`stemkit separate … | head -2` stops quietly once the job is done and its table has nowhere to go', async () => {
    const run = await runIntoClosedPipe(
      ['separate', track, '--stems', 'vocals', '--out', join(folder, 'piped-stdout')],
      providerEnvironment(emulator, 'sourcere'),
    );
    expect(run.stderr).not.toMatch(/EPIPE|node:events|Unhandled/);
    expect(run.stderr).toContain('job ');
    expect(run.code).toBe(ExitCode.outputClosed);
  });
});

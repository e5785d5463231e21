import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary the suites run, as a user would. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** What a run of the binary left behind. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * An environment with nothing of the host's provider settings: only what a process needs to run, plus `extra`.
 * Keeps a developer's real credentials out of the tests, and the tests' out of any output.
 */
export function cleanEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'];
  const base = Object.fromEntries(keep.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])));
  return { ...base, NO_COLOR: '1', ...extra };
}

/** Starts `stemkit …` on this Node (24, inside vitest); `onStderr` sees stderr as it arrives. */
export function startCli(
  args: readonly string[],
  options: { readonly environment?: Record<string, string>; readonly cwd?: string } = {},
): { readonly child: ChildProcess; readonly done: Promise<CliRun>; readonly stderrSoFar: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnvironment(options.environment),
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stderrSoFar: () => stderr };
}

/** Runs `stemkit …` to the end. */
export function runCli(
  args: readonly string[],
  options: { readonly environment?: Record<string, string>; readonly cwd?: string } = {},
): Promise<CliRun> {
  return startCli(args, options).done;
}

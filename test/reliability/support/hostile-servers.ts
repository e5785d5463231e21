import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const binOf = (name: string) => join(dirname(require.resolve(`${name}/package.json`)), 'dist', 'bin.js');

/** The built command lines, as users run them. */
export const bins = { emulator: binOf('@stemkit/emulator'), migrate: binOf('@stemkit/migrate') };

const trap = fileURLToPath(new URL('./loopback-trap.ts', import.meta.url));

/** A server the suite started as its own process, with the loopback trap preloaded. */
export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The JSON line it printed once listening. */
  readonly printed: Record<string, unknown>;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** Whether it is still running. */
  alive(): boolean;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Where the trap writes and what its resolver answers, for every server of a run. */
export interface TrapSettings {
  readonly log: string;
  readonly hosts: Readonly<Record<string, readonly string[]>>;
}

/** Starts `node --import <trap> <bin> <args>` and waits for its JSON line (or its early end). */
export function startServer(
  name: string,
  bin: string,
  args: readonly string[],
  trapSettings: TrapSettings,
  environment: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--no-warnings', `--import=${trap}`, bin, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      STEMKIT_TRAP_LOG: trapSettings.log,
      STEMKIT_TRAP_HOSTS: JSON.stringify(trapSettings.hosts),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString('utf8');
      if (!before.includes('\n') && stdout.includes('\n')) {
        resolve({
          name,
          child,
          printed: JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as Record<string, unknown>,
          output: () => stdout + stderr,
          alive: () => child.exitCode === null && child.signalCode === null,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`${name} ended with ${code} before listening:\n${stderr}`)));
  });
}

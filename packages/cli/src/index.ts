/**
 * The `stemkit` command, as a library: run it in-process with {@link main}. (The local mix/zip fallback it gives
 * its client is `localAudio()` from `@stemkit/audio`.)
 *
 * @packageDocumentation
 */
export type { CliIo } from './context.ts';
export { MissingCredentialsError, UsageError } from './errors.ts';
export { ExitCode, type ExitCodeValue, exitCodeOf } from './exit-codes.ts';

import type { CliIo } from './context.ts';

/**
 * Runs the CLI once and resolves with the exit code; never calls `process.exit`, so tests can run it in-process.
 * The program is loaded on the first run: it reads the providers table, whose drivers load with a top-level
 * await, so this entry stays loadable with `require()`.
 *
 * @example
 * ```ts
 * const code = await main({ argv: ['providers'], stdout: process.stdout, stderr: process.stderr,
 *   environment: process.env, signal: new AbortController().signal });
 * ```
 */
export async function main(io: CliIo): Promise<number> {
  return (await import('./main.ts')).main(io);
}

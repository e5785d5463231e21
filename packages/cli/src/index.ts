/**
 * The `stemkit` command, as a library: run it in-process with {@link main}. (The local mix/zip fallback it gives
 * its client is `localAudio()` from `@stemkit/audio`.)
 *
 * @packageDocumentation
 */
export type { CliIo } from './context.ts';
export { MissingCredentialsError, UsageError } from './errors.ts';
export { ExitCode, type ExitCodeValue, exitCodeOf } from './exit-codes.ts';
export { main } from './main.ts';

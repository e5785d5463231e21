/**
 * The `stemkit` command, as a library: run it in-process with {@link main}, or give your own client the
 * CLI's local mix/zip fallback with {@link localAudio}.
 *
 * @packageDocumentation
 */
export type { CliIo } from './context.ts';
export { MissingCredentialsError, UsageError } from './errors.ts';
export { ExitCode, type ExitCodeValue, exitCodeOf } from './exit-codes.ts';
export { main } from './main.ts';
export { localAudio } from './plugins/local-audio.ts';

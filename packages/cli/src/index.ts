/**
 * The `stemkit` command, as a library: run it in-process with {@link main}, or reuse its local mix/zip plugin.
 *
 * @packageDocumentation
 */
export type { CliIo } from './context.ts';
export {
  type CredentialFlags,
  PROVIDER_CHOICES,
  type ProviderTarget,
  resolveProvider,
} from './credentials.ts';
export { MissingCredentialsError, UsageError } from './errors.ts';
export { ExitCode, type ExitCodeValue, exitCodeOf } from './exit-codes.ts';
export { main } from './main.ts';
export { localAudio } from './plugins/local-audio.ts';

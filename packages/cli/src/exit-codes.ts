import { isAbortError, StemkitError } from '@stemkit/core';
import { MissingCredentialsError, UsageError } from './errors.ts';

/**
 * What the `stemkit` process exits with. Scripts can branch on these: they are part of the CLI's contract.
 *
 * @example
 * ```sh
 * stemkit separate song.wav || [ $? -eq 4 ] && echo "the provider could not separate it"
 * ```
 */
export const ExitCode = {
  /** Everything asked for was done. */
  success: 0,
  /** Something unexpected: a network failure, a provider error, a bug. */
  failure: 1,
  /** A bad command, flag or value: nothing was sent. */
  usage: 2,
  /** Credentials are missing or the provider refused them. */
  authentication: 3,
  /** The job (or some of its stems) failed at the provider. */
  jobFailed: 4,
  /** Waiting ran past `--timeout`; the job may still finish. */
  timeout: 5,
  /** Ctrl-C: waiting stopped; the job goes on at the provider. */
  interrupted: 130,
  /** stdout or stderr was closed before the output ended (`| head`): stopped there, like a tool killed by SIGPIPE. */
  outputClosed: 141,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The lines `--help` and the README show. */
export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    unexpected error (network, provider, bug)
  2    usage error: bad command, flag or value
  3    authentication: credentials missing or refused
  4    job failed (or some of its stems did)
  5    timeout: --timeout passed; resume with the printed handle
  130  interrupted (Ctrl-C); resume with the printed handle
  141  output closed early (a pipe such as | head): stopped there, quietly`;

/**
 * The exit code an error stands for.
 *
 * @example
 * ```ts
 * exitCodeOf(new UsageError('unknown stem')); // 2
 * ```
 */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (UsageError.isInstance(error)) return ExitCode.usage;
  if (MissingCredentialsError.isInstance(error)) return ExitCode.authentication;
  if (isAbortError(error)) return ExitCode.interrupted;
  // By code rather than subclass: codes are part of core's contract and survive duplicated installs.
  switch (StemkitError.isInstance(error) ? error.code : undefined) {
    case 'invalid-argument':
    case 'unsupported':
      return ExitCode.usage;
    case 'auth':
      return ExitCode.authentication;
    case 'job-failed':
      return ExitCode.jobFailed;
    case 'wait-timeout':
      return ExitCode.timeout;
    default:
      return ExitCode.failure;
  }
}

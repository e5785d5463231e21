import { handleToToken, readHandle, redact, StemkitError } from '@stemkit/core';
import { CommanderError } from 'commander';
import type { CliContext, CliIo } from './context.ts';
import { ExitCode, exitCodeOf } from './exit-codes.ts';
import { printable } from './output/printable.ts';
import { buildProgram, isHelpOrVersion } from './program.ts';

/**
 * Runs the CLI once and resolves with the exit code; never calls `process.exit`, so tests can run it in-process.
 *
 * @example
 * ```ts
 * const code = await main({ argv: process.argv.slice(2), stdout: process.stdout, stderr: process.stderr,
 *   environment: process.env, signal: controller.signal });
 * ```
 */
export async function main(io: CliIo): Promise<number> {
  const context: CliContext = {
    ...io,
    mode: io.argv.includes('--json') ? 'json' : 'plain',
    reporter: undefined,
    job: undefined,
    emulator: undefined,
    exitCode: ExitCode.success,
  };
  try {
    await buildProgram(context).parseAsync(helpOfHelp(io.argv), { from: 'user' });
    return context.exitCode;
  } catch (error) {
    context.reporter?.close();
    if (isHelpOrVersion(error)) return ExitCode.success;
    // `stemkit` alone: commander printed the help on stderr, as for any usage error (its exit code 1). The
    // help that was asked for (`stemkit help`, `stemkit help --help`) comes with exit code 0.
    if (error instanceof CommanderError && error.code === 'commander.help') {
      return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
    }
    return reportFailure(context, error);
  }
}

/**
 * `stemkit help --help` (help about `help`): commander takes it for a usage error; it is the program's help,
 * asked for, so it is shown as `stemkit --help` is, on stdout with exit code 0.
 */
function helpOfHelp(argv: readonly string[]): string[] {
  const [first, ...rest] = argv;
  const onlyHelpFlags = rest.length > 0 && rest.every((each) => each === '--help' || each === '-h');
  return first === 'help' && onlyHelpFlags ? ['--help'] : [...argv];
}

/** The token to resume with: the handle a timeout carries, else the job the command was following. */
function resumeToken(context: CliContext, error: unknown): string | undefined {
  const carried = error instanceof Error && 'handle' in error ? readHandle(error.handle) : undefined;
  const handle = carried ?? context.job;
  return handle === undefined ? undefined : handleToToken(handle);
}

/** One line saying what went wrong, scrubbed of secrets. */
function describe(error: unknown, exitCode: number): string {
  if (exitCode === ExitCode.interrupted) return 'interrupted';
  if (error instanceof CommanderError) return error.message.replace(/^error: /, '');
  return redact(error instanceof Error ? error.message : String(error));
}

/** Tells what went wrong, once: a JSON document with `--json`, otherwise an `error:` line and how to resume. */
function reportFailure(context: CliContext, error: unknown): number {
  const exitCode = error instanceof CommanderError ? ExitCode.usage : exitCodeOf(error);
  const message = describe(error, exitCode);
  const resumable = exitCode === ExitCode.timeout || exitCode === ExitCode.interrupted;
  const token = resumable ? resumeToken(context, error) : undefined;
  if (context.mode === 'json') {
    const code = StemkitError.isInstance(error)
      ? error.code
      : exitCode === ExitCode.usage
        ? 'usage'
        : undefined;
    const document = {
      ok: false,
      exitCode,
      error: { code, message },
      ...(token === undefined ? {} : { handle: token }),
    };
    context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return exitCode;
  }
  // Commander has already printed its own parse errors, with the help hint.
  // A file name in the message reaches the terminal as text, never as an escape sequence.
  if (!(error instanceof CommanderError)) context.stderr.write(`error: ${printable(message)}\n`);
  if (exitCode === ExitCode.failure && error instanceof Error && !StemkitError.isInstance(error)) {
    context.reporter?.debug(redact(error.stack ?? ''));
  }
  if (resumable) context.stderr.write(`${resumeHint(context, exitCode, token)}\n`);
  if (context.emulator && StemkitError.isInstance(error) && error.code === 'not-found') {
    context.stderr.write(
      "The embedded emulator does not know this job. If it ran at a provider, set that provider's credentials (see --help).\n",
    );
  }
  return exitCode;
}

/** How to pick up a job after a timeout or Ctrl-C. */
function resumeHint(context: CliContext, exitCode: number, token: string | undefined): string {
  if (token === undefined) return 'Stopped before the job started: nothing runs at the provider.';
  const why = exitCode === ExitCode.interrupted ? 'Stopped waiting' : 'Gave up waiting';
  if (context.emulator?.kept === false) {
    return `${why}. The job ran on an embedded emulator that kept nothing: run separate again.`;
  }
  return [
    `${why}; the job goes on at the provider. Resume with:`,
    `  stemkit wait ${token}`,
    `  stemkit download ${token} --out stems`,
  ].join('\n');
}

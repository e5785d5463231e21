import { handleToToken, isAbortError, type JobHandle, readHandle, redact, StemkitError } from '@stemkit/core';
import { CommanderError } from 'commander';
import type { CliContext, CliIo } from './context.ts';
import { ExitCode, exitCodeOf } from './exit-codes.ts';
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
    embedded: false,
    exitCode: ExitCode.success,
  };
  try {
    await buildProgram(context).parseAsync([...io.argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    context.reporter?.close();
    if (isHelpOrVersion(error)) return ExitCode.success;
    return reportFailure(context, error);
  }
}

/** Tells what went wrong, once: a JSON document with `--json`, otherwise an `error:` line and how to resume. */
function reportFailure(context: CliContext, error: unknown): number {
  const exitCode = error instanceof CommanderError ? ExitCode.usage : exitCodeOf(error);
  const handle: JobHandle | undefined =
    error instanceof Error && 'handle' in error && readHandle(error.handle)
      ? readHandle(error.handle)
      : context.job;
  const resumable =
    handle !== undefined && (exitCode === ExitCode.timeout || exitCode === ExitCode.interrupted);
  const token = handle === undefined ? undefined : handleToToken(handle);
  const message =
    exitCode === ExitCode.interrupted
      ? 'interrupted'
      : error instanceof CommanderError
        ? error.message.replace(/^error: /, '')
        : error instanceof Error
          ? redact(error.message)
          : redact(String(error));
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
  // Commander already printed its own parse errors, with the help hint.
  if (!(error instanceof CommanderError)) context.stderr.write(`error: ${message}\n`);
  if (
    exitCode === ExitCode.failure &&
    !StemkitError.isInstance(error) &&
    !isAbortError(error) &&
    error instanceof Error
  ) {
    context.reporter?.debug(redact(error.stack ?? ''));
  }
  if (exitCode === ExitCode.interrupted && token === undefined) {
    context.stderr.write('Stopped before the job started: nothing runs at the provider.\n');
  }
  if (resumable && token !== undefined) {
    const why = exitCode === ExitCode.interrupted ? 'Stopped waiting' : 'Gave up waiting';
    const lines = context.embedded
      ? [`${why}. The job ran on the embedded emulator, which stopped with this process: run separate again.`]
      : [
          `${why}; the job goes on at the provider. Resume with:`,
          `  stemkit wait ${token}`,
          `  stemkit download ${token} --out stems`,
        ];
    context.stderr.write(`${lines.join('\n')}\n`);
  }
  return exitCode;
}

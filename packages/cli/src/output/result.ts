import type { Job, Target } from '@stemkit/core';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { WrittenFile } from '../files.ts';
import { renderTable } from './table.ts';
import { formatBytes, formatDuration } from './units.ts';

/** What a command produced: text for people, a JSON object for machines, and the targets that failed. */
export interface CommandResult {
  readonly text: string;
  readonly json: object;
  /** Targets of a partly failed job: the command still succeeded at what it could, but exits with code 4. */
  readonly failedTargets?: readonly Target[];
}

/**
 * Prints a command's result on stdout: the text for people, or with `--json` one JSON document, an object
 * whose `ok` is false when some stems failed. Failed stems are also named on stderr and set exit code 4.
 */
export function printResult(context: CliContext, result: CommandResult): void {
  context.reporter?.close();
  const failed = result.failedTargets ?? [];
  const failures = failed.map((target) => `${target.stem}: ${target.error?.message ?? target.status}`);
  if (context.mode === 'json') {
    const document = {
      ok: failed.length === 0,
      ...result.json,
      ...(failed.length > 0 ? { exitCode: ExitCode.jobFailed } : {}),
    };
    context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    if (result.text !== '') context.stdout.write(`${result.text}\n`);
    if (failed.length > 0) context.stderr.write(`error: some stems failed (${failures.join('; ')})\n`);
  }
  if (failed.length > 0) context.exitCode = ExitCode.jobFailed;
}

/**
 * The table of files a command wrote: stem, format, duration, size and path.
 *
 * @example
 * ```ts
 * filesTable([{ stem: 'vocals', role: 'stem', format: 'wav', path: 'stems/vocals.wav', sizeBytes: 1_764_044, durationSeconds: 10 }]);
 * ```
 */
export function filesTable(files: readonly WrittenFile[]): string {
  return renderTable(
    [
      { header: 'stem' },
      { header: 'format' },
      { header: 'duration', align: 'right' },
      { header: 'size', align: 'right' },
      { header: 'file' },
    ],
    files.map((file) => [
      file.stem ?? file.role,
      file.format,
      formatDuration(file.durationSeconds),
      formatBytes(file.sizeBytes),
      file.path,
    ]),
  );
}

/**
 * The table of a job's targets: stem, status, formats and, for failed ones, why.
 *
 * @example
 * ```ts
 * console.log(targetsTable(await stemkit.get(handle)));
 * ```
 */
export function targetsTable(job: Job): string {
  return renderTable(
    [{ header: 'stem' }, { header: 'status' }, { header: 'formats' }, { header: 'error' }],
    job.targets.map((target) => [
      target.stem,
      target.status,
      target.formats.join(', '),
      target.error?.message ?? '',
    ]),
  );
}

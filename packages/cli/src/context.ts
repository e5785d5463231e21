import type { JobHandle } from '@stemkit/core';
import type { OutputMode, Reporter } from './output/reporter.ts';

/** What the process hands the CLI: its arguments, streams, environment and the Ctrl-C signal. */
export interface CliIo {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  /** Gets only the result (with `--json`, one JSON document, failures too) and `--help`: safe to pipe. */
  readonly stdout: NodeJS.WritableStream;
  /**
   * Gets progress, notes and errors: progress bars when `isTTY` is true, plain lines otherwise. With
   * `--json`, only usage errors and `--verbose` debug lines.
   */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** The variables credentials and settings are read from (`AUDIOSHAKE_API_KEY`, `STEMKIT_PROVIDER`…). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C: waiting and transfers stop, and the CLI prints the handle to resume with. */
  readonly signal: AbortSignal;
}

/**
 * The state of one run, shared by the command that runs and the error handler: how output is shaped, and the
 * job started so far (so an interrupt or a timeout can say how to resume it).
 */
export interface CliContext extends CliIo {
  mode: OutputMode;
  reporter: Reporter | undefined;
  job: JobHandle | undefined;
  /** Set when the job lives in the embedded emulator; `kept` says whether it outlives this run. */
  emulator: { readonly kept: boolean } | undefined;
  /** What the process exits with when the command returns normally (4 after a partly failed job). */
  exitCode: number;
}

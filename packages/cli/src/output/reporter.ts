import { redact } from '@stemkit/core';
import { printable } from './printable.ts';
import { createProgressBars } from './progress-bars.ts';

/** One thing under way (an upload, the processing, one download), shown as a bar or as log lines. */
export interface ProgressTask {
  /** Moves it on: `value` out of the task's total; `detail` is the stage or note to show beside it. */
  update(value: number, detail?: string): void;
  /** Marks it done (or stopped) with a closing note. */
  finish(detail: string): void;
}

/** How a task counts its progress: bytes of a known (or unknown, 0) total, or a fraction of 1. */
export type ProgressUnit = 'bytes' | 'fraction';

/**
 * Everything a command tells the person running it, apart from its result: notes, debug lines and progress.
 * All of it goes to stderr, so stdout carries only the result (a table, or one JSON document).
 */
export interface Reporter {
  /** One informational line. Silent with `--json`. */
  note(line: string): void;
  /** A line only `--verbose` shows. */
  debug(line: string): void;
  /** Starts showing a task: a progress bar on a terminal, plain lines elsewhere, nothing with `--json`. */
  task(label: string, total: number, unit: ProgressUnit, detail?: string): ProgressTask;
  /** Stops drawing, leaving finished bars in place. Safe to call twice. */
  close(): void;
}

/** How output is shaped: bars for a person at a terminal, plain lines for logs, or machine-readable JSON. */
export type OutputMode = 'interactive' | 'plain' | 'json';

/** What {@link createReporter} needs. */
export interface ReporterOptions {
  readonly mode: OutputMode;
  readonly verbose: boolean;
  /** Where notes and progress go: the process's stderr. */
  readonly stream: NodeJS.WritableStream;
}

/**
 * Picks the output mode: `--json` wins; otherwise bars when stderr is a terminal, plain lines when it is not.
 *
 * @example
 * ```ts
 * outputMode({ json: false }, process.stderr); // 'interactive' in a terminal, 'plain' in CI
 * ```
 */
export function outputMode(
  flags: { readonly json?: boolean },
  stream: { readonly isTTY?: boolean },
): OutputMode {
  if (flags.json) return 'json';
  return stream.isTTY ? 'interactive' : 'plain';
}

const silentTask: ProgressTask = { update() {}, finish() {} };

/**
 * Creates the reporter for a mode. Every line passes through core's `redact`, so a credential cannot reach the
 * screen even in a debug line, and through `printable`, so a file name's escape sequences reach it as text.
 */
export function createReporter(options: ReporterOptions): Reporter {
  const write = (line: string) => options.stream.write(`${printable(redact(line))}\n`);
  if (options.mode === 'json') {
    return {
      note() {},
      debug: (line) => options.verbose && write(`debug: ${line}`),
      task: () => silentTask,
      close() {},
    };
  }
  if (options.mode === 'interactive') {
    const bars = createProgressBars(options.stream);
    const above = (line: string) => (bars.active() ? bars.log(printable(redact(line))) : write(line));
    return {
      note: above,
      debug: (line) => options.verbose && above(`debug: ${line}`),
      task: (label, total, unit, detail) => {
        const task = bars.task(
          printable(label),
          total,
          unit,
          detail === undefined ? undefined : printable(detail),
        );
        return {
          update: (value, next) => task.update(value, next === undefined ? undefined : printable(next)),
          finish: (closing) => task.finish(printable(closing)),
        };
      },
      close: () => bars.stop(),
    };
  }
  return {
    note: write,
    debug: (line) => options.verbose && write(`debug: ${line}`),
    task: (label, _total, _unit, detail) => plainTask(write, label, detail),
    close() {},
  };
}

/** Off a terminal: a line when the task starts (if it has a detail), one per new detail, one when it ends. */
function plainTask(write: (line: string) => void, label: string, detail: string | undefined): ProgressTask {
  let shown = detail;
  if (detail !== undefined) write(`${label}: ${detail}`);
  return {
    update(_value, next) {
      if (next === undefined || next === shown) return;
      shown = next;
      write(`${label}: ${next}`);
    },
    finish(closing) {
      write(`${label}: ${closing}`);
    },
  };
}

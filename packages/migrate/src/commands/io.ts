import { parseArgs } from 'node:util';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CommandIo {
  /** Results: the report, the plan, JSON. */
  readonly stdout: {
    /** Writes `text` as given; callers add their own newlines. */
    write(text: string): unknown;
  };
  /** Progress lines and error messages. */
  readonly stderr: {
    /** Writes `text` as given; callers add their own newlines. */
    write(text: string): unknown;
  };
  /** The environment variables the command reads (credentials, defaults). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Interrupts the command (the bin aborts it on SIGINT and SIGTERM): `migrate` exits 130, `gateway` closes
   * and exits 0. Without one, `gateway` serves until the process ends.
   */
  readonly signal?: AbortSignal;
}

/** A bad command line: nothing was done. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A credential the command needs is not set: exit code 3, as in every `stemkit` command. */
export class MissingCredentialsError extends Error {
  override readonly name = 'MissingCredentialsError';
}

/**
 * The exit codes of `stemkit migrate` and `stemkit gateway`: the same table as every `stemkit` command
 * (`packages/cli/src/exit-codes.ts`; a CLI test keeps the two in step).
 */
export const MIGRATE_EXIT_CODE = {
  /** Done. */
  success: 0,
  /** Failed or incomplete (apply: run again to resume), or something unexpected. */
  failure: 1,
  /** A bad command, flag or value, or a rejected input file: nothing was done. */
  usage: 2,
  /** Credentials missing or refused. */
  authentication: 3,
  /** Ctrl-C or SIGTERM. */
  interrupted: 130,
  /** stdout or stderr closed before the output ended (`| head`): stopped there, quietly. */
  outputClosed: 141,
} as const;

/** What `stemkit migrate` and `stemkit gateway` print after a usage error, as commander does for the others. */
export const HELP_HINT = '(add --help for usage)';

/** `Unknown option '--x'. To specify…` (node:util's wording) → `unknown option '--x'` (commander's). */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `too many arguments: '${positional[1]}'`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** The option definitions of `node:util`'s `parseArgs`. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parses flags strictly, turning `parseArgs`'s errors into {@link UsageError}s. */
export function parseFlags<Options extends OptionSpec>(argv: readonly string[], options: Options) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
}

/** A required string flag. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A positive integer flag, or its default. */
export function positiveInteger(values: Record<string, unknown>, name: string, fallback: number): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a positive integer`);
  return number;
}

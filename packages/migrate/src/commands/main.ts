import { AuthenticationError, isAbortError, StemkitError } from '@stemkit/core';
import { InputFileError } from '../export/errors.ts';
import { type CommandIo, HELP_HINT, MIGRATE_EXIT_CODE, MissingCredentialsError, UsageError } from './io.ts';
import { applyCommand, convertCommand, exportCommand, planCommand, verifyCommand } from './migrate.ts';

/** Each command's usage line(s), as `stemkit migrate <command> --help` prints them and the overview lists them. */
const USAGES = {
  export: {
    usage: 'export   --ids <file> --out <jsonl> [--concurrency 8]',
    what: 'Fetch legacy jobs by id (one per line) into a JSONL export.',
  },
  plan: {
    usage:
      'plan     --export <jsonl> | --ids <file> --out <plan.json> [--sources <json>] [--max-targets 10] [--json]',
    what: 'Plan the Tasks API tasks that reproduce each legacy job (no request is sent with --export).',
  },
  apply: {
    usage:
      'apply    --plan <plan.json> --journal <jsonl> --mapping <mapping.json> [--concurrency 8] [--settle-ms 5000] [--json]',
    what: 'Create the planned tasks, journaled: run it again after a crash or an interrupt to resume.',
  },
  verify: {
    usage:
      'verify   --export <jsonl> --mapping <mapping.json> --report <path> [--wait <seconds>] [--concurrency 8]\n' +
      '         (writes <path>.md and <path>.json; --wait gives running tasks that long to finish)',
    what: 'Compare the tasks with the legacy jobs they replace, and report.',
  },
  convert: {
    usage: 'convert  --export <jsonl> | --callback <json> [--to neutral|tasks|both] [--out <jsonl>]',
    what: "Convert legacy job records (or one callback body) into stemkit's neutral jobs or Tasks API tasks.",
  },
} as const;

const CREDENTIALS = `Credentials (environment only): AUDIOSHAKE_TOKEN (+ AUDIOSHAKE_LEGACY_BASE_URL) for the legacy API,
AUDIOSHAKE_API_KEY (+ AUDIOSHAKE_BASE_URL) for the Tasks API.`;

const EXIT_CODES = `Exit codes (as every stemkit command): 0 done; 1 failed or incomplete (apply: run again to resume), or
unexpected; 2 usage or rejected input file; 3 credentials missing or refused; 130 interrupted; 141 output
closed early (| head).`;

/** The `stemkit migrate` help text. */
export const MIGRATE_HELP = `Usage: stemkit migrate <command> [flags]

Move stored AudioShake legacy jobs to the Tasks API.

Commands:
${Object.values(USAGES)
  .map((each) => `  ${each.usage.replaceAll('\n', '\n  ')}`)
  .join('\n')}

${CREDENTIALS}

${EXIT_CODES}`;

/** One command's own `--help`. */
function commandHelp(name: keyof typeof USAGES): string {
  const { usage, what } = USAGES[name];
  const [first, ...rest] = usage.replace(/^\S+\s+/, '').split('\n');
  const flags = [first, ...rest.map((line) => line.trimStart())].join('\n  ');
  return `Usage: stemkit migrate ${name} ${flags}\n\n${what}\n\n${CREDENTIALS}\n\n${EXIT_CODES}`;
}

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CommandIo) => Promise<number>>> = {
  export: exportCommand,
  plan: planCommand,
  apply: applyCommand,
  verify: verifyCommand,
  convert: convertCommand,
};

/**
 * Runs one `stemkit migrate` command and returns its exit code; errors are written to `io.stderr`, already
 * scrubbed of secrets by stemkit's errors. The CLI mounts it as `stemkit migrate …`.
 *
 * @example
 * ```ts
 * process.exitCode = await runMigrateCommand(['apply', '--plan', 'plan.json', '--journal', 'j.jsonl', '--mapping', 'm.json'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env,
 * });
 * ```
 */
export async function runMigrateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // `stemkit migrate` alone is a usage error: the help goes to stderr, as commander does.
    (name ? io.stdout : io.stderr).write(`${MIGRATE_HELP}\n`);
    return name ? MIGRATE_EXIT_CODE.success : MIGRATE_EXIT_CODE.usage;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(
      `error: unknown command '${name}' (migrate has ${Object.keys(COMMANDS).join(', ')})\n${HELP_HINT}\n`,
    );
    return MIGRATE_EXIT_CODE.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${commandHelp(name as keyof typeof USAGES)}\n`);
    return MIGRATE_EXIT_CODE.success;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (isAbortError(error)) {
      io.stderr.write('error: interrupted\n');
      return MIGRATE_EXIT_CODE.interrupted;
    }
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const path = (error as NodeJS.ErrnoException).path;
    const usage = missing || error instanceof UsageError || InputFileError.isInstance(error);
    io.stderr.write(
      `error: ${missing ? `no such file: ${path}` : error instanceof Error ? error.message : String(error)}\n`,
    );
    if (error instanceof UsageError) io.stderr.write(`${HELP_HINT}\n`);
    if (usage) return MIGRATE_EXIT_CODE.usage;
    if (error instanceof MissingCredentialsError || AuthenticationError.isInstance(error)) {
      return MIGRATE_EXIT_CODE.authentication;
    }
    if (StemkitError.isInstance(error) && error.code === 'invalid-argument') return MIGRATE_EXIT_CODE.usage;
    return MIGRATE_EXIT_CODE.failure;
  }
}

import { AuthenticationError, isAbortError, StemkitError } from '@stemkit/core';
import { InputFileError } from '../export/errors.ts';
import { type CommandIo, UsageError } from './io.ts';
import { applyCommand, convertCommand, exportCommand, planCommand, verifyCommand } from './migrate.ts';

/** The `stemkit migrate` help text. */
export const MIGRATE_HELP = `Usage: stemkit migrate <command> [flags]

Move stored AudioShake legacy jobs to the Tasks API.

Commands:
  export   --ids <file> --out <jsonl>                       fetch legacy jobs by id into a JSONL export
  plan     --export <jsonl> | --ids <file> --out <plan.json> [--sources <json>] [--max-targets 10] [--json]
  apply    --plan <plan.json> --journal <jsonl> --mapping <mapping.json> [--concurrency 8] [--settle-ms 5000] [--json]
  verify   --export <jsonl> --mapping <mapping.json> --report <path> [--wait <seconds>]
           (writes <path>.md and <path>.json; --wait gives running tasks that long to finish)
  convert  --export <jsonl> | --callback <json> [--to neutral|tasks|both] [--out <jsonl>]

Credentials (environment only): AUDIOSHAKE_TOKEN (+ AUDIOSHAKE_LEGACY_BASE_URL) for the legacy API,
AUDIOSHAKE_API_KEY (+ AUDIOSHAKE_BASE_URL) for the Tasks API.

Exit codes: 0 done; 1 failed or incomplete (apply: run again to resume); 2 usage or rejected input file;
3 credentials refused; 130 interrupted.`;

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
    io.stdout.write(`${MIGRATE_HELP}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unknown migrate command \`${name}\`\n\n${MIGRATE_HELP}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${MIGRATE_HELP}\n`);
    return 0;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (isAbortError(error)) {
      io.stderr.write('interrupted\n');
      return 130;
    }
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const path = (error as NodeJS.ErrnoException).path;
    io.stderr.write(
      `${missing ? `no such file: ${path}` : error instanceof Error ? error.message : String(error)}\n`,
    );
    if (missing || error instanceof UsageError || InputFileError.isInstance(error)) return 2;
    if (AuthenticationError.isInstance(error)) return 3;
    if (StemkitError.isInstance(error) && error.code === 'invalid-argument') return 2;
    return 1;
  }
}

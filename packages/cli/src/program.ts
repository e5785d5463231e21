import { Command, CommanderError } from 'commander';
import { batchCommand, workerCommand } from './commands/batch.ts';
import { demoTrackCommand } from './commands/demo-track.ts';
import { downloadCommand } from './commands/download.ts';
import { emulatorCommand } from './commands/emulator.ts';
import { listCommand } from './commands/list.ts';
import { migrateCommands } from './commands/migrate.ts';
import { mixCommand } from './commands/mix.ts';
import { providersCommand } from './commands/providers.ts';
import { separateCommand } from './commands/separate.ts';
import { statusCommand } from './commands/status.ts';
import { usageCommand } from './commands/usage.ts';
import { waitCommand } from './commands/wait.ts';
import { webhookCommand } from './commands/webhook.ts';
import { zipCommand } from './commands/zip.ts';
import type { CliContext } from './context.ts';
import { CREDENTIAL_HELP } from './credentials.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';

const EXAMPLES = `Examples:
  # four stems into ./stems, on the embedded emulator when no provider is configured
  stemkit separate song.wav
  # two stems as mp3, on AudioShake's Tasks API (AUDIOSHAKE_API_KEY set)
  stemkit separate song.mp3 --stems vocals,instrumental --format mp3 --provider audioshake
  # a job's status, from the sk1.… token separate printed
  stemkit status sk1.eyJ…
  # every track of a folder (or a .jsonl / .csv manifest); run it again to resume
  stemkit batch masters/ --stems vocals,instrumental --out stems --concurrency 16
  # a mix with the drums quieter and to the right
  stemkit mix sk1.eyJ… --track vocals:1:0 --track drums:0.6:0.4 --format mp3`;

/** The version printed by `--version`, from package.json at build time. */
declare const STEMKIT_VERSION: string | undefined;

/**
 * Builds the `stemkit` command tree. Commander's own exits (help, version, parse errors) are turned into
 * thrown `CommanderError`s so the caller owns the exit code.
 */
export function buildProgram(context: CliContext): Command {
  const program = new Command('stemkit')
    .description('Separate music into stems (vocals, drums, bass, …) with any provider, or offline.')
    .version(typeof STEMKIT_VERSION === 'string' ? STEMKIT_VERSION : '0.0.0-source', '-V, --version')
    // Options after a command name belong to it: `migrate` and `gateway` pass theirs through untouched.
    .enablePositionalOptions()
    .addHelpText('after', `\n${EXAMPLES}\n\n${CREDENTIAL_HELP}\n\n${EXIT_CODE_HELP}\n`);
  const commands = [
    separateCommand(context),
    statusCommand(context),
    waitCommand(context),
    downloadCommand(context),
    mixCommand(context),
    zipCommand(context),
    listCommand(context),
    usageCommand(context),
    webhookCommand(context),
    batchCommand(context),
    workerCommand(context),
    providersCommand(context),
    emulatorCommand(context),
    demoTrackCommand(context),
  ];
  for (const command of commands) program.addCommand(command);
  const passedThrough = migrateCommands(context);
  for (const command of passedThrough) program.addCommand(command);
  for (const command of [program, ...program.commands]) {
    command
      .exitOverride()
      .showHelpAfterError('(add --help for usage)')
      .configureOutput({
        writeOut: (text) => context.stdout.write(text),
        writeErr: (text) => context.stderr.write(text),
      });
    if (command === program || passedThrough.includes(command)) continue;
    const talksToProviders = command.options.some((option) => option.long === '--provider');
    command.addHelpText('after', `\n${talksToProviders ? `${CREDENTIAL_HELP}\n\n` : ''}${EXIT_CODE_HELP}\n`);
  }
  return program;
}

/** Whether an error is commander saying it printed the help or the version that was asked for. */
export function isHelpOrVersion(error: unknown): boolean {
  return (
    error instanceof CommanderError && ['commander.helpDisplayed', 'commander.version'].includes(error.code)
  );
}

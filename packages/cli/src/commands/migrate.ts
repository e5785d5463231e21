import { Command } from 'commander';
import type { CliContext } from '../context.ts';

/**
 * `stemkit migrate …` and `stemkit gateway …`: the commands of `@stemkit/migrate` (moving stored AudioShake
 * legacy jobs to the Tasks API, and the gateway that keeps legacy clients working), mounted as they are. Their
 * flags, help and exit codes are that package's; everything after the command name is passed through.
 *
 * @example
 * ```sh
 * stemkit migrate plan --export jobs.jsonl --out plan.json
 * stemkit gateway --backend emulator --port 8080
 * ```
 */
export function migrateCommands(context: CliContext): Command[] {
  const mount = (name: 'migrate' | 'gateway', description: string) =>
    new Command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .argument('[arguments...]', `see stemkit ${name} --help`)
      .action(async (argv: string[]) => {
        // Each from its own entry: the migration tools load none of the gateway, and the other way round.
        const run =
          name === 'migrate'
            ? (await import('@stemkit/migrate')).runMigrateCommand
            : (await import('@stemkit/migrate/gateway')).runGatewayCommand;
        const io = {
          stdout: context.stdout,
          stderr: context.stderr,
          env: context.environment,
          signal: context.signal,
        };
        context.exitCode = await run(argv, io);
      });
  return [
    mount('migrate', 'move stored AudioShake legacy jobs to the Tasks API (plan, apply, verify, convert)'),
    mount('gateway', 'serve the legacy job API in front of the Tasks API, Sourcere or the emulator'),
  ];
}

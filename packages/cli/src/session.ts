import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { type CredentialFlags, credentialOptions, PROVIDER_CHOICES, resolveProvider } from './credentials.ts';
import { createReporter, outputMode, type Reporter } from './output/reporter.ts';
import { type Connection, connect } from './providers.ts';

/** Flags every command that talks to a provider takes. */
export interface SessionFlags extends CredentialFlags {
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** A reporter and a connected client for one command. */
export interface Session extends Connection {
  readonly reporter: Reporter;
}

/**
 * Adds the provider, credential and output flags to a command.
 */
export function withSessionFlags(command: Command): Command {
  const choices = PROVIDER_CHOICES.filter((choice) => choice !== 'emulator');
  command
    .option(
      '-p, --provider <name>',
      `${PROVIDER_CHOICES.slice(0, -1).join(', ')} or ${PROVIDER_CHOICES.at(-1)}`,
    )
    .option(
      '--api <name>',
      `with the emulator: the API it serves, ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`,
    );
  for (const { flags, description } of credentialOptions()) command.option(flags, description);
  return command
    .option('--base-url <url>', "the provider's API base URL (*_BASE_URL)")
    .option('--json', 'print one machine-readable JSON result on stdout')
    .option('-v, --verbose', 'print what the client does (credentials stay hidden)');
}

/**
 * Sets up output for a command, without connecting: for commands that need no provider.
 */
export function startOutput(context: CliContext, flags: SessionFlags): Reporter {
  context.mode = outputMode(flags, context.stderr);
  context.reporter = createReporter({
    mode: context.mode,
    verbose: flags.verbose === true,
    stream: context.stderr,
  });
  return context.reporter;
}

/**
 * Sets up output and connects to the provider the flags, the environment and (for a handle) its provider
 * choose; the caller closes the session.
 */
export async function openSession(
  context: CliContext,
  flags: SessionFlags,
  handleProvider?: string,
): Promise<Session> {
  const reporter = startOutput(context, flags);
  const target = resolveProvider(flags, context.environment, handleProvider);
  const connection = await connect(target, { reporter, environment: context.environment });
  context.emulator = connection.emulator;
  reporter.debug(
    `provider: ${connection.stemkit.provider}${connection.emulator ? ' (embedded emulator)' : ''}`,
  );
  return { ...connection, reporter };
}

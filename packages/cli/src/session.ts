import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { type CredentialFlags, resolveProvider } from './credentials.ts';
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
  return command
    .option('-p, --provider <name>', 'emulator, sourcere, audioshake-legacy or audioshake')
    .option('--api <name>', 'with the emulator: the API it serves, sourcere, audioshake or audioshake-legacy')
    .option('--username <name>', 'Sourcere username (SOURCERE_USERNAME)')
    .option('--password <secret>', 'Sourcere password (SOURCERE_PASSWORD)')
    .option('--token <secret>', 'AudioShake legacy API token (AUDIOSHAKE_TOKEN)')
    .option('--api-key <secret>', 'AudioShake Tasks API key (AUDIOSHAKE_API_KEY)')
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

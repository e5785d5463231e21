import { audioshakeTasks } from '@stemkit/audioshake';
import { AuthenticationError, type StemkitDriver } from '@stemkit/core';
import { Command, CommanderError } from 'commander';
import { createOutbound } from '../gateway/outbound.ts';
import { postgresGatewayStore } from '../gateway/postgres-store.ts';
import { startGateway } from '../gateway/server.ts';
import { fileGatewayStore, type GatewayStore } from '../gateway/store.ts';
import { settingsFromEnvironment, tasksFromEnvironment } from './drivers.ts';
import {
  type CommandIo,
  HELP_HINT,
  MIGRATE_EXIT_CODE,
  MissingCredentialsError,
  positiveInteger,
  UsageError,
} from './io.ts';

/** A port flag: 0 (a free one) to 65535. */
function portNumber(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError('--port must be a whole number from 0 to 65535');
  return port;
}

/** The `stemkit gateway` help text. */
export const GATEWAY_HELP = `Usage: stemkit gateway --backend audioshake|sourcere|emulator [--port 8080] [--host 127.0.0.1]
                       [--public-url URL] [--state gateway-state.json | --store postgres://…] [--speed 1]
                       [--allow-private-network] [--allow-host HOST-OR-CIDR]...

Serve AudioShake's legacy job/asset API (POST /upload, /upload/link, /upload/audio-link, /job, GET /job/:id,
POST /usage, per-job callbacks) over another backend, so legacy clients keep working unchanged.

Backends:
  audioshake  the Tasks API (AUDIOSHAKE_API_KEY, optional AUDIOSHAKE_BASE_URL)
  sourcere    the Sourcere Separation API (SOURCERE_USERNAME, SOURCERE_PASSWORD, optional SOURCERE_BASE_URL)
  emulator    the Tasks API of an embedded offline emulator (--speed divides its simulated durations)

--host and --port say where to listen (default 127.0.0.1 and a free port; --port 0 too, printed in "url").
--public-url is the address clients reach the gateway at, used in download links (required with --host 0.0.0.0
  or ::).
--state keeps the gateway's asset and job ids in a file across restarts (no credential or signed link in it).
--store keeps them in PostgreSQL instead, shared by every gateway on it: run several behind one load balancer.
Links the gateway fetches (/upload/link) and callbacks it sends reach public addresses only:
  --allow-private-network   also loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) and CGNAT addresses
  --allow-host HOST-OR-CIDR  this host name or address range, whatever its kind (repeatable; e.g. 169.254.0.0/16)
Legacy clients send Authorization: Bearer $STEMKIT_GATEWAY_TOKEN (required, environment only).
STEMKIT_GATEWAY_LINK_SECRET (optional, 32 characters or more) signs download links, so they outlive a restart.
Prints one JSON line {"url", "listening", "backend"} when listening; serves until SIGINT or SIGTERM.`;

/** A backend driver, and what to stop with it. */
interface Backend {
  readonly driver: StemkitDriver;
  close(): Promise<void>;
}

async function openBackend(name: string, env: CommandIo['env'], speed: number): Promise<Backend> {
  const none = async () => undefined;
  if (name === 'audioshake') {
    return { driver: tasksFromEnvironment(env), close: none };
  }
  if (name === 'sourcere') {
    // Loaded on demand: only this backend needs the Sourcere driver.
    const { sourcere } = await import('@stemkit/sourcere');
    const settings = settingsFromEnvironment(sourcere.settings, env, 'the sourcere backend needs it');
    return { driver: sourcere(settings), close: none };
  }
  if (name === 'emulator') {
    const { startEmulator } = await import('@stemkit/emulator');
    const emulator = await startEmulator({ processing: { speed } });
    return {
      driver: audioshakeTasks({ apiKey: emulator.tasks.apiKey, baseUrl: emulator.tasks.baseUrl }),
      close: () => emulator.close(),
    };
  }
  throw new UsageError(`--backend must be audioshake, sourcere or emulator, not \`${name}\``);
}

/**
 * Runs `stemkit gateway`: starts the legacy API gateway over the chosen backend and serves until `io.signal`
 * aborts (the bin aborts it on SIGINT and SIGTERM), or without one until the process ends. Returns the exit code.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGTERM', () => controller.abort());
 * process.exitCode = await runGatewayCommand(['--backend', 'emulator'], { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
 * ```
 */
export async function runGatewayCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${GATEWAY_HELP}\n`);
    return MIGRATE_EXIT_CODE.success;
  }
  let values: GatewayFlags;
  try {
    values = parseGatewayFlags(argv, io);
  } catch (error) {
    // Commander has written its own error (`error: unknown option '--prot'`, a "Did you mean" and the hint).
    if (error instanceof CommanderError) return MIGRATE_EXIT_CODE.usage;
    throw error;
  }
  try {
    const token = io.env.STEMKIT_GATEWAY_TOKEN;
    if (!token) throw new UsageError('STEMKIT_GATEWAY_TOKEN is not set: legacy clients authenticate with it');
    const linkSecret = io.env.STEMKIT_GATEWAY_LINK_SECRET || undefined;
    if (linkSecret !== undefined && linkSecret.length < 32)
      throw new UsageError('STEMKIT_GATEWAY_LINK_SECRET must be at least 32 characters');
    if (!values.backend) throw new UsageError('--backend is required');
    const port = values.port === undefined ? 0 : portNumber(values.port);
    const publicUrl = values.publicUrl;
    if (publicUrl !== undefined && !/^https?:\/\/[^/]/.test(publicUrl))
      throw new UsageError('--public-url must be an http(s) URL');
    const host = values.host ?? '127.0.0.1';
    if (['0.0.0.0', '::', '[::]'].includes(host) && publicUrl === undefined)
      throw new UsageError(
        `--host ${host} needs --public-url: download links must name an address clients reach`,
      );
    const allowHosts = values.allowHost;
    try {
      createOutbound({ allowHosts });
    } catch (error) {
      throw new UsageError(`--allow-host: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (values.state !== undefined && values.store !== undefined)
      throw new UsageError('--state and --store are two places for the same records: give one');
    if (values.store !== undefined && !/^postgres(ql)?:\/\//i.test(values.store))
      throw new UsageError('--store must be a postgres:// URL');
    const postgres = values.store === undefined ? undefined : postgresGatewayStore(values.store);
    await postgres?.open().catch(async (error: unknown) => {
      await postgres.close();
      const password = decodeURIComponent(new URL(values.store as string).password);
      const message = (error as Error).message;
      throw new Error(
        `--store: cannot use the PostgreSQL store (${password ? message.replaceAll(password, '***') : message})`,
      );
    });
    const store: GatewayStore | undefined =
      postgres ?? (values.state === undefined ? undefined : fileGatewayStore(values.state));
    const backend = await openBackend(
      values.backend,
      io.env,
      positiveInteger({ speed: values.speed }, 'speed', 1),
    );
    let running: Awaited<ReturnType<typeof startGateway>>;
    try {
      running = await startGateway({
        driver: backend.driver,
        token,
        port,
        host,
        allowHosts,
        ...(values.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
        ...(publicUrl === undefined ? {} : { publicUrl }),
        ...(linkSecret === undefined ? {} : { linkSecret }),
        ...(store === undefined ? {} : { store }),
      });
    } catch (error) {
      await backend.close();
      await postgres?.close();
      throw error;
    }
    io.stdout.write(
      `${JSON.stringify({ url: running.url, listening: running.listeningUrl, backend: values.backend })}\n`,
    );
    await new Promise<void>((resolve) => {
      // Without a signal it serves until the process ends.
      if (io.signal?.aborted) return resolve();
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await running.close();
    await backend.close();
    await postgres?.close();
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) io.stderr.write(`${HELP_HINT}\n`);
    if (error instanceof UsageError) return MIGRATE_EXIT_CODE.usage;
    if (error instanceof MissingCredentialsError || AuthenticationError.isInstance(error)) {
      return MIGRATE_EXIT_CODE.authentication;
    }
    return MIGRATE_EXIT_CODE.failure;
  }
}

/** The flags of `stemkit gateway`, as commander reads them. */
interface GatewayFlags {
  readonly backend?: string;
  readonly port?: string;
  readonly host?: string;
  readonly publicUrl?: string;
  readonly speed?: string;
  readonly state?: string;
  readonly store?: string;
  readonly allowPrivateNetwork?: boolean;
  readonly allowHost: string[];
}

/**
 * Reads the gateway's flags with commander, as the other `stemkit` commands do: an unknown or misspelt flag is
 * `error: unknown option '--prot'` with a "Did you mean --port?" and the help hint, exit code 2. The values are
 * checked after, with the environment.
 */
function parseGatewayFlags(argv: readonly string[], io: CommandIo): GatewayFlags {
  const command = new Command('gateway')
    .helpOption(false)
    .exitOverride()
    .showHelpAfterError(HELP_HINT)
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .option('--backend <name>')
    .option('--port <port>')
    .option('--host <host>')
    .option('--public-url <url>')
    .option('--speed <factor>')
    .option('--state <file>')
    .option('--store <url>')
    .option('--allow-private-network')
    .option(
      '--allow-host <host-or-cidr>',
      '',
      (value: string, previous: string[]) => [...previous, value],
      [],
    );
  command.parse([...argv], { from: 'user' });
  return command.opts<GatewayFlags>();
}

import { localAudio } from '@stemkit/audio';
import type { Logger, StemkitDriver } from '@stemkit/core';
import type { NodeStemkit } from '@stemkit/core/node';
import type { DriverName, ProviderTarget, RemoteProvider } from './credentials.ts';
import { claimDataDir, embeddedDataDir } from './emulator-data.ts';
import type { Reporter } from './output/reporter.ts';

/** A client ready to use, and what to close when the command is done. */
export interface Connection {
  readonly stemkit: NodeStemkit;
  /**
   * Set when the requests go to the embedded emulator in this process; `kept` says whether its jobs outlive the
   * run (its data folder was free) or go with it (another `stemkit` held the folder).
   */
  readonly emulator?: { readonly kept: boolean };
  /** Stops the embedded emulator, when there is one. */
  close(): Promise<void>;
}

/** What {@link connect} needs besides the target. */
export interface ConnectOptions {
  readonly reporter: Reporter;
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** The fetch the driver sends with, given the API's base URL (`batch` passes a rate-limited one). */
  readonly fetch?: FetchFor;
}

/** Makes the fetch a driver sends with, given the base URL of the provider's API. */
export type FetchFor = (apiBaseUrl: string) => typeof globalThis.fetch;

const API_NAMES: Record<DriverName, string> = {
  sourcere: 'Sourcere API',
  'audioshake-legacy': 'AudioShake legacy job API',
  audioshake: 'AudioShake Tasks API',
};

/**
 * Creates the driver for a configured provider. Driver packages load on demand: `stemkit --help` stays quick.
 *
 * @example
 * ```ts
 * const driver = await createDriver({ driver: 'audioshake', apiKey: process.env.AUDIOSHAKE_API_KEY! });
 * ```
 */
export async function createDriver(provider: RemoteProvider, fetchFor?: FetchFor): Promise<StemkitDriver> {
  const baseUrl = provider.baseUrl === undefined ? {} : { baseUrl: provider.baseUrl };
  const transport = (defaultBaseUrl: string) =>
    fetchFor === undefined ? baseUrl : { ...baseUrl, fetch: fetchFor(provider.baseUrl ?? defaultBaseUrl) };
  switch (provider.driver) {
    case 'sourcere': {
      const { sourcere, DEFAULT_BASE_URL } = await import('@stemkit/sourcere');
      return sourcere({
        username: provider.username,
        password: provider.password,
        ...transport(DEFAULT_BASE_URL),
      });
    }
    case 'audioshake-legacy': {
      const { audioshakeLegacy, LEGACY_DEFAULT_BASE_URL } = await import('@stemkit/audioshake');
      return audioshakeLegacy({ token: provider.token, ...transport(LEGACY_DEFAULT_BASE_URL) });
    }
    case 'audioshake': {
      const { audioshakeTasks, TASKS_DEFAULT_BASE_URL } = await import('@stemkit/audioshake');
      return audioshakeTasks({ apiKey: provider.apiKey, ...transport(TASKS_DEFAULT_BASE_URL) });
    }
  }
}

/**
 * The speed of the embedded emulator's simulated processing: `STEMKIT_EMULATOR_SPEED`, or 10 (a few seconds for
 * a short track: long enough to watch the provider's stages, short enough not to wait).
 */
export function embeddedSpeed(environment: Readonly<Record<string, string | undefined>>): number {
  const speed = Number(environment.STEMKIT_EMULATOR_SPEED);
  return speed > 0 ? speed : 10;
}

/**
 * Connects a client to where the command's requests go: a configured provider, or the embedded emulator started
 * in this process on a free loopback port (said in one line). The client gets the local mix/zip fallback, so
 * `mix` and `zip` work whatever the provider.
 *
 * @example
 * ```ts
 * const connection = await connect({ kind: 'embedded', driver: 'sourcere', reason: 'demo' }, { reporter, environment: process.env });
 * try { await connection.stemkit.separate({ source: 'song.wav' }); } finally { await connection.close(); }
 * ```
 */
export async function connect(target: ProviderTarget, options: ConnectOptions): Promise<Connection> {
  const { createStemkit } = await import('@stemkit/core/node');
  const logger = reporterLogger(options.reporter);
  const client = (driver: StemkitDriver) => createStemkit({ driver, plugins: [localAudio()], logger });
  if (target.kind === 'remote') {
    const driver = await createDriver(target.provider, options.fetch);
    return { stemkit: client(driver), close: async () => {} };
  }
  const { startEmulator } = await import('@stemkit/emulator');
  const claim = await claimDataDir(embeddedDataDir(options.environment));
  const emulator = await startEmulator({
    port: 0,
    processing: { speed: embeddedSpeed(options.environment) },
    ...(claim.dataDir === undefined ? {} : { dataDir: claim.dataDir }),
  }).catch(async (error: unknown) => {
    await claim.release();
    throw error;
  });
  const close = async () => {
    await emulator.close();
    await claim.release();
  };
  const provider: RemoteProvider =
    target.driver === 'sourcere'
      ? { driver: 'sourcere', ...emulator.sourcere }
      : target.driver === 'audioshake-legacy'
        ? { driver: 'audioshake-legacy', token: emulator.legacy.token, baseUrl: emulator.legacy.baseUrl }
        : { driver: 'audioshake', apiKey: emulator.tasks.apiKey, baseUrl: emulator.tasks.baseUrl };
  options.reporter.note(
    `${target.reason}: using the embedded emulator (${API_NAMES[target.driver]}) at ${provider.baseUrl}`,
  );
  if (claim.dataDir === undefined) {
    options.reporter.note('another stemkit is using the emulator data folder: this run keeps nothing');
  } else {
    options.reporter.debug(`emulator data: ${claim.dataDir}`);
  }
  try {
    return {
      stemkit: client(await createDriver(provider, options.fetch)),
      emulator: { kept: claim.dataDir !== undefined },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Core's log lines, shown as debug lines (`--verbose`); warnings always. */
function reporterLogger(reporter: Reporter): Logger {
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields === undefined ? message : `${message} ${JSON.stringify(fields)}`;
  return {
    debug: (message, fields) => reporter.debug(line(message, fields)),
    info: (message, fields) => reporter.debug(line(message, fields)),
    warn: (message, fields) => reporter.note(`warning: ${line(message, fields)}`),
  };
}

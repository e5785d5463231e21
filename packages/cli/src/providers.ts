import { localAudio } from '@stemkit/audio';
import type { Logger, StemkitDriver } from '@stemkit/core';
import type { NodeStemkit } from '@stemkit/core/node';
import { DRIVERS, type DriverName, type ProviderTarget, type RemoteProvider } from './credentials.ts';
import { cacheLimitBytes, claimDataDir, embeddedDataDir, emptyDataDir, folderSize } from './emulator-data.ts';
import type { Reporter } from './output/reporter.ts';
import { formatBytes } from './output/units.ts';

/** A client ready to use, and what to close when the command is done. */
export interface Connection {
  readonly stemkit: NodeStemkit;
  /** The driver behind `stemkit`: for what only some drivers offer (the Tasks API's account webhook). */
  readonly driver: StemkitDriver;
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
 * Creates the driver for a configured provider from its settings; `fetchFor` wraps the transport of its API host
 * (a batch's shared rate limit).
 *
 * @example
 * ```ts
 * const driver = createDriver({ driver: 'audioshake', settings: { apiKey: process.env.AUDIOSHAKE_API_KEY! } });
 * ```
 */
export function createDriver(provider: RemoteProvider, fetchFor?: FetchFor): StemkitDriver {
  const factory = DRIVERS[provider.driver];
  const baseUrl = provider.settings.baseUrl ?? factory.settings.baseUrl.default;
  return factory({ ...provider.settings, ...(fetchFor ? { fetch: fetchFor(baseUrl) } : {}) });
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
 */
export async function connect(target: ProviderTarget, options: ConnectOptions): Promise<Connection> {
  const { createStemkit } = await import('@stemkit/core/node');
  const logger = reporterLogger(options.reporter);
  const client = (driver: StemkitDriver) => createStemkit({ driver, plugins: [localAudio()], logger });
  if (target.kind === 'remote') {
    const driver = createDriver(target.provider, options.fetch);
    return { stemkit: client(driver), driver, close: async () => {} };
  }
  const { startEmulator } = await import('@stemkit/emulator');
  const claim = await claimDataDir(embeddedDataDir(options.environment));
  // The cache only grows with every run: past its limit it is emptied, said in one line.
  if (claim.dataDir !== undefined) {
    const size = await folderSize(claim.dataDir);
    if (size > cacheLimitBytes(options.environment)) {
      await emptyDataDir(claim.dataDir);
      options.reporter.note(
        `emptied the emulator cache at ${claim.dataDir} (${formatBytes(size)}, over STEMKIT_EMULATOR_CACHE_MB): earlier handles are gone`,
      );
    }
  }
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
  const settings: Record<DriverName, Record<string, string>> = {
    sourcere: emulator.sourcere,
    'audioshake-legacy': { token: emulator.legacy.token, baseUrl: emulator.legacy.baseUrl },
    audioshake: { apiKey: emulator.tasks.apiKey, baseUrl: emulator.tasks.baseUrl },
  };
  const provider: RemoteProvider = { driver: target.driver, settings: settings[target.driver] };
  options.reporter.note(
    `${target.reason}: using the embedded emulator (${API_NAMES[target.driver]}) at ${provider.settings.baseUrl}`,
  );
  if (claim.dataDir === undefined) {
    options.reporter.note('another stemkit is using the emulator data folder: this run keeps nothing');
  } else {
    options.reporter.debug(`emulator data: ${claim.dataDir}`);
  }
  try {
    const driver = createDriver(provider, options.fetch);
    return {
      stemkit: client(driver),
      driver,
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

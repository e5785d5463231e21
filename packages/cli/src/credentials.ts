import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { inspectSettings, type SettingsDeclaration, type SettingsFound } from '@stemkit/core/driver';
import { sourcere } from '@stemkit/sourcere';
import { MissingCredentialsError, UsageError } from './errors.ts';

/** What `--provider` accepts. `emulator` is the embedded emulator behind the Sourcere driver. */
export const PROVIDER_CHOICES = ['emulator', 'sourcere', 'audioshake-legacy', 'audioshake'] as const;
/** One of {@link PROVIDER_CHOICES}. */
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
/** A provider with a driver: every choice but `emulator`. */
export type DriverName = Exclude<ProviderChoice, 'emulator'>;

/** Credential flags, as commander hands them over: each is named after the setting it gives. */
export interface CredentialFlags {
  readonly provider?: string;
  /** With the emulator: which provider API it serves the command through (default `sourcere`). */
  readonly api?: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly apiKey?: string;
  readonly baseUrl?: string;
}

/**
 * The driver behind each provider choice. Each declares the settings it reads (credentials, host) and their
 * environment variables: the CLI reads them through the same declarations, with core's reader.
 */
export const DRIVERS = {
  sourcere,
  'audioshake-legacy': audioshakeLegacy,
  audioshake: audioshakeTasks,
} as const satisfies Record<DriverName, { readonly settings: SettingsDeclaration }>;

/** A provider to reach over the network: its driver, and every setting it needs (defaults applied). */
export interface RemoteProvider {
  readonly driver: DriverName;
  readonly settings: Readonly<Record<string, string>>;
}

/** Where commands send their requests: a configured provider, or the embedded emulator behind a driver. */
export type ProviderTarget =
  | { readonly kind: 'remote'; readonly provider: RemoteProvider }
  | {
      readonly kind: 'embedded';
      readonly driver: DriverName;
      /** Why, in a few words, for the one line that says the embedded emulator is in use. */
      readonly reason: string;
    };

/** `apiKey` → `--api-key`. */
const flagOf = (setting: string) => `--${setting.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

function credentialLines(name: DriverName, note: string): string[] {
  return Object.entries(DRIVERS[name].settings as SettingsDeclaration).map(([setting, declaration], index) =>
    [
      (index === 0 ? `  --provider ${name}` : '').padEnd(33),
      `${declaration.env}${index === 0 ? note : ''}`.padEnd(38),
      `or ${flagOf(setting)}`,
    ].join(''),
  );
}

/** The environment variables each provider reads, as `--help` lists them (from the drivers' declarations). */
export const CREDENTIAL_HELP = [
  'Providers and credentials (flags win over environment variables):',
  '  --provider emulator            the embedded emulator (the default when nothing is configured);',
  '                                 --api sourcere|audioshake|audioshake-legacy picks the API it serves',
  ...credentialLines('sourcere', ''),
  ...credentialLines('audioshake', ' (Tasks API)'),
  ...credentialLines('audioshake-legacy', ' (legacy job API)'),
  `  STEMKIT_PROVIDER picks a provider like --provider. A provider chosen without its credentials is an
  authentication error (exit code 3) naming the variables to set; only with no provider configured at all
  does the CLI run on the embedded emulator, and it says so. Credentials are never printed, not even with
  --verbose. The embedded emulator keeps its jobs in STEMKIT_EMULATOR_DATA_DIR (default
  ~/.cache/stemkit/emulator), so handles work across runs; past STEMKIT_EMULATOR_CACHE_MB (default 1024) it is
  emptied at the next start, and \`stemkit emulator --prune\` empties it now. STEMKIT_EMULATOR_SPEED sets its
  processing speed (default 10).`,
].join('\n');

type Environment = Readonly<Record<string, string | undefined>>;

// Drivers name themselves in jobs and handles; `audioshake` is the Tasks API's driver.
const ALIASES: Readonly<Record<string, ProviderChoice>> = { 'audioshake-tasks': 'audioshake' };

function providerChoice(value: string): ProviderChoice | undefined {
  const name = ALIASES[value] ?? value;
  return (PROVIDER_CHOICES as readonly string[]).includes(name) ? (name as ProviderChoice) : undefined;
}

/** What the flags and the environment give each driver; `--base-url` only counts for the chosen one. */
function inspect(flags: CredentialFlags, environment: Environment, chosen?: DriverName) {
  const { baseUrl, provider: _provider, api: _api, ...credentials } = flags;
  const names = Object.keys(DRIVERS) as DriverName[];
  return Object.fromEntries(
    names.map((name) => [
      name,
      inspectSettings(DRIVERS[name].settings, name === chosen ? flags : credentials, environment),
    ]),
  ) as Record<DriverName, SettingsFound<SettingsDeclaration>>;
}

/**
 * Decides where a command sends its requests, from flags, the environment and (for handle commands) the
 * provider that wrote the handle, reading each driver's declared settings. Every credential it reads is
 * registered with core's scrubber first, so no message or log line can show it.
 *
 * Precedence: `--provider`, then `STEMKIT_PROVIDER`, then the handle's provider, then the one provider whose
 * settings are set; with none set, the embedded emulator (behind `--api`, the handle's provider, or Sourcere).
 * A provider named by `--provider` or `STEMKIT_PROVIDER`, or a handle's provider while another is configured,
 * without its credentials is a {@link MissingCredentialsError} naming the variables: never a silent emulator.
 *
 * @example
 * ```ts
 * resolveProvider({}, { SOURCERE_USERNAME: 'me', SOURCERE_PASSWORD: '…' });
 * // { kind: 'remote', provider: { driver: 'sourcere', settings: { username: 'me', password: '…', baseUrl: … } } }
 * ```
 */
export function resolveProvider(
  flags: CredentialFlags,
  environment: Environment,
  handleProvider?: string,
): ProviderTarget {
  const found = inspect(flags, environment);
  const { choice, named } = chooseProvider(flags, environment, found, handleProvider);
  const api = apiOf(flags, choice);
  if (choice === 'emulator') {
    const asked = flags.provider !== undefined || environment.STEMKIT_PROVIDER?.trim();
    const fromHandle = handleProvider === undefined ? undefined : providerChoice(handleProvider);
    const driver = api ?? (fromHandle === 'emulator' ? undefined : fromHandle) ?? 'sourcere';
    return { kind: 'embedded', driver, reason: asked ? 'provider emulator' : 'no provider configured' };
  }
  const settings = inspect(flags, environment, choice)[choice];
  // A handle's provider with nothing configured anywhere: its job may be on the embedded emulator.
  const nothingConfigured = (Object.keys(found) as DriverName[]).every((name) => !found[name].configured);
  if (!settings.configured && !named && nothingConfigured) {
    return { kind: 'embedded', driver: choice, reason: 'no provider configured' };
  }
  if (settings.missing.length > 0) {
    const names = settings.missing.map(({ name }) => name);
    throw new MissingCredentialsError(
      `${choice} needs ${names.join(' and ')}: set ${settings.missing.map(({ env }) => env).join(' and ')} ` +
        `(or ${names.map(flagOf).join(', ')}); --provider emulator runs on the embedded emulator instead`,
    );
  }
  return {
    kind: 'remote',
    provider: { driver: choice, settings: settings.values as Record<string, string> },
  };
}

/** `--api`: only with the emulator, naming a driver. */
function apiOf(flags: CredentialFlags, choice: ProviderChoice): DriverName | undefined {
  if (flags.api === undefined) return undefined;
  const api = providerChoice(flags.api);
  if (api === undefined || api === 'emulator') {
    throw new UsageError(`--api must be one of ${Object.keys(DRIVERS).join(', ')} (got "${flags.api}")`);
  }
  if (choice !== 'emulator') {
    throw new UsageError(`--api picks the API of the emulator; it does not go with --provider ${choice}`);
  }
  return api;
}

function chooseProvider(
  flags: CredentialFlags,
  environment: Environment,
  found: Record<DriverName, SettingsFound<SettingsDeclaration>>,
  handleProvider: string | undefined,
): { readonly choice: ProviderChoice; readonly named: boolean } {
  const asked = flags.provider ?? (environment.STEMKIT_PROVIDER?.trim() || undefined);
  if (asked !== undefined) {
    const choice = providerChoice(asked);
    if (choice !== undefined) return { choice, named: true };
    // Name where the bad value came from: the flag, or the variable when no flag was given.
    const source = flags.provider === undefined ? 'STEMKIT_PROVIDER' : '--provider';
    throw new UsageError(`${source} must be one of ${PROVIDER_CHOICES.join(', ')} (got "${asked}")`);
  }
  // --api alone asks for the emulator.
  if (flags.api !== undefined) return { choice: 'emulator', named: true };
  if (handleProvider !== undefined) {
    const choice = providerChoice(handleProvider);
    if (choice !== undefined) return { choice, named: false };
    throw new UsageError(`the handle is from "${handleProvider}", a provider this CLI has no driver for`);
  }
  const configured = (Object.keys(found) as DriverName[]).filter((name) => found[name].configured);
  if (configured.length > 1) {
    throw new UsageError(`credentials for ${configured.join(' and ')} are set: choose one with --provider`);
  }
  return { choice: configured[0] ?? 'emulator', named: false };
}

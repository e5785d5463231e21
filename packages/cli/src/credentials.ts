import { inspectSettings, type SettingsDeclaration, type SettingsFound } from '@stemkit/core/driver';
import { findProvider, type LoadedProvider, loadProviders, type ProviderFactory } from '@stemkit/providers';
import { MissingCredentialsError, UsageError } from './errors.ts';

// Every command resolves its provider from every driver's settings, so the CLI loads the table's drivers once.
const LOADED: readonly LoadedProvider[] = await loadProviders();

/** What `--provider` accepts: `emulator` (the embedded emulator) and every provider in `@stemkit/providers`. */
export const PROVIDER_CHOICES: readonly string[] = ['emulator', ...LOADED.map((entry) => entry.name)];
/** One of {@link PROVIDER_CHOICES}. */
export type ProviderChoice = string;
/** A provider with a driver: every choice but `emulator`, by its name in the providers table. */
export type DriverName = string;

/**
 * Credential flags, as commander hands them over: each is named after the setting it gives (`--api-key` →
 * `apiKey`), one flag per setting name whatever the number of providers declaring it.
 */
export interface CredentialFlags {
  readonly provider?: string;
  /** With the emulator: which provider API it serves the command through (default: the table's first). */
  readonly api?: string;
  readonly baseUrl?: string;
  readonly [setting: string]: unknown;
}

/**
 * The driver behind each provider choice, from the providers table. Each declares the settings it reads
 * (credentials, host) and their environment variables: the CLI reads them through the same declarations, with
 * core's reader.
 */
export const DRIVERS: Readonly<Record<DriverName, ProviderFactory>> = Object.fromEntries(
  LOADED.map((entry) => [entry.name, entry.factory]),
);

/** The table entry of a provider choice (every choice but `emulator` has one). */
export function providerEntry(name: DriverName): LoadedProvider {
  const entry = LOADED.find((each) => each.name === name);
  if (entry === undefined) throw new UsageError(`no provider is called "${name}"`);
  return entry;
}

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

/**
 * The credential flags every provider command takes, from the drivers' settings (`baseUrl` aside: one
 * `--base-url` serves the chosen provider): one flag per setting name, its help naming each provider and
 * variable behind it.
 *
 * @example
 * ```ts
 * credentialOptions()[0]; // { flags: '--username <name>', description: 'Sourcere username (SOURCERE_USERNAME)' }
 * ```
 */
export function credentialOptions(): { readonly flags: string; readonly description: string }[] {
  const bySetting = new Map<string, { secret: boolean; uses: string[] }>();
  for (const { factory, title } of LOADED) {
    for (const [setting, declaration] of Object.entries(factory.settings as SettingsDeclaration)) {
      if (setting === 'baseUrl') continue;
      const words = setting
        .replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)
        .replace(/^api\b/, 'API');
      const option = bySetting.get(setting) ?? { secret: false, uses: [] };
      option.secret ||= declaration.secret === true;
      option.uses.push(`${title} ${words} (${declaration.env})`);
      bySetting.set(setting, option);
    }
  }
  return [...bySetting].map(([setting, { secret, uses }]) => ({
    flags: `${flagOf(setting)} <${secret ? 'secret' : 'name'}>`,
    description: uses.join(', or '),
  }));
}

function credentialLines({ name, factory, title }: LoadedProvider): string[] {
  return Object.entries(factory.settings as SettingsDeclaration).map(([setting, declaration], index) =>
    [
      (index === 0 ? `  --provider ${name}` : '').padEnd(33),
      `${declaration.env}${index === 0 ? ` (${title})` : ''}`.padEnd(38),
      `or ${flagOf(setting)}`,
    ].join(''),
  );
}

/** The environment variables each provider reads, as `--help` lists them (from the drivers' declarations). */
export const CREDENTIAL_HELP = [
  'Providers and credentials (flags win over environment variables):',
  '  --provider emulator            the embedded emulator (the default when nothing is configured);',
  `                                 --api ${LOADED.map((entry) => entry.name).join('|')} picks the API it serves`,
  ...LOADED.flatMap(credentialLines),
  `  STEMKIT_PROVIDER picks a provider like --provider. A provider chosen without its credentials is an
  authentication error (exit code 3) naming the variables to set; only with no provider configured at all
  does the CLI run on the embedded emulator, and it says so. Credentials are never printed, not even with
  --verbose. The embedded emulator keeps its jobs in STEMKIT_EMULATOR_DATA_DIR (default
  ~/.cache/stemkit/emulator), so handles work across runs; past STEMKIT_EMULATOR_CACHE_MB (default 1024) it is
  emptied at the next start, and \`stemkit emulator --prune\` empties it now. STEMKIT_EMULATOR_SPEED sets its
  processing speed (default 10).`,
].join('\n');

type Environment = Readonly<Record<string, string | undefined>>;

// Drivers name themselves in jobs and handles (`audioshake-tasks`); the table maps that to the CLI name too.
function providerChoice(value: string): ProviderChoice | undefined {
  if (value === 'emulator') return value;
  return findProvider(value)?.name;
}

type Found = SettingsFound<SettingsDeclaration>;

/** What the flags and the environment give one driver; `--base-url` only counts for the chosen one. */
function inspectOne(flags: CredentialFlags, environment: Environment, name: DriverName, chosen?: DriverName) {
  const { baseUrl: _baseUrl, provider: _provider, api: _api, ...credentials } = flags;
  return inspectSettings(
    providerEntry(name).factory.settings,
    name === chosen ? flags : credentials,
    environment,
  );
}

/** What the flags and the environment give each driver, by provider choice. */
function inspect(flags: CredentialFlags, environment: Environment): ReadonlyMap<DriverName, Found> {
  return new Map(LOADED.map(({ name }) => [name, inspectOne(flags, environment, name)]));
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
    const driver =
      api ?? (fromHandle === 'emulator' ? undefined : fromHandle) ?? (LOADED[0]?.name as DriverName);
    return { kind: 'embedded', driver, reason: asked ? 'provider emulator' : 'no provider configured' };
  }
  const settings = inspectOne(flags, environment, choice, choice);
  // A handle's provider with nothing configured anywhere: its job may be on the embedded emulator.
  const nothingConfigured = [...found.values()].every((each) => !each.configured);
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
  found: ReadonlyMap<DriverName, Found>,
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
  const configured = [...found].filter(([, each]) => each.configured).map(([name]) => name);
  if (configured.length > 1) {
    throw new UsageError(`credentials for ${configured.join(' and ')} are set: choose one with --provider`);
  }
  return { choice: configured[0] ?? 'emulator', named: false };
}

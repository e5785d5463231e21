import { registerSecret } from '@stemkit/core';
import { MissingCredentialsError, UsageError } from './errors.ts';

/** What `--provider` accepts. `emulator` is the embedded emulator behind the Sourcere driver. */
export const PROVIDER_CHOICES = ['emulator', 'sourcere', 'audioshake-legacy', 'audioshake'] as const;
/** One of {@link PROVIDER_CHOICES}. */
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
/** A provider with a driver: every choice but `emulator`. */
export type DriverName = Exclude<ProviderChoice, 'emulator'>;

/** Credential flags, as commander hands them over. */
export interface CredentialFlags {
  readonly provider?: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly apiKey?: string;
  readonly baseUrl?: string;
}

/** A provider to reach over the network, with everything its driver needs. */
export type RemoteProvider =
  | {
      readonly driver: 'sourcere';
      readonly username: string;
      readonly password: string;
      readonly baseUrl?: string;
    }
  | { readonly driver: 'audioshake-legacy'; readonly token: string; readonly baseUrl?: string }
  | { readonly driver: 'audioshake'; readonly apiKey: string; readonly baseUrl?: string };

/** Where commands send their requests: a configured provider, or the embedded emulator behind a driver. */
export type ProviderTarget =
  | { readonly kind: 'remote'; readonly provider: RemoteProvider }
  | {
      readonly kind: 'embedded';
      readonly driver: DriverName;
      /** Why, in a few words, for the one line that says the embedded emulator is in use. */
      readonly reason: string;
    };

/** The environment variables each provider reads, as `--help` lists them. */
export const CREDENTIAL_HELP = `Providers and credentials (flags win over environment variables):
  --provider emulator            the embedded emulator (the default when nothing is configured)
  --provider sourcere            SOURCERE_USERNAME, SOURCERE_PASSWORD  or --username, --password
                                 SOURCERE_BASE_URL                     or --base-url
  --provider audioshake          AUDIOSHAKE_API_KEY (Tasks API)        or --api-key
                                 AUDIOSHAKE_BASE_URL                   or --base-url
  --provider audioshake-legacy   AUDIOSHAKE_TOKEN (legacy job API)     or --token
                                 AUDIOSHAKE_LEGACY_BASE_URL            or --base-url
  STEMKIT_PROVIDER picks a provider like --provider. A provider chosen without credentials or base URL
  runs against the embedded emulator. Credentials are never printed, not even with --verbose.
  The embedded emulator keeps its jobs in STEMKIT_EMULATOR_DATA_DIR (default ~/.cache/stemkit/emulator),
  so handles work across runs; STEMKIT_EMULATOR_SPEED sets its processing speed (default 10).`;

type Environment = Readonly<Record<string, string | undefined>>;

interface Gathered {
  readonly sourcere: { username?: string; password?: string; baseUrl?: string };
  readonly 'audioshake-legacy': { token?: string; baseUrl?: string };
  readonly audioshake: { apiKey?: string; baseUrl?: string };
}

function gather(flags: CredentialFlags, environment: Environment): Gathered {
  const value = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);
  return {
    sourcere: {
      username: value(flags.username) ?? value(environment.SOURCERE_USERNAME),
      password: value(flags.password) ?? value(environment.SOURCERE_PASSWORD),
      baseUrl: value(environment.SOURCERE_BASE_URL),
    },
    'audioshake-legacy': {
      token: value(flags.token) ?? value(environment.AUDIOSHAKE_TOKEN),
      baseUrl: value(environment.AUDIOSHAKE_LEGACY_BASE_URL),
    },
    audioshake: {
      apiKey: value(flags.apiKey) ?? value(environment.AUDIOSHAKE_API_KEY),
      baseUrl: value(environment.AUDIOSHAKE_BASE_URL),
    },
  };
}

// Drivers name themselves in jobs and handles; `audioshake` is the Tasks API's driver.
const ALIASES: Readonly<Record<string, ProviderChoice>> = { 'audioshake-tasks': 'audioshake' };

function providerChoice(value: string): ProviderChoice | undefined {
  const name = ALIASES[value] ?? value;
  return (PROVIDER_CHOICES as readonly string[]).includes(name) ? (name as ProviderChoice) : undefined;
}

/**
 * Decides where a command sends its requests, from flags, the environment and (for handle commands) the
 * provider that wrote the handle. Every credential it reads is registered with core's scrubber first, so no
 * message or log line can show it.
 *
 * Precedence: `--provider`, then `STEMKIT_PROVIDER`, then the handle's provider, then the one provider whose
 * credentials are set; with none set, the embedded emulator.
 *
 * @example
 * ```ts
 * resolveProvider({}, { SOURCERE_USERNAME: 'me', SOURCERE_PASSWORD: '…' });
 * // { kind: 'remote', provider: { driver: 'sourcere', username: 'me', password: '…' } }
 * ```
 */
export function resolveProvider(
  flags: CredentialFlags,
  environment: Environment,
  handleProvider?: string,
): ProviderTarget {
  const gathered = gather(flags, environment);
  for (const secret of [
    gathered.sourcere.password,
    gathered['audioshake-legacy'].token,
    gathered.audioshake.apiKey,
  ]) {
    registerSecret(secret);
  }
  const choice = chooseProvider(flags, environment, gathered, handleProvider);
  if (choice === 'emulator') {
    const asked = flags.provider !== undefined || environment.STEMKIT_PROVIDER?.trim();
    return {
      kind: 'embedded',
      driver: 'sourcere',
      reason: asked ? 'provider emulator' : 'no provider configured',
    };
  }
  const baseUrl = flags.baseUrl?.trim() || gathered[choice].baseUrl;
  const fields = Object.entries(gathered[choice]).filter(([key, value]) => key !== 'baseUrl' && value);
  if (fields.length === 0 && baseUrl === undefined) {
    return { kind: 'embedded', driver: choice, reason: `${choice} not configured` };
  }
  const withBase = <Provider extends object>(provider: Provider) =>
    baseUrl ? { ...provider, baseUrl } : provider;
  if (choice === 'sourcere') {
    const { username, password } = gathered.sourcere;
    if (username && password)
      return { kind: 'remote', provider: withBase({ driver: choice, username, password }) };
    throw new MissingCredentialsError(
      'sourcere needs a username and a password: set SOURCERE_USERNAME and SOURCERE_PASSWORD (or --username, --password)',
    );
  }
  if (choice === 'audioshake-legacy') {
    const { token } = gathered[choice];
    if (token) return { kind: 'remote', provider: withBase({ driver: choice, token }) };
    throw new MissingCredentialsError('audioshake-legacy needs a token: set AUDIOSHAKE_TOKEN (or --token)');
  }
  const { apiKey } = gathered.audioshake;
  if (apiKey) return { kind: 'remote', provider: withBase({ driver: choice, apiKey }) };
  throw new MissingCredentialsError('audioshake needs an API key: set AUDIOSHAKE_API_KEY (or --api-key)');
}

function chooseProvider(
  flags: CredentialFlags,
  environment: Environment,
  gathered: Gathered,
  handleProvider: string | undefined,
): ProviderChoice {
  const asked = flags.provider ?? (environment.STEMKIT_PROVIDER?.trim() || undefined);
  if (asked !== undefined) {
    const choice = providerChoice(asked);
    if (choice !== undefined) return choice;
    throw new UsageError(`--provider must be one of ${PROVIDER_CHOICES.join(', ')} (got "${asked}")`);
  }
  if (handleProvider !== undefined) {
    const choice = providerChoice(handleProvider);
    if (choice !== undefined) return choice;
    throw new UsageError(`the handle is from "${handleProvider}", a provider this CLI has no driver for`);
  }
  const configured = (Object.keys(gathered) as DriverName[]).filter((name) =>
    Object.values(gathered[name]).some(Boolean),
  );
  if (configured.length > 1) {
    throw new UsageError(`credentials for ${configured.join(' and ')} are set: choose one with --provider`);
  }
  return configured[0] ?? 'emulator';
}

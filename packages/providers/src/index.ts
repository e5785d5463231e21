/**
 * The one table of stemkit's providers for apps: the CLI (`--provider`, `--api`, `stemkit providers`, credential
 * help, batch rate limits), migrate's gateway backends, the capability page and the cross-driver tests all read
 * it. A new provider is one entry in {@link PROVIDERS} (and its package in this package's peer dependencies).
 *
 * @packageDocumentation
 */

import type { SettingsDeclaration, StemkitDriver } from '@stemkit/core/driver';

/** A driver factory as the table hands it out: callable with its settings, and telling its declarations. */
export type ProviderFactory = ((options?: Record<string, unknown>) => StemkitDriver) & {
  /** The provider name of every driver it makes (`job.provider`, a handle's provider). */
  readonly provider: string;
  /** The settings it reads from its options or the environment. */
  readonly settings: SettingsDeclaration;
};

/** One provider in the table. */
export interface ProviderEntry {
  /**
   * Its name on the command line (`--provider`, `--api`, `--backend`) and the key of per-provider settings
   * such as rate limits. The Tasks API keeps the short `audioshake` here, as the CLI always called it.
   */
  readonly name: string;
  /**
   * The provider name its driver writes in jobs and handles (`audioshake-tasks`); the CLI accepts it too, so a
   * handle's provider always finds its entry. Checked against the driver's own name by the package's tests.
   */
  readonly provider: string;
  /** What the API is called in one-line notes (`AudioShake Tasks API`). */
  readonly displayName: string;
  /** A short title, for table headers (`AudioShake Tasks`). */
  readonly title: string;
  /** Its page under `docs/providers/`. */
  readonly docsPage: string;
  /** The emulated API (`@stemkit/emulator`'s name for it) whose handle fills the driver's settings. */
  readonly emulatorApi: string;
  /**
   * Requests per second to its API when a batch is given no `--rate-limit`: below the provider's documented
   * limit, or a cautious figure where it documents none.
   */
  readonly rateLimit: number;
  /** Whether migrate's gateway can serve the legacy API over it (`--backend <name>`). */
  readonly gatewayBackend: boolean;
  /** Loads the driver's factory: its package is imported only when a command needs it. */
  load(): Promise<ProviderFactory>;
}

/** A table entry with its factory loaded. */
export interface LoadedProvider extends ProviderEntry {
  /** The driver factory, with its settings declaration. */
  readonly factory: ProviderFactory;
}

// `as unknown as`: each driver's options type is narrower than the table's record of settings.
const factoryOf = <Factory>(factory: Factory) => factory as unknown as ProviderFactory;

/**
 * Every provider an app can choose, in the order help texts and pages list them.
 *
 * @example
 * ```ts
 * const tasks = PROVIDERS.find((entry) => entry.name === 'audioshake');
 * const audioshakeTasks = await tasks?.load();
 * ```
 */
export const PROVIDERS: readonly ProviderEntry[] = [
  {
    name: 'sourcere',
    provider: 'sourcere',
    displayName: 'Sourcere API',
    title: 'Sourcere',
    docsPage: 'sourcere.md',
    emulatorApi: 'sourcere',
    // Sourcere documents no limit.
    rateLimit: 10,
    gatewayBackend: true,
    load: async () => factoryOf((await import('@stemkit/sourcere')).sourcere),
  },
  {
    name: 'audioshake-legacy',
    provider: 'audioshake-legacy',
    displayName: 'AudioShake legacy job API',
    title: 'AudioShake legacy',
    docsPage: 'audioshake-legacy.md',
    emulatorApi: 'legacy',
    // AudioShake documents 60 a second, shared by the account's two APIs.
    rateLimit: 50,
    // The gateway serves this API; it cannot also be its backend.
    gatewayBackend: false,
    load: async () => factoryOf((await import('@stemkit/audioshake')).audioshakeLegacy),
  },
  {
    name: 'audioshake',
    provider: 'audioshake-tasks',
    displayName: 'AudioShake Tasks API',
    title: 'AudioShake Tasks',
    docsPage: 'audioshake-tasks.md',
    emulatorApi: 'tasks',
    rateLimit: 50,
    gatewayBackend: true,
    load: async () => factoryOf((await import('@stemkit/audioshake')).audioshakeTasks),
  },
];

/**
 * The entry a name picks: its command-line name or its driver's provider name (`audioshake-tasks`).
 *
 * @example
 * ```ts
 * findProvider('audioshake-tasks')?.name; // 'audioshake'
 * ```
 */
export function findProvider(name: string): ProviderEntry | undefined {
  return PROVIDERS.find((entry) => entry.name === name || entry.provider === name);
}

/**
 * Loads every entry's factory (each driver package once).
 *
 * @example
 * ```ts
 * for (const { name, factory } of await loadProviders()) console.log(name, Object.keys(factory.settings));
 * ```
 */
export async function loadProviders(): Promise<LoadedProvider[]> {
  return Promise.all(PROVIDERS.map(async (entry) => ({ ...entry, factory: await entry.load() })));
}

/**
 * A driver's settings for an emulated API, from the emulator's handle for it (`emulator.tasks`): the handle's
 * fields that the driver declares as settings (`apiKey`, `baseUrl`), nothing else.
 *
 * @example
 * ```ts
 * const entry = findProvider('audioshake')!;
 * const factory = await entry.load();
 * const driver = factory(emulatorSettings(factory, emulator.tasks));
 * ```
 */
export function emulatorSettings(
  factory: Pick<ProviderFactory, 'settings'>,
  handle: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.keys(factory.settings)
      .filter((setting) => handle[setting] !== undefined)
      .map((setting) => [setting, handle[setting] as string]),
  );
}

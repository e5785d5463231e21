import type * as z from 'zod/mini';
import { InvalidArgumentError } from '../errors.ts';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.ts';
import type { Logger } from '../logger.ts';
import type { JobHandle } from '../model/handle.ts';
import { parseArgument } from '../validation.ts';
import { DRIVER_CONTRACT_VERSION, type StemkitDriver } from './contract.ts';
import { parsePayload } from './payload.ts';
import { readSettings, type Settings, type SettingsDeclaration } from './settings.ts';

/**
 * Options every driver takes besides its settings: the transport, for tests and special networks, and the
 * clock. Driver option types extend it.
 */
export interface DriverOptions {
  /** The fetch every request goes through (default: the global one); tests pass the emulator's or a faulty one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Transport retries of retryable calls (default 3). */
  readonly retryLimit?: number;
  /** Per-attempt timeout of API calls, in ms (default 30 s). Transfers to signed URLs have none. */
  readonly timeoutMs?: number;
  /** Gets a `debug` line per HTTP request: method and URL, secrets masked (default: silent). */
  readonly logger?: Logger;
  /** The clock, in epoch milliseconds, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** What `context.http` takes: the toolkit's options less those the context fills in from the driver's options. */
export type DriverHttpOptions = Omit<HttpClientOptions, 'provider' | 'retryLimit' | 'timeoutMs' | 'logger'>;

/** A handle read back by {@link DriverContext.readHandle}: the job's id, its parts and its checked data. */
export interface ReadHandle<Data> {
  /** The provider's id of the job. */
  readonly id: string;
  /** The provider jobs behind one neutral job, when there are several; else `[id]`. */
  readonly parts: readonly string[];
  /** The handle's `data`, checked against the driver's schema. */
  readonly data: Data;
}

/**
 * What `defineDriver` hands a driver's `create`: its settings already read, the clock, the HTTP toolkit wired to
 * its transport options, handles written and read with the provider check, and provider payloads parsed into
 * `InvalidResponseError`.
 */
export interface DriverContext<DriverSettings> {
  /** The provider name, as written in every neutral object and handle. */
  readonly provider: string;
  /** The declared settings, read from the options or the environment. */
  readonly settings: DriverSettings;
  /** The fetch the driver's requests go through: the injected one, or the global one. */
  readonly fetch: typeof globalThis.fetch;
  /** The current time in epoch milliseconds (the injected clock, else `Date.now`). */
  now(): number;
  /**
   * An HTTP client for one API host, with the driver's provider name, fetch, retries, timeout and logger.
   *
   * @example
   * ```ts
   * const { baseUrl, apiKey } = context.settings;
   * const http = context.http({ baseUrl, authenticate: () => ({ 'x-api-key': apiKey }) });
   * ```
   */
  http(options: DriverHttpOptions): HttpClient;
  /**
   * Writes the handle of a job: `parts` for provider jobs behind one neutral job, `data` for what the driver
   * needs to find the job again (made plain JSON).
   *
   * @example
   * ```ts
   * const handle = context.handle('task-1', { data: { model: 'vocals' } });
   * ```
   */
  handle(id: string, extras?: { readonly parts?: readonly string[]; readonly data?: object }): JobHandle;
  /**
   * Reads a handle back: refuses one written for another provider (`InvalidArgumentError` on
   * `handle.provider`) and checks its `data` against `schema` (on `handle.data`).
   *
   * @example
   * ```ts
   * const HandleData = z.object({ model: z.string() });
   * const { id, data } = context.readHandle(handle, HandleData);
   * ```
   */
  readHandle<Schema extends z.ZodMiniType = z.ZodMiniType<Record<string, never>>>(
    handle: JobHandle,
    schema?: Schema,
  ): ReadHandle<z.output<Schema>>;
  /**
   * Parses a provider payload leniently; one that breaks the schema is an `InvalidResponseError`.
   *
   * @example
   * ```ts
   * const CallbackBody = z.looseObject({ id: z.string() });
   * const body = context.parse(CallbackBody, JSON.parse('{"id":"task-1"}'), 'a callback body');
   * ```
   */
  parse<Schema extends z.ZodMiniType>(
    schema: Schema,
    payload: unknown,
    what: string,
    status?: number,
  ): z.output<Schema>;
}

/** The operations a driver's `create` returns: the contract less what `defineDriver` fills in. */
export type DriverOperations = Omit<StemkitDriver, 'contract' | 'provider' | 'fetch'>;

/** What `defineDriver` returns: the driver's factory, which also tells its provider name and settings. */
export type DriverFactory<Options, Driver extends StemkitDriver, Declaration extends SettingsDeclaration> = ((
  options?: Options,
) => Driver) & {
  /** The provider name of every driver it makes. */
  readonly provider: string;
  /** The settings it reads from its options or the environment (the CLI and migration read them too). */
  readonly settings: Declaration;
};

/** What a driver declares to `defineDriver`. */
export interface DriverDefinition<
  Declaration extends SettingsDeclaration,
  Options extends DriverOptions,
  Operations extends DriverOperations,
> {
  /** The provider name, written in every neutral object and handle the driver makes. */
  readonly provider: string;
  /** Settings read from the options of the same name or the environment: credentials, the API host. */
  readonly settings: Declaration;
  /** Builds the driver's operations once its settings are read; runs once per driver instance, sends nothing. */
  create(context: DriverContext<Settings<Declaration>>, options: Options): Operations;
}

/**
 * Defines a driver: the contract version, the provider name, settings read from options or the environment (a
 * missing credential fails at creation, naming its variable), the injectable clock and fetch, handles with the
 * provider check, and payload parsing. The driver's own code is then mostly mapping.
 *
 * A complete driver, Tinystems, is in docs/writing-a-driver.md: the docs tests compile it against the built
 * packages and run it against a fake API.
 */
export function defineDriver<
  const Declaration extends SettingsDeclaration,
  Options extends DriverOptions,
  Operations extends DriverOperations,
>(
  definition: DriverDefinition<Declaration, Options, Operations>,
): DriverFactory<Options, Operations & StemkitDriver, Declaration> {
  const { provider, settings: declaration } = definition;
  const factory = (options: Options = {} as Options) => {
    const context = createContext(provider, readSettings(declaration, options), options);
    const operations = definition.create(context, options);
    return {
      contract: DRIVER_CONTRACT_VERSION,
      provider,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...operations,
    };
  };
  return Object.assign(factory, { provider, settings: declaration });
}

function createContext<DriverSettings>(
  provider: string,
  settings: DriverSettings,
  options: DriverOptions,
): DriverContext<DriverSettings> {
  const fetch =
    options.fetch ?? ((...args: Parameters<typeof globalThis.fetch>) => globalThis.fetch(...args));
  return {
    provider,
    settings,
    fetch,
    now: options.now ?? Date.now,
    http: (http) =>
      createHttpClient({
        fetch,
        ...http,
        provider,
        retryLimit: options.retryLimit,
        timeoutMs: options.timeoutMs,
        logger: options.logger,
      }),
    handle(id, extras = {}) {
      return {
        contract: DRIVER_CONTRACT_VERSION,
        provider,
        id,
        ...(extras.parts ? { parts: [...extras.parts] } : {}),
        // A JSON round trip drops undefined fields, so the handle is plain JSON at any depth.
        ...(extras.data ? { data: JSON.parse(JSON.stringify(extras.data)) } : {}),
      };
    },
    readHandle(handle, schema) {
      if (handle.provider !== provider) {
        throw new InvalidArgumentError('handle.provider', `is "${handle.provider}", not "${provider}"`);
      }
      const data = schema ? parseArgument(schema, handle.data ?? {}, 'handle.data') : (handle.data ?? {});
      return { id: handle.id, parts: handle.parts ?? [handle.id], data: data as never };
    },
    parse: (schema, payload, what, status) => parsePayload(schema, payload, { provider, what, status }),
  };
}

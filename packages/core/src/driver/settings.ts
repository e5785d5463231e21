import { InvalidArgumentError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';

/** How one driver setting (a credential, a host) is read: from an option, else an environment variable. */
export interface SettingDeclaration {
  /** The environment variable read when the option is not given, e.g. `SOURCERE_PASSWORD`. */
  readonly env: string;
  /** Required: without it the driver cannot be created, and the error names the option and the variable. */
  readonly required?: boolean;
  /** The value when neither the option nor the variable gives one. */
  readonly default?: string;
  /** A credential: registered for redaction as soon as it is read, so no message or log line can show it. */
  readonly secret?: boolean;
}

/**
 * The settings a driver reads from its options or the environment, by option name.
 *
 * @example
 * ```ts
 * const settings = {
 *   apiKey: { env: 'ACME_API_KEY', required: true, secret: true },
 *   baseUrl: { env: 'ACME_BASE_URL', default: 'https://api.acme.test' },
 * } as const satisfies SettingsDeclaration;
 * ```
 */
export type SettingsDeclaration = Readonly<Record<string, SettingDeclaration>>;

/** The values of a declaration once read: required or defaulted settings are strings, the rest may be missing. */
export type Settings<Declaration extends SettingsDeclaration> = {
  readonly [Name in keyof Declaration]: Declaration[Name] extends { readonly required: true }
    ? string
    : Declaration[Name] extends { readonly default: string }
      ? string
      : string | undefined;
};

/** What {@link inspectSettings} found: the values present, and the required settings that are missing. */
export interface SettingsFound<Declaration extends SettingsDeclaration> {
  /** Every setting that has a value (given, from the environment, or a default). */
  readonly values: Partial<Record<keyof Declaration, string>>;
  /** Whether any setting was given or found in the environment (not only defaulted): the provider is configured. */
  readonly configured: boolean;
  /** The required settings with no value, each with the variable that would give it. */
  readonly missing: ReadonlyArray<{ readonly name: keyof Declaration & string; readonly env: string }>;
}

/** A variable environment: `process.env` on servers, empty in browsers. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The process environment where there is one (Node, Deno, Bun); empty in browsers.
 *
 * @example
 * ```ts
 * processEnvironment().ACME_API_KEY;
 * ```
 */
export function processEnvironment(): Environment {
  return (globalThis as { process?: { env?: Environment } }).process?.env ?? {};
}

/**
 * Reads every declared setting from `given` (options or command-line flags, by option name), else from its
 * environment variable, else its default, without throwing. Blank values count as absent; secrets are registered
 * for redaction as they are read. The CLI uses it to tell which providers are configured.
 *
 * @example
 * ```ts
 * const found = inspectSettings(sourcere.settings, { username: process.argv[2] });
 * if (found.missing.length > 0) console.error(`set ${found.missing.map((each) => each.env).join(', ')}`);
 * ```
 */
export function inspectSettings<const Declaration extends SettingsDeclaration>(
  declaration: Declaration,
  given: object = {},
  environment: Environment = processEnvironment(),
): SettingsFound<Declaration> {
  const values: Partial<Record<keyof Declaration, string>> = {};
  const missing: Array<{ name: keyof Declaration & string; env: string }> = [];
  let configured = false;
  for (const [name, setting] of Object.entries(declaration) as Array<
    [keyof Declaration & string, SettingDeclaration]
  >) {
    const found = present((given as Record<string, unknown>)[name]) ?? present(environment[setting.env]);
    if (found !== undefined) configured = true;
    const value = found ?? setting.default;
    if (setting.secret) registerSecret(value);
    if (value !== undefined) values[name] = value;
    else if (setting.required) missing.push({ name, env: setting.env });
  }
  return { values, configured, missing };
}

/**
 * Reads every declared setting like {@link inspectSettings}, and refuses a missing required one with an
 * `InvalidArgumentError` naming the option and its environment variable. `defineDriver` reads a driver's
 * settings with it; migration commands read the same declarations.
 *
 * @example
 * ```ts
 * const { apiKey, baseUrl } = readSettings(audioshakeTasks.settings, {}, process.env);
 * ```
 */
export function readSettings<const Declaration extends SettingsDeclaration>(
  declaration: Declaration,
  given: object = {},
  environment: Environment = processEnvironment(),
): Settings<Declaration> {
  const { values, missing } = inspectSettings(declaration, given, environment);
  const first = missing[0];
  if (first) {
    throw new InvalidArgumentError(first.name, `is required: pass \`${first.name}\` or set ${first.env}`, {
      issues: missing.map(({ name, env }) => ({
        field: name,
        message: `is required: pass it or set ${env}`,
      })),
    });
  }
  return values as Settings<Declaration>;
}

function present(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

const USAGE = Symbol.for('stemkit.cli.usage-error');
const CREDENTIALS = Symbol.for('stemkit.cli.missing-credentials');

/**
 * A command line the CLI cannot act on: a bad flag value, a missing argument, a file that does not exist.
 * Exits with code 2; nothing is sent to any provider.
 *
 * @example
 * ```ts
 * throw new UsageError('--format must be one of wav, mp3, flac, m4a');
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
    Object.defineProperty(this, USAGE, { value: true });
  }

  /** Whether `value` is a usage error, from this copy of the package or another. */
  static isInstance(value: unknown): value is UsageError {
    return typeof value === 'object' && value !== null && USAGE in value;
  }
}

/**
 * A provider was chosen but its credentials are incomplete. Exits with code 3, like a refused credential.
 *
 * @example
 * ```ts
 * throw new MissingCredentialsError('sourcere needs SOURCERE_USERNAME and SOURCERE_PASSWORD');
 * ```
 */
export class MissingCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingCredentialsError';
    Object.defineProperty(this, CREDENTIALS, { value: true });
  }

  /** Whether `value` is a missing-credentials error. */
  static isInstance(value: unknown): value is MissingCredentialsError {
    return typeof value === 'object' && value !== null && CREDENTIALS in value;
  }
}

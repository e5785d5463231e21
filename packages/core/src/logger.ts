import { redact } from './secrets.ts';

/** Where stemkit writes what it does. Every line is scrubbed of secrets before it reaches you. */
export interface Logger {
  /** Detail for troubleshooting: each request, retry and poll. `fields` are structured context for the line. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** A step worth knowing about in normal use. `fields` are structured context for the line. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong but stemkit carried on, or the provider returned a warning. `fields` are structured context for the line. */
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that writes nothing: the default. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/**
 * Wraps a logger so every message and field is scrubbed by `redact` first.
 *
 * @example
 * ```ts
 * const logger = redactingLogger({ debug: console.debug, info: console.info, warn: console.warn });
 * ```
 */
export function redactingLogger(logger: Logger): Logger {
  // Nothing is written, so there is nothing to scrub: the silent default costs nothing per line.
  if (logger === silentLogger) return silentLogger;
  const scrub = (fields?: Record<string, unknown>): Record<string, unknown> | undefined => {
    if (fields === undefined) return undefined;
    try {
      return JSON.parse(redact(JSON.stringify(fields))) as Record<string, unknown>;
    } catch {
      // Circular or BigInt fields: a log line must never throw, nor leak what it could not scrub.
      return { fields: 'unserialisable' };
    }
  };
  return {
    debug: (message, fields) => logger.debug(redact(message), scrub(fields)),
    info: (message, fields) => logger.info(redact(message), scrub(fields)),
    warn: (message, fields) => logger.warn(redact(message), scrub(fields)),
  };
}

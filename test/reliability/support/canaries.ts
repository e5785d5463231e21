import { inspect } from 'node:util';
import type { Logger } from '@stemkit/core';

/**
 * Credentials nobody would type by accident: if any of them shows up in a log line, an error or a report, a
 * secret leaked. The emulator accepts them, so the soak runs every driver with them.
 */
export const canaries = {
  username: 'canary-user-5d1f',
  password: 'CANARY-pw-7f3a9c1e5b',
  legacyToken: 'CANARY-legacy-token-2b8e4d6f0a',
  tasksApiKey: 'CANARY-tasks-key-9c0d1e2f3a',
} as const;

/** The secret canaries (the Sourcere username is an account name, not a secret). */
export const secretCanaries: readonly string[] = [
  canaries.password,
  canaries.legacyToken,
  canaries.tasksApiKey,
];

/** Secrets the providers hand out: JWT-shaped tokens and signed-URL signatures. */
const handedOutSecrets = [/eyJ[\w-]{10,}\.[\w-]{10,}/, /X-Goog-Signature=[0-9a-f]{16,}/i];

/** Every place where a secret could leak, as text. */
export class LeakWatch {
  readonly lines: string[] = [];
  #texts: string[] = [];

  /** A logger that records every line with its fields. */
  readonly logger: Logger = {
    debug: (message, fields) => this.#record('debug', message, fields),
    info: (message, fields) => this.#record('info', message, fields),
    warn: (message, fields) => this.#record('warn', message, fields),
  };

  #record(level: string, message: string, fields?: Record<string, unknown>): void {
    const line = `${level} ${message} ${fields === undefined ? '' : JSON.stringify(fields)}`;
    this.lines.push(line);
    this.#texts.push(line);
  }

  /** Records an error as a user would see it: message, stack, `JSON.stringify` and Node's inspection. */
  error(error: unknown): void {
    if (error instanceof Error) this.#texts.push(error.message, error.stack ?? '');
    this.#texts.push(JSON.stringify(error) ?? '', inspect(error, { depth: 8, showHidden: true }));
  }

  /** Records any other text (CLI output, a report). */
  text(text: string): void {
    this.#texts.push(text);
  }

  get recorded(): number {
    return this.#texts.length;
  }

  /** Every recorded text that holds a canary or a handed-out secret, with what it holds. */
  leaks(): string[] {
    const found: string[] = [];
    for (const text of this.#texts) {
      for (const canary of secretCanaries)
        if (text.includes(canary)) found.push(`${canary} in ${text.slice(0, 300)}`);
      for (const pattern of handedOutSecrets) {
        const match = pattern.exec(text);
        if (match) found.push(`${match[0]} in ${text.slice(0, 300)}`);
      }
    }
    return found;
  }
}

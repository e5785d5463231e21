import { InvalidResponseError } from '../../errors.ts';
import type { TargetStatus } from '../../model/status.ts';

// The status-table kit: a provider's status words mapped onto the neutral ones by a table, case-insensitively,
// with one rule for a word the table lacks.

/** How {@link statusTable} maps a provider's status words. */
export interface StatusTableOptions {
  /** The provider's name, for the error an unknown word raises. */
  readonly provider: string;
  /** Every documented word, in lower case (the word read is lower-cased), and its neutral status. */
  readonly table: Readonly<Record<string, TargetStatus>>;
  /**
   * The status of a word the table lacks. Absent: such a word is an `InvalidResponseError` naming it. `running`
   * is the usual documented choice (waiting goes on rather than stopping on a guess).
   */
  readonly unknown?: TargetStatus;
  /** The status when the payload has no status at all (`null` or `undefined`); else as an unknown word. */
  readonly missing?: TargetStatus;
}

/**
 * A mapper from a provider's status word to a neutral `TargetStatus`. The word is lower-cased, then looked up;
 * a word it lacks gets `unknown`, or is an `InvalidResponseError` when there is no fallback, so a new status
 * the provider adds is seen rather than guessed.
 *
 * @example
 * ```ts
 * const toNeutral = statusTable({
 *   provider: 'acme',
 *   table: { pending: 'queued', processing: 'running', done: 'succeeded', error: 'failed' },
 *   unknown: 'running',
 * });
 * toNeutral('DONE'); // 'succeeded'
 * ```
 */
export function statusTable(
  options: StatusTableOptions,
): (status: string | null | undefined) => TargetStatus {
  // Small on purpose: every app bundle with a driver carries it.
  const { provider, table, unknown, missing = unknown } = options;
  return (status) => {
    const word = status?.toLowerCase();
    const neutral = word === undefined ? missing : Object.hasOwn(table, word) ? table[word] : unknown;
    if (neutral !== undefined) return neutral;
    throw new InvalidResponseError(
      `${provider} sent the unknown status ${JSON.stringify(status?.slice(0, 64) ?? null)}`,
      { provider },
    );
  };
}

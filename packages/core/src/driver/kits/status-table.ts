import { InvalidResponseError } from '../../errors.ts';
import type { TargetStatus } from '../../model/status.ts';

// The status-table kit: a provider's status words mapped onto the neutral ones by a table, case-insensitively,
// with one rule for a word the table lacks.

/** How {@link statusTable} maps a provider's status words. */
export interface StatusTableOptions {
  /** The provider's name, for the error an unknown word raises. */
  readonly provider: string;
  /** Every documented word (lower case) and its neutral status. */
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
 * A mapper from a provider's status word to a neutral `TargetStatus`. The table is read case-insensitively;
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
  const table = new Map<string, TargetStatus>();
  for (const [word, neutral] of Object.entries(options.table)) table.set(word.toLowerCase(), neutral);
  return (status) => {
    if (status === null || status === undefined) {
      if (options.missing !== undefined) return options.missing;
      if (options.unknown !== undefined) return options.unknown;
      throw new InvalidResponseError(`${options.provider} sent no status`, { provider: options.provider });
    }
    const neutral = table.get(status.toLowerCase());
    if (neutral !== undefined) return neutral;
    if (options.unknown !== undefined) return options.unknown;
    throw new InvalidResponseError(
      `${options.provider} sent the unknown status ${JSON.stringify(status.slice(0, 64))}`,
      { provider: options.provider },
    );
  };
}

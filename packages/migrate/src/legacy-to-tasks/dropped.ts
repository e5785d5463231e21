/**
 * A field a mapping could not carry over. `behaviourChange` is true when losing it changes what the provider
 * produces (e.g. `preview`, `maxTrackLength`), false when only bookkeeping is lost.
 *
 * @example
 * ```ts
 * const dropped: DroppedField = { field: 'metadata.preview', reason: 'Tasks has no preview mp3', behaviourChange: true };
 * ```
 */
export interface DroppedField {
  /** Dotted path of the input field, e.g. `metadata.preview` (`2.metadata.preview`: a list's third item). */
  readonly field: string;
  /** Why it could not be carried over, and the workaround when there is one, for a migration report. */
  readonly reason: string;
  /** True when losing the field changes the output (e.g. `preview`, `callbackUrl`); false for bookkeeping. */
  readonly behaviourChange: boolean;
}

/**
 * What every pure mapping function returns: the mapped value and what it had to leave behind.
 *
 * @example
 * ```ts
 * const { value, dropped } = legacyJobRequestToTarget(legacyJobToRequest(jobs[0]!));
 * for (const field of dropped) console.warn(`${field.field}: ${field.reason}`);
 * ```
 */
export interface MappingResult<Value> {
  /** The mapped value, built from what could be carried over. */
  readonly value: Value;
  /** Every input field the mapping left out, with the reason; empty when nothing was lost. */
  readonly dropped: readonly DroppedField[];
}

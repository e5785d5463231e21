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
  readonly field: string;
  readonly reason: string;
  readonly behaviourChange: boolean;
}

/**
 * What every pure mapping function returns: the mapped value and what it had to leave behind.
 *
 * @example
 * ```ts
 * const { value, dropped } = legacyJobRequestToTarget(request);
 * for (const field of dropped) console.warn(`${field.field}: ${field.reason}`);
 * ```
 */
export interface MappingResult<Value> {
  readonly value: Value;
  readonly dropped: readonly DroppedField[];
}

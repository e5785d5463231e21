/** Why an audio operation failed; stable strings callers can branch on. */
export type AudioErrorCode =
  | 'not-audio'
  | 'empty'
  | 'truncated'
  | 'corrupt'
  | 'unsupported-format'
  | 'missing-tool'
  | 'invalid-argument';

/**
 * The one error type of `@stemkit/audio`: every failure on bad input or a missing tool is an `AudioError`.
 *
 * @example
 * ```ts
 * try {
 *   await decodeAudio(bytes);
 * } catch (error) {
 *   if (error instanceof AudioError && error.code === 'not-audio') console.log('not an audio file');
 * }
 * ```
 */
export class AudioError extends Error {
  /** Always `'AudioError'`, as shown in stack traces and logs. */
  override readonly name = 'AudioError';
  /** Why it failed, stable across releases: branch on this rather than on the message. */
  readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

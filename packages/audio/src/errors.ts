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
  override readonly name = 'AudioError';
  readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

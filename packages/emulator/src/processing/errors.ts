/** A failure that tells the input was at fault (not decodable audio, a trial window past the end). */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A job failure with the status code it reports (legacy `statusInfo.code`, Tasks `error.code`). */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** The status code a failed job reports: 400 when the input was at fault, a failure's own code, else 500. */
export function failureCode(error: unknown): number {
  if (error instanceof InputError) return 400;
  return error instanceof JobFailure ? error.code : 500;
}

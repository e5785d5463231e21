/**
 * Logs an unexpected failure as one line: the error's name and message, with URL queries cut off, since a
 * query can hold a signature.
 */
export function logFailure(scope: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[stemkit-emulator] ${scope}: ${text.replace(/\?\S*/g, '?…')}`);
}

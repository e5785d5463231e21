const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control and line-separator characters written as escapes, so a text cannot start a log line of its own. */
function oneLine(text: string): string {
  return text.replace(
    /[\p{Cc}\u2028\u2029]/gu,
    (character) => escapes[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Logs an unexpected failure as one line: the error's name and message, with URL queries cut off, since a
 * query can hold a signature, and control characters escaped, since a path or a name can hold a CR/LF.
 */
export function logFailure(scope: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(oneLine(`[stemkit-emulator] ${scope}: ${text.replace(/\?\S*/g, '?…')}`));
}

/**
 * Control characters (C0 but for tab and newline, DEL, C1) and the bidirectional controls that reorder a line
 * on screen (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may reach a terminal: every control character shown as an escape (`\x1b`, `\u202e`), so a file or
 * track name cannot move the cursor, clear the screen, retitle the window or reverse a line. Newlines and tabs
 * are kept (a message may have several lines); {@link printableName} escapes those too.
 *
 * @example
 * ```ts
 * printable('song\u001b[2J.wav'); // 'song\\x1b[2J.wav'
 * ```
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}

/**
 * A name (a file, a track) as one line of a terminal: like {@link printable}, newlines and tabs escaped too, so a
 * name cannot forge a line of its own.
 *
 * @example
 * ```ts
 * printableName('a\nfailed: b'); // 'a\\nfailed: b'
 * ```
 */
export function printableName(text: string): string {
  return printable(text).replace(/[\n\t]/g, (character) => (character === '\n' ? '\\n' : '\\t'));
}

function escaped(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

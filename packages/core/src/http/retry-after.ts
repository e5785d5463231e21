/**
 * Reads a `Retry-After` header (delay seconds or an HTTP date) as milliseconds from now.
 *
 * @example
 * ```ts
 * parseRetryAfter('3'); // 3000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

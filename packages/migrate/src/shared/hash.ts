import { createHash } from 'node:crypto';

/**
 * A short, stable hex digest of a value's canonical JSON (keys sorted), for idempotency keys and plan ids.
 *
 * @example
 * ```ts
 * stableDigest({ b: 1, a: 2 }) === stableDigest({ a: 2, b: 1 }); // true
 * ```
 */
export function stableDigest(value: unknown, length = 20): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, each: unknown) =>
    each && typeof each === 'object' && !Array.isArray(each)
      ? Object.fromEntries(Object.entries(each).sort(([left], [right]) => left.localeCompare(right)))
      : each,
  );
}

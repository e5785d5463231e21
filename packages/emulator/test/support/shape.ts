import { expect } from 'vitest';

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Asserts that `actual` has every field of a documented `example`, with the same JSON type, recursively.
 * Arrays compare element by element over the shorter length (an empty example array says nothing more).
 * Extra fields in `actual` are allowed: the emulator returns a superset of the examples.
 */
export function expectShape(example: unknown, actual: unknown, path = '$'): void {
  expect(kind(actual), `${path} type`).toBe(kind(example));
  if (Array.isArray(example) && Array.isArray(actual)) {
    if (example.length > 0) expect(actual.length, `${path} length`).toBeGreaterThan(0);
    for (let index = 0; index < Math.min(example.length, actual.length); index += 1) {
      expectShape(example[index], actual[index], `${path}[${index}]`);
    }
    return;
  }
  if (kind(example) === 'object') {
    const record = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(example as Record<string, unknown>)) {
      expect(Object.keys(record), `${path} fields`).toContain(key);
      expectShape(value, record[key], `${path}.${key}`);
    }
  }
}

import { vi } from 'vitest';

/** Advances fake timers until `promise` settles; returns what it resolved to or rejected with. */
export async function settle<Value>(
  promise: Promise<Value>,
  stepMs = 100,
  limitMs = 10 * 60_000,
): Promise<{ value?: Value; error?: unknown }> {
  let outcome: { value?: Value; error?: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  for (let elapsed = 0; !outcome && elapsed <= limitMs; elapsed += stepMs) {
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  if (!outcome) throw new Error(`still pending after ${limitMs} ms of fake time`);
  return outcome;
}

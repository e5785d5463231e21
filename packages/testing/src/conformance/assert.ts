import { StemkitError } from '@stemkit/core/driver';

/**
 * A conformance check that did not hold, with what the driver did instead.
 *
 * @example
 * ```ts
 * const [first] = conformanceChecks;
 * await expect(first?.run(createConformanceContext(harness))).rejects.toBeInstanceOf(ConformanceFailure);
 * ```
 */
export class ConformanceFailure extends Error {
  /** Always `'ConformanceFailure'`: it heads the message in test reports and stack traces. */
  override readonly name = 'ConformanceFailure';
}

/** Fails the check with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** What an error is, for failure messages: its class name, code and status. */
export function describeError(error: unknown): string {
  if (StemkitError.isInstance(error)) {
    const status = 'status' in error ? ` (status ${String(error.status)})` : '';
    return `${error.name}[${error.code}]${status}: ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Runs `action` and returns what it threw; fails the check when it resolved. */
export async function rejection(action: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new ConformanceFailure(`${what} resolved, but it should have failed`);
}

/** Rejects with a failure when `promise` has not settled within `ms`. */
export async function within<Value>(promise: Promise<Value>, ms: number, what: string): Promise<Value> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConformanceFailure(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms` on a plain timer. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

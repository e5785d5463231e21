import { sleep, throwIfAborted } from './sleep.ts';
import type { WaitOptions } from './types.ts';

/** The defaults documented on {@link WaitOptions}. */
export const WAIT_DEFAULTS = {
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
  factor: 1.5,
  jitter: 0.2,
  maxPollFailures: 8,
} as const;

/** The shortest wait a server hint can ask for (so a hint of 0 cannot spin a loop). */
const MIN_HINT_MS = 100;

/**
 * The delay before poll number `attempt` (0-based): `initialDelayMs × factor^attempt`, capped, spread by jitter.
 *
 * @example
 * ```ts
 * backoffDelay(2, { jitter: 0 }); // 2250
 * ```
 */
export function backoffDelay(attempt: number, options: WaitOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? WAIT_DEFAULTS.initialDelayMs;
  const cap = options.maxDelayMs ?? WAIT_DEFAULTS.maxDelayMs;
  const factor = options.factor ?? WAIT_DEFAULTS.factor;
  const jitter = options.jitter ?? WAIT_DEFAULTS.jitter;
  const base = Math.min(cap, initial * factor ** attempt);
  return Math.round(Math.min(cap, base * (1 - jitter + 2 * jitter * random())));
}

/** What one poll found: the value it waited for, or not yet (with the server's hint for the next poll). */
export type PollOutcome<Value> =
  | { readonly done: true; readonly value: Value }
  | { readonly done: false; readonly retryAfterMs?: number };

/** Options of {@link poll}. */
export interface PollOptions<Value> {
  /** The backoff schedule (`initialDelayMs`, `factor`, `maxDelayMs`, `jitter`). */
  readonly schedule: WaitOptions;
  readonly signal?: AbortSignal;
  /** The deadline, from now: a last poll at it, then `onTimeout`. None when absent. */
  readonly timeoutMs?: number;
  /** Give the provider one backoff step before the first poll (it has just been asked). */
  readonly delayFirst?: boolean;
  /** What to do once the deadline has passed: throw, or settle for a fallback value. */
  readonly onTimeout: () => Value;
  /** Sleeps between polls (default: a plain timer); `wait` passes one that callbacks can cut short. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Repeats `attempt` until it is done: the server's hint wins over the backoff schedule, every sleep is a plain
 * timer (fake timers control it) that rejects with the signal's reason, and a deadline ends it.
 */
export async function poll<Value>(
  attempt: () => Promise<PollOutcome<Value>>,
  options: PollOptions<Value>,
): Promise<Value> {
  const { schedule, signal } = options;
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let step = 0;
  let delay = options.delayFirst ? backoffDelay(step++, schedule) : undefined;
  for (;;) {
    const ms = delay === undefined || deadline === undefined ? delay : Math.min(delay, deadline - Date.now());
    // No timer for no delay: even a 0 ms one idles the process for a millisecond.
    if (ms !== undefined && ms > 0) await (options.sleep ?? sleep)(ms, signal);
    throwIfAborted(signal);
    const outcome = await attempt();
    if (outcome.done) return outcome.value;
    if (deadline !== undefined && Date.now() >= deadline) return options.onTimeout();
    delay =
      outcome.retryAfterMs === undefined
        ? backoffDelay(step++, schedule)
        : Math.max(outcome.retryAfterMs, MIN_HINT_MS);
  }
}

import type { DriverCapabilities, TargetStatus } from '@stemkit/core/driver';

/** An operation of the mock provider's API, for scripting faults and reading the request log. */
export type MockOperation =
  | 'upload'
  | 'inspect'
  | 'start'
  | 'status'
  | 'link'
  | 'mix'
  | 'zip'
  | 'list'
  | 'cancel'
  | 'storage';

/**
 * One scripted failure: an HTTP status (optionally with `Retry-After` seconds and a body), or `'network'` for a
 * request that never gets an answer.
 *
 * @example
 * ```ts
 * const faults: MockFault[] = [503, { status: 429, retryAfterSeconds: 2 }, 'network'];
 * ```
 */
export type MockFault =
  | number
  | 'network'
  | { readonly status: number; readonly retryAfterSeconds?: number; readonly body?: unknown };

/**
 * How the mock provider behaves. Everything is optional: the default is a well-behaved provider whose jobs go
 * queued → running → succeeded over two polls.
 *
 * @example
 * ```ts
 * const driver = createMockDriver({
 *   statuses: ['queued', 'running', 'running', 'succeeded'],
 *   stemStatuses: { drums: ['queued', 'failed'] },
 *   retryAfterMs: 2_000,
 *   faults: { status: [503, 'network'] },
 * });
 * ```
 */
export interface MockScript {
  /** Provider name (default `mock`). */
  readonly provider?: string;
  /** Overrides of the declared capabilities. */
  readonly capabilities?: Partial<DriverCapabilities>;
  /** Target statuses on successive polls: creation shows the first, poll n the n-th; the last one sticks. */
  readonly statuses?: readonly TargetStatus[];
  /** Per-stem status sequences, over `statuses` (e.g. one stem failing for partial success). */
  readonly stemStatuses?: Readonly<Record<string, readonly TargetStatus[]>>;
  /** What a failed target reports. */
  readonly failure?: { readonly code?: string; readonly message: string };
  /** The poll hint (`Retry-After`) the provider sends while a job runs, in ms. */
  readonly retryAfterMs?: number;
  /** Failures per operation, consumed one per request, in order. */
  readonly faults?: Partial<Record<MockOperation, readonly MockFault[]>>;
  /** Lifetime of download links, in ms (default 10 minutes). */
  readonly linkTtlMs?: number;
  /** How many link requests answer "still preparing" (202) before links are ready. */
  readonly linkNotReady?: number;
  /**
   * Metadata computed after an upload, which the driver then reads with `inspect`: the first `notReady` asks
   * answer 202 (with `retryAfterMs` as `Retry-After`, when given); a WAV then reads as its duration, channels and sample
   * rate, anything else as undecodable. Absent: the driver has no `inspect`.
   */
  readonly inspect?: { readonly notReady?: number; readonly retryAfterMs?: number };
  /** Optional operations the provider offers (all by default). */
  readonly features?: Partial<Record<'mix' | 'zip' | 'list' | 'cancel' | 'callbacks', boolean>>;
}

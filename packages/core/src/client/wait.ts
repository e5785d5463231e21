import { match } from 'ts-pattern';
import {
  AuthenticationError,
  ConnectionError,
  isAbortError,
  JobFailedError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  WaitTimeoutError,
} from '../errors.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Failure, Job } from '../model/job.ts';
import { parseArgument } from '../validation.ts';
import type { ClientContext } from './context.ts';
import { isJob, toHandle } from './handles.ts';
import { WaitCallOptionsSchema } from './schemas.ts';
import { sleep, throwIfAborted } from './sleep.ts';
import type { JobReference, WaitCallOptions, WaitOptions } from './types.ts';

/** The defaults documented on {@link WaitOptions}. */
const DEFAULTS = {
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
  factor: 1.5,
  jitter: 0.2,
  maxPollFailures: 8,
} as const;

/** The shortest wait a server hint can ask for. */
const MIN_HINT_MS = 100;

/** A 404 right after a start can be the provider's eventual consistency: tolerated this many times. */
const NOT_FOUND_TOLERANCE = 3;

/**
 * The delay before poll number `attempt` (0-based): `initialDelayMs × factor^attempt`, capped, spread by jitter.
 *
 * @example
 * ```ts
 * backoffDelay(2, { jitter: 0 }); // 2250
 * ```
 */
export function backoffDelay(attempt: number, options: WaitOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULTS.initialDelayMs;
  const cap = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const factor = options.factor ?? DEFAULTS.factor;
  const jitter = options.jitter ?? DEFAULTS.jitter;
  const base = Math.min(cap, initial * factor ** attempt);
  return Math.round(Math.min(cap, base * (1 - jitter + 2 * jitter * random())));
}

/** Whether a failed poll is worth repeating: the job is unaffected by a lost or refused status request. */
function isTransient(error: unknown): boolean {
  if (ConnectionError.isInstance(error) || RateLimitError.isInstance(error)) return true;
  if (AuthenticationError.isInstance(error) || NotFoundError.isInstance(error)) return false;
  return ProviderError.isInstance(error) && (error.status === 408 || (error.status ?? 0) >= 500);
}

/** Polls `driver.status` until the job is terminal; see `Stemkit.wait`. Never restarts the job. */
export async function wait(
  context: ClientContext,
  reference: JobReference,
  input: WaitCallOptions = {},
): Promise<Job> {
  const handle = toHandle(context, reference);
  const callOptions = parseArgument(WaitCallOptionsSchema, input, '');
  const options: WaitOptions = { ...context.wait, ...stripUndefined(callOptions) };
  const signal = input.signal;
  const onProgress = input.onProgress;
  const started = Date.now();
  const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
  const maxFailures = options.maxPollFailures ?? DEFAULTS.maxPollFailures;
  const { driver, logger } = context;

  let attempt = 0;
  let failures = 0;
  let notFound = 0;
  // A job we already hold is fresh: settle it now, or give the provider a moment before the first poll.
  let delay: number | undefined;
  if (isJob(reference)) {
    const settled = settle(reference, handle);
    if (settled) return settled;
    delay = backoffDelay(attempt++, options);
  }

  for (;;) {
    if (delay !== undefined) {
      const remaining = deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - Date.now()));
      await sleep(remaining, signal);
    }
    throwIfAborted(signal);
    let hint: number | undefined;
    try {
      const result = await driver.status(handle, { signal });
      failures = 0;
      notFound = 0;
      context.owners.remember(result.job);
      logger.debug('poll', { provider: driver.provider, job: handle.id, status: result.job.status });
      onProgress?.(result.job);
      const settled = settle(result.job, handle);
      if (settled) return settled;
      hint = result.retryAfterMs;
    } catch (error) {
      if (isAbortError(error)) throw error;
      const tolerated =
        (isTransient(error) && failures < maxFailures) ||
        (NotFoundError.isInstance(error) && notFound < NOT_FOUND_TOLERANCE);
      if (!tolerated) throw error;
      if (NotFoundError.isInstance(error)) notFound++;
      else failures++;
      logger.warn('poll failed; retrying', {
        provider: driver.provider,
        job: handle.id,
        error: String(error),
      });
      hint = RateLimitError.isInstance(error) ? error.retryAfterMs : undefined;
    }
    if (deadline !== undefined && Date.now() >= deadline) {
      throw new WaitTimeoutError(handle, options.timeoutMs ?? 0, { provider: driver.provider });
    }
    // The server's hint wins over the schedule (floored, so a hint of 0 cannot spin the loop).
    delay = hint === undefined ? backoffDelay(attempt++, options) : Math.max(hint, MIN_HINT_MS);
  }
}

/** The job when it is over: returned when it succeeded (fully or partly) or was canceled, thrown when it failed. */
function settle(job: Job, handle: JobHandle): Job | undefined {
  return match(job.status)
    .with('queued', 'running', () => undefined)
    .with('succeeded', 'partial', 'canceled', () => job)
    .with('failed', () => {
      throw new JobFailedError(handle, failureOf(job), { provider: job.provider, job });
    })
    .exhaustive();
}

function failureOf(job: Job): Failure {
  const failed = job.targets.find((target) => target.status === 'failed' && target.error);
  return failed?.error ?? { message: 'the provider reported the job as failed' };
}

function stripUndefined<Value extends object>(value: Value): Partial<Value> {
  return Object.fromEntries(Object.entries(value).filter(([, each]) => each !== undefined)) as Partial<Value>;
}

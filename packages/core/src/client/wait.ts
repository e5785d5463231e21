import { match } from 'ts-pattern';
import {
  isAbortError,
  JobFailedError,
  NotFoundError,
  RateLimitError,
  StemkitError,
  WaitTimeoutError,
} from '../errors.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Failure, Job } from '../model/job.ts';
import { parseArgument } from '../validation.ts';
import type { ClientContext } from './context.ts';
import { isJob, toHandle } from './handles.ts';
import { type PollOutcome, poll, WAIT_DEFAULTS } from './poll.ts';
import { WaitCallOptionsSchema } from './schemas.ts';
import type { JobReference, WaitCallOptions, WaitOptions } from './types.ts';
import { Alarm } from './waiters.ts';

/** A 404 right after a start can be the provider's eventual consistency: tolerated this many times. */
const NOT_FOUND_TOLERANCE = 3;

/** Whether a failed poll is worth repeating (the error says): the job is unaffected by a lost status request. */
function isTransient(error: unknown): boolean {
  return StemkitError.isInstance(error) && error.retryable;
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
  const maxFailures = options.maxPollFailures ?? WAIT_DEFAULTS.maxPollFailures;
  const { driver, logger } = context;

  // A job we already hold is fresh: settle it now, or give the provider a moment before the first poll.
  if (isJob(reference)) {
    const settled = settle(reference, handle);
    if (settled) return settled;
  }
  let failures = 0;
  let notFound = 0;
  let last: Job | undefined;
  // Callbacks about this job cut the sleep short: the poll that follows is their confirmation.
  const alarm = new Alarm();
  const leave = context.waiters.add(handle, alarm);
  try {
    return await poll(
      async (): Promise<PollOutcome<Job>> => {
        const answer = alarm.polling();
        try {
          // Through the coalescer when the driver checks many jobs per call: one request for every waiting job.
          const result = context.statusBatcher
            ? await context.statusBatcher.status(handle, signal)
            : await driver.status(handle, { signal });
          answer(result.job);
          last = result.job;
          failures = 0;
          notFound = 0;
          context.owners.remember(result.job);
          logger.debug('poll', { provider: driver.provider, job: handle.id, status: result.job.status });
          onProgress?.(result.job);
          const settled = settle(result.job, handle);
          return settled
            ? { done: true, value: settled }
            : { done: false, retryAfterMs: result.retryAfterMs };
        } catch (error) {
          answer(undefined);
          if (isAbortError(error)) throw error;
          const tolerated =
            (isTransient(error) && failures < maxFailures) ||
            // A provider that keeps no jobs will not find one later either: never wait out its NotFoundError.
            (NotFoundError.isInstance(error) &&
              context.capabilities.jobs !== 'ephemeral' &&
              notFound < NOT_FOUND_TOLERANCE);
          if (!tolerated) throw error;
          if (NotFoundError.isInstance(error)) notFound++;
          else failures++;
          logger.warn('poll failed; retrying', {
            provider: driver.provider,
            job: handle.id,
            error: String(error),
          });
          return {
            done: false,
            retryAfterMs: RateLimitError.isInstance(error) ? error.retryAfterMs : undefined,
          };
        }
      },
      {
        schedule: options,
        signal,
        timeoutMs: options.timeoutMs,
        delayFirst: isJob(reference),
        sleep: (ms, sleepSignal) => alarm.sleep(ms, sleepSignal),
        onTimeout: () => {
          throw new WaitTimeoutError(handle, options.timeoutMs ?? 0, { provider: driver.provider });
        },
      },
    );
  } finally {
    leave();
    alarm.end(last);
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

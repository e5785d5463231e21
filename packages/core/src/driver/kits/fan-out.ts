import { isAbortError, StemkitError } from '../../errors.ts';
import type { Failure, Warning } from '../../model/job.ts';
import type { TargetStatus } from '../../model/status.ts';
import * as z from '../schema.ts';

// The fan-out kit, for providers whose job makes one thing (one stem, one format) while a neutral job asks for
// several: the plan (one neutral target → N provider jobs), creation one by one with a rule for a failure part
// way, which provider jobs make which target (kept in `handle.data`), reading them back, and the combined status.

/** One neutral target as the provider requests that make it. */
export interface FanOutPlan<Request> {
  /** The neutral stem asked for. */
  readonly stem: string;
  /** The formats asked for. */
  readonly formats: readonly string[];
  /** One provider create request per provider job the target needs, in creation order. */
  readonly requests: readonly Request[];
}

/** One neutral target and the provider jobs behind it, created or read back. */
export interface FanOutTarget<ProviderJob> {
  /** The target's id: its first job's id, or `not-created-<index>` when none could be created. */
  readonly id: string;
  /** The neutral stem asked for; absent in a handle that lists its jobs only. */
  readonly stem?: string;
  /** The formats asked for; absent in a handle that lists its jobs only. */
  readonly formats?: readonly string[];
  /** The provider jobs, in creation order. */
  readonly jobs: readonly ProviderJob[];
  /** Set when some of the target's jobs could not be created. */
  readonly failure?: Failure;
}

/** A target {@link createFanOut} made: its stem and formats are the plan's. */
export interface CreatedTarget<ProviderJob> extends FanOutTarget<ProviderJob> {
  /** The plan's stem. */
  readonly stem: string;
  /** The plan's formats. */
  readonly formats: readonly string[];
}

/** What {@link createFanOut} made of a plan. */
export interface FanOutCreation<ProviderJob> {
  /** Every planned target, with the jobs made for it. */
  readonly targets: ReadonlyArray<CreatedTarget<ProviderJob>>;
  /** How many provider jobs were planned. */
  readonly planned: number;
  /** How many were created. */
  readonly created: number;
  /** Why creation stopped part way, when it did. */
  readonly failure?: Failure;
}

/** The neutral failure of an error: its code and message (never its cause, which may hold a request). */
export function failureOfError(error: unknown): Failure {
  if (StemkitError.isInstance(error)) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Creates the provider jobs of a plan one by one, in order. The partial-creation rule: if the very first
 * creation fails, or any is aborted, the error is thrown (nothing, or nothing the caller wants, was made); if a
 * later one fails, creation stops there, the jobs made keep running and stay in the result, and every target
 * short of jobs carries the failure. One by one because a create call is rarely idempotent: a parallel burst
 * that fails half way leaves more uncertain jobs than a sequence that stops at the first failure.
 */
export async function createFanOut<Request, ProviderJob>(
  plans: ReadonlyArray<FanOutPlan<Request>>,
  create: (request: Request) => Promise<ProviderJob>,
  idOf: (job: ProviderJob) => string,
): Promise<FanOutCreation<ProviderJob>> {
  let failure: Failure | undefined;
  let created = 0;
  let planned = 0;
  const targets: Array<CreatedTarget<ProviderJob>> = [];
  for (const plan of plans) {
    const jobs: ProviderJob[] = [];
    planned += plan.requests.length;
    for (const request of plan.requests) {
      if (failure) break;
      try {
        jobs.push(await create(request));
        created += 1;
      } catch (error) {
        if (isAbortError(error) || created === 0) throw error;
        failure = failureOfError(error);
      }
    }
    const targetFailure = jobs.length < plan.requests.length ? failure : undefined;
    const first = jobs[0];
    targets.push({
      id: first === undefined ? `not-created-${targets.length}` : idOf(first),
      stem: plan.stem,
      formats: plan.formats,
      jobs,
      ...(targetFailure ? { failure: targetFailure } : {}),
    });
  }
  return { targets, planned, created, ...(failure ? { failure } : {}) };
}

/**
 * The `handle.data.targets` schema of a fan-out: which provider job ids make which target, and why one is short.
 * A function, not a constant, so an app bundle that has no fan-out driver drops it.
 *
 * @example
 * ```ts
 * const HandleData = z.lazy(() => z.object({ targets: z.optional(fanOutTargetsSchema()) }));
 * ```
 */
export function fanOutTargetsSchema() {
  return z.array(
    z.object({
      stem: z.string(),
      formats: z.array(z.string()),
      jobs: z.array(z.string()),
      failure: z.optional(
        z.object({ code: z.optional(z.union([z.string(), z.number()])), message: z.string() }),
      ),
    }),
  );
}
/** What {@link fanOutTargetsSchema} checks. */
export type FanOutTargets = z.infer<ReturnType<typeof fanOutTargetsSchema>>;

/**
 * What a fan-out's handle keeps: `parts`, every provider job id in creation order, and `targets`, which of them
 * make which neutral target (write both with `context.handle(parts[0], { parts, data: { targets } })`).
 */
export function fanOutHandle<ProviderJob>(
  targets: ReadonlyArray<CreatedTarget<ProviderJob>>,
  idOf: (job: ProviderJob) => string,
): { parts: string[]; targets: FanOutTargets } {
  const written = targets.map(({ stem, formats, jobs, failure }) => ({
    stem,
    formats: [...formats],
    jobs: jobs.map(idOf),
    ...(failure ? { failure } : {}),
  }));
  return { parts: written.flatMap((target) => target.jobs), targets: written };
}

/**
 * Reads every provider job of a fan-out handle back, in parallel, grouped by target as the handle says. A
 * handle without `targets` (written by hand, or by an older version) is one target per part.
 */
export async function readFanOut<ProviderJob>(
  targets: FanOutTargets | undefined,
  parts: readonly string[],
  read: (id: string) => Promise<ProviderJob>,
): Promise<Array<FanOutTarget<ProviderJob>>> {
  const planned = targets ?? parts.map((id) => ({ jobs: [id] }));
  return Promise.all(
    planned.map(async (target, index) => ({
      ...target,
      id: target.jobs[0] ?? `not-created-${index}`,
      jobs: await Promise.all(target.jobs.map(read)),
    })),
  );
}

/**
 * The warning a partly created fan-out job carries (`partial-creation`), or `undefined` when all was made.
 */
export function partialCreationWarning(creation: FanOutCreation<unknown>, noun: string): Warning | undefined {
  if (!creation.failure) return undefined;
  return {
    code: 'partial-creation',
    message: `${creation.created} of ${creation.planned} ${noun} were created; the others failed: ${creation.failure.message}`,
  };
}

/**
 * The status of a target made of several provider jobs: failed when any failed, succeeded when all succeeded,
 * canceled when any was canceled, queued when all are queued, otherwise running.
 *
 * @example
 * ```ts
 * combineTargetStatuses(['succeeded', 'running']); // 'running'
 * ```
 */
export function combineTargetStatuses(statuses: readonly TargetStatus[]): TargetStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.every((status) => status === 'succeeded')) return 'succeeded';
  if (statuses.includes('canceled')) return 'canceled';
  if (statuses.every((status) => status === 'queued')) return 'queued';
  return 'running';
}

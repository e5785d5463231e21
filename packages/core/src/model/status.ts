import { match } from 'ts-pattern';
import * as z from 'zod/mini';

/** Schema of a {@link TargetStatus}. */
export const TargetStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);
/**
 * The status of one target (one stem or model) of a job.
 *
 * ```text
 *   queued ──► running ──► succeeded
 *     │          │
 *     │          └───────► failed
 *     └──────────┴───────► canceled
 * ```
 */
export type TargetStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** Schema of a {@link JobStatus}. */
export const JobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'canceled']);
/**
 * The status of a whole job, derived from its targets by {@link deriveJobStatus}. `partial` means every target
 * has finished, some succeeded and some did not.
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'canceled';

/**
 * Whether a status is final: nothing will change it any more.
 *
 * @example
 * ```ts
 * isTerminal('partial'); // true
 * isTerminal('running'); // false
 * ```
 */
export function isTerminal(status: JobStatus): boolean {
  return match(status)
    .with('queued', 'running', () => false)
    .with('succeeded', 'partial', 'failed', 'canceled', () => true)
    .exhaustive();
}

/**
 * Derives a job's status from its targets' statuses.
 *
 * - any target still running → `running`; else any still queued → `queued`;
 * - all finished: all succeeded → `succeeded`; some succeeded → `partial`;
 *   none succeeded → `canceled` if all were canceled, otherwise `failed`.
 *
 * @example
 * ```ts
 * deriveJobStatus(['succeeded', 'failed']); // 'partial'
 * deriveJobStatus(['succeeded', 'queued']); // 'queued'
 * ```
 */
export function deriveJobStatus(statuses: readonly TargetStatus[]): JobStatus {
  if (statuses.length === 0) return 'queued';
  const count = (status: TargetStatus) => statuses.filter((each) => each === status).length;
  if (count('running') > 0) return 'running';
  if (count('queued') > 0) return count('succeeded') + count('failed') > 0 ? 'running' : 'queued';
  const succeeded = count('succeeded');
  if (succeeded === statuses.length) return 'succeeded';
  if (succeeded > 0) return 'partial';
  return count('canceled') === statuses.length ? 'canceled' : 'failed';
}

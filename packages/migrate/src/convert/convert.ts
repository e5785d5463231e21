import {
  type DroppedField,
  type LegacyTaskRecord,
  legacyJobToNeutral,
  legacyJobToTaskRecord,
} from '@stemkit/audioshake';
import type { Job } from '@stemkit/core';
import { InvalidArgumentError } from '@stemkit/core';

/**
 * One stored legacy job in both target shapes, and what each conversion left behind.
 *
 * @example
 * ```ts
 * const converted: ConvertedJob = convertLegacyJob(stored);
 * converted.task.task.targets[0].status; // 'completed'
 * ```
 */
export interface ConvertedJob {
  /** The provider-neutral job (`provider: 'audioshake-legacy'`), as the legacy driver would return it. */
  readonly neutral: Job;
  /** The Tasks-shaped record: the job as one target of a task. */
  readonly task: LegacyTaskRecord;
  /** Fields the neutral job keeps only in `raw`. */
  readonly droppedFromNeutral: readonly DroppedField[];
  /** Fields the Tasks record has no place for. */
  readonly droppedFromTask: readonly DroppedField[];
}

/**
 * Converts a stored legacy Job (`{ job }` or bare) into a neutral job and a Tasks-shaped record, with the
 * audioshake package's mapping functions. A payload that is not a Job throws an `InvalidResponseError`.
 *
 * @example
 * ```ts
 * const { neutral, task } = convertLegacyJob({ job: { id: 'clksrfob8000bf7of6xkscy8m', status: 'completed' } });
 * neutral.status; // 'succeeded'
 * ```
 */
export function convertLegacyJob(payload: unknown): ConvertedJob {
  const neutral = legacyJobToNeutral(payload);
  const task = legacyJobToTaskRecord(payload);
  return {
    neutral: neutral.value,
    task: task.value,
    droppedFromNeutral: neutral.dropped,
    droppedFromTask: task.dropped,
  };
}

/**
 * Converts a legacy callback body — JSON text or parsed, the job wrapped in `{ job }` or bare (the docs
 * disagree) — the same way as {@link convertLegacyJob}. A callback is unsigned: treat the result as a hint and
 * confirm with the API.
 *
 * @example
 * ```ts
 * const { neutral } = convertLegacyCallback(await request.text());
 * ```
 */
export function convertLegacyCallback(body: unknown): ConvertedJob {
  if (typeof body !== 'string') return convertLegacyJob(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidArgumentError('body', 'is not JSON');
  }
  return convertLegacyJob(parsed);
}

/** What `convertExport` writes per job: the neutral job, the Tasks record, or both. */
export type ConvertTarget = 'neutral' | 'tasks' | 'both';

/**
 * Converts every job of an export into JSONL: one line per job, in the export's order.
 *
 * @example
 * ```ts
 * const { jobs } = await readLegacyExport('legacy-jobs.jsonl');
 * await writeFile('tasks.jsonl', convertExport(jobs.map((each) => each.job), 'tasks'));
 * ```
 */
export function convertExport(jobs: readonly unknown[], to: ConvertTarget): string {
  return jobs
    .map((job) => {
      const converted = convertLegacyJob(job);
      const line =
        to === 'neutral'
          ? converted.neutral
          : to === 'tasks'
            ? converted.task
            : { neutral: converted.neutral, task: converted.task };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}

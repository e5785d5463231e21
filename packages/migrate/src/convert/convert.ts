import { type LegacyJob, legacyJobMetadata, legacyJobsOf, legacyJobToNeutral } from '@stemkit/audioshake';
import { InvalidArgumentError, type Job } from '@stemkit/core';
import type { DroppedField } from '../legacy-to-tasks/dropped.ts';
import { type LegacyTaskRecord, legacyJobToTaskRecord } from '../legacy-to-tasks/responses.ts';

/**
 * One stored legacy job in both target shapes, and what each conversion left behind.
 *
 * @example
 * ```ts
 * const converted: ConvertedJob = convertLegacyJob(stored);
 * converted.task.task.targets?.[0]?.status; // 'completed'
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
 * Converts a stored legacy Job (`{ job }` or bare) into a neutral job (as the legacy driver reads it) and a
 * Tasks-shaped record (the legacy → Tasks field map). A payload that is not a Job throws an
 * `InvalidResponseError`.
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
    neutral,
    task: task.value,
    droppedFromNeutral: legacyJobsOf(neutral).flatMap(rawOnlyFields),
    droppedFromTask: task.dropped,
  };
}

/** Job fields the neutral model has no place for; they stay readable in the target's `raw`. */
const RAW_ONLY_JOB_FIELDS = ['clientId', 'requestId', 'licenseId', 'callbackUrl', 'assetId'] as const;
const RAW_ONLY_METADATA_FIELDS = [
  'userSessionId',
  'audioId',
  'licenseId',
  'maxTrackLength',
  'preview',
  'watermarkInterval',
] as const;

/** The fields of a legacy job that only the neutral job's `raw` keeps. */
function rawOnlyFields(job: LegacyJob): DroppedField[] {
  const metadata = legacyJobMetadata(job);
  return [
    ...RAW_ONLY_JOB_FIELDS.filter((field) => job[field]),
    ...RAW_ONLY_METADATA_FIELDS.filter(
      (field) => metadata?.[field] !== undefined && metadata[field] !== null,
    ).map((field) => `metadata.${field}`),
  ].map((field) => ({
    field,
    reason: 'the neutral model has no such field; it stays in `raw`',
    behaviourChange: false,
  }));
}

/**
 * Converts a legacy callback body — JSON text or parsed, the job wrapped in `{ job }` or bare (the docs
 * disagree) — the same way as {@link convertLegacyJob}. A callback is unsigned: treat the result as a hint and
 * confirm with the API.
 *
 * @example
 * ```ts
 * const { neutral } = convertLegacyCallback(await response.text());
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

import { setTimeout as sleep } from 'node:timers/promises';
import { probeAudio } from '@stemkit/audio';
import { audioshakeLegacy, expandLegacyFormat, type LegacyJob, legacyJobMetadata } from '@stemkit/audioshake';
import {
  type Asset,
  AUDIO_FORMATS,
  createStemkit,
  isAbortError,
  isTerminal,
  type Job,
  NotFoundError,
  type Stemkit,
  type StemkitDriver,
  StemkitError,
} from '@stemkit/core';
import type { MigrationMapping } from '../apply/mapping.ts';
import { runPool } from '../shared/pool.ts';

/** Options of {@link verifyMigration}. */
export interface VerifyOptions {
  /** The mapping {@link applyPlan} wrote: the task and target of each legacy job. */
  readonly mapping: MigrationMapping;
  /** The legacy jobs the plan was made from (the export). */
  readonly legacyJobs: readonly LegacyJob[];
  /** The Tasks driver: the mapped tasks are read, and their outputs downloaded, through it. */
  readonly tasks: StemkitDriver;
  /** The legacy driver: when given, legacy outputs that still exist are downloaded and compared. */
  readonly legacy?: StemkitDriver;
  /** Jobs checked at once (default 8). */
  readonly concurrency?: number;
  /**
   * How long to wait for tasks still running before judging them, in ms (default 0: judged as they are). Handy
   * right after `apply`.
   */
  readonly waitMs?: number;
  /** Largest duration difference accepted between a legacy output and its Tasks counterpart (default 0.05 s). */
  readonly durationToleranceSeconds?: number;
  /** Cancels the checks: `verifyMigration` rejects with the abort error instead of returning a report. */
  readonly signal?: AbortSignal;
}

/**
 * The verdict on one legacy job.
 *
 * @example
 * ```ts
 * const result: JobVerification = { legacyJobId: 'clks…', taskId: 'cmiy…', targetId: 'cmiz…', ok: true, compared: 1, problems: [], notes: [] };
 * ```
 */
export interface JobVerification {
  /** The legacy job judged, as in the export. */
  readonly legacyJobId: string;
  /** The Tasks task the job is mapped to; absent when the mapping has no entry for the job. */
  readonly taskId?: string;
  /** The target of that task that does the job's work; absent when the job is not mapped. */
  readonly targetId?: string;
  /** True when `problems` is empty; `notes` (comparisons that could not run) never fail a job. */
  readonly ok: boolean;
  /** Outputs whose duration and channels were compared with the legacy output. */
  readonly compared: number;
  /**
   * What fails the job, one phrase each, such as: not mapped, task unfinished, target failed, an output
   * missing, a duration or channel count unlike the legacy output's.
   */
  readonly problems: readonly string[];
  /** Why a comparison could not run (the legacy output is gone, no legacy credentials…). */
  readonly notes: readonly string[];
}

/**
 * What `verifyMigration` found: counts and every job's verdict.
 *
 * @example
 * ```ts
 * const report = await verifyMigration({ mapping, legacyJobs, tasks, legacy });
 * report.summary.failed; // 0
 * ```
 */
export interface VerifyReport {
  /** Marks the file as a verify report, and its version. */
  readonly format: 'stemkit-migration-verify/1';
  /** The plan `id` of the verified mapping. */
  readonly plan: string;
  /** When the check ended, as an ISO 8601 timestamp in UTC. */
  readonly checkedAt: string;
  /** Counts over `jobs`, and `tasks`: how many distinct Tasks tasks were read. */
  readonly summary: {
    readonly jobs: number;
    readonly passed: number;
    readonly failed: number;
    /** Jobs whose audio was compared with at least one legacy output. */
    readonly compared: number;
    /** Jobs whose audio could not be compared (notes say why). */
    readonly notCompared: number;
    readonly tasks: number;
  };
  /** True when every job passed (`summary.failed` is 0). */
  readonly clean: boolean;
  /** One verdict per legacy job, in the order of `legacyJobs`. */
  readonly jobs: readonly JobVerification[];
}

/**
 * Checks every mapped target of a migration: the task finished, the target completed, an output present for
 * each format the legacy job asked for (and its residual), and — where the legacy outputs still exist — each
 * audio output's duration and channel count equal to the legacy one's (decoded with `@stemkit/audio`). A job
 * of the export missing from the mapping is a failure.
 *
 * @example
 * ```ts
 * const report = await verifyMigration({ mapping, legacyJobs: jobs, tasks: audioshakeTasks({ apiKey }), legacy });
 * await writeFile('verify.md', verifyReportMarkdown(report));
 * ```
 */
export async function verifyMigration(options: VerifyOptions): Promise<VerifyReport> {
  const tasksClient = createStemkit({
    driver: options.tasks,
    wait: { initialDelayMs: 500, maxDelayMs: 5_000 },
  });
  const legacyClient = options.legacy ? createStemkit({ driver: options.legacy }) : undefined;
  const tolerance = options.durationToleranceSeconds ?? 0.05;
  const taskCache = new Map<string, Promise<Job>>();
  const probeCache = new Map<string, Promise<{ durationSeconds: number; channels: number }>>();
  const signal = options.signal;

  const readTask = async (taskId: string): Promise<Job> => {
    const handle = { contract: 1 as const, provider: options.tasks.provider, id: taskId };
    const job = await tasksClient.get(handle, { signal });
    const waitMs = options.waitMs ?? 0;
    if (isTerminal(job.status) || waitMs <= 0) return job;
    try {
      return await tasksClient.wait(handle, { timeoutMs: waitMs, ...(signal ? { signal } : {}) });
    } catch (error) {
      // A failed task or one still running at the deadline is judged as it is now.
      if (isAbortError(error)) throw error;
      return tasksClient.get(handle, { signal });
    }
  };
  const taskOf = (taskId: string) => {
    let task = taskCache.get(taskId);
    if (!task) {
      task = withRetries(() => readTask(taskId), signal);
      task.catch(() => taskCache.delete(taskId));
      taskCache.set(taskId, task);
    }
    return task;
  };
  const probeOf = (client: Stemkit, job: Job, asset: Asset) => {
    const id = `${job.provider}/${job.id}/${asset.id}`;
    let probe = probeCache.get(id);
    if (!probe) {
      probe = withRetries(() => download(client, job, asset, signal).then(probeAudio), signal);
      // A failure is not kept: the next job that shares this output tries again.
      probe.catch(() => probeCache.delete(id));
      probeCache.set(id, probe);
    }
    return probe;
  };

  const results: JobVerification[] = new Array(options.legacyJobs.length);
  await runPool(options.legacyJobs, options.concurrency ?? 8, async (legacyJob, index) => {
    const problems: string[] = [];
    const notes: string[] = [];
    let compared = 0;
    const place = options.mapping.jobs[legacyJob.id];
    const finish = () => {
      results[index] = {
        legacyJobId: legacyJob.id,
        ...(place ?? {}),
        ok: problems.length === 0,
        compared,
        problems,
        notes,
      };
    };
    if (!place) {
      problems.push('not in the mapping: its task was never created');
      return finish();
    }
    let task: Job;
    try {
      task = await taskOf(place.taskId);
    } catch (error) {
      problems.push(`task ${place.taskId} could not be read: ${messageOf(error)}`);
      return finish();
    }
    if (!isTerminal(task.status)) problems.push(`task ${place.taskId} has not finished (${task.status})`);
    const target = task.targets.find((each) => each.id === place.targetId);
    if (!target) {
      problems.push(`task ${place.taskId} has no target ${place.targetId}`);
      return finish();
    }
    if (target.status !== 'succeeded') {
      problems.push(
        `target ${target.stem} is ${target.status}${target.error ? `: ${target.error.message}` : ''}`,
      );
      return finish();
    }
    const metadata = legacyJobMetadata(legacyJob);
    const formats = expandLegacyFormat(metadata?.format ?? '');
    const residual = metadata?.residual === true;
    const wanted = (format: string, role: 'stem' | 'residual') =>
      target.outputs.find(
        (output) => output.format === format && (role === 'residual') === (output.role === 'residual'),
      );
    for (const format of formats) {
      if (!wanted(format, 'stem')) problems.push(`no ${format} output`);
      if (residual && !wanted(format, 'residual')) problems.push(`no ${format} residual output`);
    }
    const audioFormats = formats.filter((format) => (AUDIO_FORMATS as readonly string[]).includes(format));
    if (problems.length > 0 || audioFormats.length === 0) return finish();
    if (!legacyClient) {
      notes.push('no legacy credentials: outputs not compared with the legacy ones');
      return finish();
    }
    let legacyNeutral: Job;
    try {
      legacyNeutral = await legacyClient.get(
        { contract: 1, provider: audioshakeLegacy.provider, id: legacyJob.id, parts: [legacyJob.id] },
        { signal },
      );
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      notes.push('the legacy job no longer exists: outputs not compared');
      return finish();
    }
    const legacyOutputs = legacyNeutral.targets.flatMap((each) => each.outputs);
    for (const format of audioFormats) {
      for (const role of residual ? (['stem', 'residual'] as const) : (['stem'] as const)) {
        const mine = wanted(format, role) as Asset;
        const theirs = legacyOutputs.find(
          (output) => output.format === format && (role === 'residual') === (output.role === 'residual'),
        );
        if (!theirs) {
          notes.push(`the legacy ${format} ${role} output no longer exists: not compared`);
          continue;
        }
        let legacyInfo: { durationSeconds: number; channels: number };
        try {
          legacyInfo = await probeOf(legacyClient, legacyNeutral, theirs);
        } catch (error) {
          notes.push(
            `the legacy ${format} ${role} output could not be read (${messageOf(error)}): not compared`,
          );
          continue;
        }
        try {
          const info = await probeOf(tasksClient, task, mine);
          if (Math.abs(info.durationSeconds - legacyInfo.durationSeconds) > tolerance) {
            problems.push(
              `${format} ${role}: duration ${info.durationSeconds.toFixed(3)} s, legacy ${legacyInfo.durationSeconds.toFixed(3)} s`,
            );
          }
          if (info.channels !== legacyInfo.channels) {
            problems.push(`${format} ${role}: ${info.channels} channel(s), legacy ${legacyInfo.channels}`);
          }
          compared++;
        } catch (error) {
          problems.push(`the ${format} ${role} output could not be read: ${messageOf(error)}`);
        }
      }
    }
    finish();
  });
  const passed = results.filter((result) => result.ok).length;
  const comparedJobs = results.filter((result) => result.compared > 0).length;
  return {
    format: 'stemkit-migration-verify/1',
    plan: options.mapping.plan,
    checkedAt: new Date().toISOString(),
    summary: {
      jobs: results.length,
      passed,
      failed: results.length - passed,
      compared: comparedJobs,
      notCompared: results.length - comparedJobs,
      tasks: taskCache.size,
    },
    clean: passed === results.length,
    jobs: results,
  };
}

async function download(client: Stemkit, job: Job, asset: Asset, signal?: AbortSignal): Promise<Uint8Array> {
  const { body } = await client.download(asset, { job: job.handle, ...(signal ? { signal } : {}) });
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Tries a read up to three times: a transfer cut short is not a verdict on the migration. */
export async function withRetries<Value>(
  read: () => Promise<Value>,
  signal: AbortSignal | undefined,
): Promise<Value> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 3 || isAbortError(error) || signal?.aborted) throw error;
      await sleep(200 * attempt, undefined, { signal });
    }
  }
}

function messageOf(error: unknown): string {
  if (StemkitError.isInstance(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

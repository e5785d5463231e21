import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, isAbortError, type Job, type StemkitDriver, StemkitError } from '@stemkit/core';
import { Journal } from '../journal/journal.ts';
import type { MigrationPlan, PlannedTask } from '../plan/schema.ts';
import { jsonText, writeFileAtomic } from '../shared/files.ts';
import { runPool } from '../shared/pool.ts';
import { buildMapping, type MigrationMapping } from './mapping.ts';
import { findTasksByKey } from './reconcile.ts';
import { resolveSource } from './sources.ts';
import { createdTargetsOf, targetRequestOf } from './targets.ts';

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /** The plan to run, from {@link planMigration} or {@link readPlan}; the journal must belong to it. */
  readonly plan: MigrationPlan;
  /** The Tasks driver (any driver with `list` works): where tasks are created. */
  readonly tasks: StemkitDriver;
  /** The legacy driver, to read fresh links of legacy source assets; needed unless every source is given. */
  readonly legacy?: StemkitDriver;
  /** The append-only journal; the same path resumes a run. */
  readonly journalPath: string;
  /** Where the mapping `legacyJobId → {taskId, targetId}` is written (atomically), after every run. */
  readonly mappingPath?: string;
  /** Tasks created at once (default 8). */
  readonly concurrency?: number;
  /** Rounds of reconcile-then-create within one run, for requests whose outcome was unknown (default 3). */
  readonly rounds?: number;
  /**
   * How long after an intent its request may still reach the provider (default 5 000 ms). A pending intent is
   * looked up only once it is this old, so a request still in flight when the process died (or timed out) has
   * landed before the lookup decides it never did.
   */
  readonly settleMs?: number;
  /**
   * Stops the run with the abort error; the journal (and the mapping, when `mappingPath` is set) keeps what
   * was done, so the next run resumes.
   */
  readonly signal?: AbortSignal;
  /** Told of every task as it settles. */
  readonly onProgress?: (event: ApplyEvent) => void;
}

/**
 * One step of an apply run.
 *
 * @example
 * ```ts
 * const onProgress = (event: ApplyEvent) => console.log(event.type, event.key);
 * ```
 */
export type ApplyEvent =
  | { readonly type: 'created' | 'reconciled'; readonly key: string; readonly taskId: string }
  | { readonly type: 'rejected' | 'unknown'; readonly key: string; readonly message: string };

/**
 * What an apply run did, and where the migration stands.
 *
 * @example
 * ```ts
 * const result = await applyPlan({ plan, tasks, legacy, journalPath: 'apply.journal.jsonl' });
 * if (!result.complete) process.exitCode = 1;
 * ```
 */
export interface ApplyResult {
  /** Tasks this run created. */
  readonly created: number;
  /** Tasks an earlier, interrupted run had created, found on the provider by their key. */
  readonly reconciled: number;
  /** Tasks the journal already recorded as created. */
  readonly alreadyDone: number;
  /** Tasks the provider refused (nothing was created); a later run tries them again. */
  readonly rejected: ReadonlyArray<{ readonly key: string; readonly message: string }>;
  /** Tasks whose creation outcome is still unknown; a later run looks them up first. */
  readonly unknown: readonly string[];
  /** Keys found more than once on the provider (should never happen; reported, never hidden). */
  readonly duplicates: ReadonlyArray<{ readonly key: string; readonly taskIds: readonly string[] }>;
  /** Where every job stands after this run, earlier runs included; also written to `mappingPath`, if set. */
  readonly mapping: MigrationMapping;
  /** Every task created and every job mapped. */
  readonly complete: boolean;
}

/**
 * Runs a plan with bounded concurrency and a durable journal. For each task: `intent` is journaled (fsync'd),
 * its source resolved, the task created with its plan key in `metadata`, then `created` journaled. Killed at
 * any point and run again with the same journal, it first looks up every intent without an outcome on the
 * provider (by key, through `list`) and records what it finds, so no task is ever created twice. Finally it
 * writes the mapping `legacyJobId → {taskId, targetId}`.
 *
 * @example
 * ```ts
 * const tasks = audioshakeTasks({ apiKey });
 * const legacy = audioshakeLegacy({ token });
 * const result = await applyPlan({ plan, tasks, legacy, journalPath: 'apply.journal.jsonl', mappingPath: 'mapping.json' });
 * ```
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { plan, tasks, signal } = options;
  const journal = await Journal.open(options.journalPath, plan.id);
  const counts = { created: 0, reconciled: 0, alreadyDone: 0 };
  const duplicates: Array<{ key: string; taskIds: string[] }> = [];
  const rejected = new Map<string, string>();
  // Refused for now (a 429 the transport's own retries did not outlast): nothing was made, the next round retries.
  const refusedForNow = new Map<string, string>();
  const unknown = new Map<string, string>();
  let mapping: MigrationMapping;
  try {
    counts.alreadyDone = plan.tasks.filter((task) => journal.state(task.key).created).length;
    const rounds = Math.max(1, options.rounds ?? 3);
    for (let round = 0; round < rounds; round++) {
      await reconcile(journal, tasks, counts, duplicates, options);
      const todo = plan.tasks.filter((task) => !journal.state(task.key).created && !rejected.has(task.key));
      if (todo.length === 0) break;
      unknown.clear();
      refusedForNow.clear();
      await runPool(todo, options.concurrency ?? 8, async (task) => {
        const { retryable, ...outcome } = await createTask(task, journal, options);
        if (outcome.type === 'created') counts.created++;
        if (outcome.type === 'rejected')
          (retryable ? refusedForNow : rejected).set(task.key, outcome.message);
        if (outcome.type === 'unknown') unknown.set(task.key, outcome.message);
        options.onProgress?.(outcome);
      });
      if (unknown.size === 0 && refusedForNow.size === 0) break;
      signal?.throwIfAborted();
    }
  } finally {
    await journal.close();
    // Written whatever happened: the mapping always says how far the migration got.
    mapping = buildMapping(plan, (key) => journal.state(key).created);
    if (options.mappingPath) await writeFileAtomic(options.mappingPath, jsonText(mapping));
  }
  return {
    ...counts,
    rejected: [...rejected, ...refusedForNow].map(([key, message]) => ({ key, message })),
    unknown: [...unknown.keys()],
    duplicates,
    mapping,
    complete: mapping.complete,
  };
}

/** Settles every pending intent by looking its task up on the provider. */
async function reconcile(
  journal: Journal,
  tasks: StemkitDriver,
  counts: { reconciled: number },
  duplicates: Array<{ key: string; taskIds: string[] }>,
  options: ApplyOptions,
): Promise<void> {
  const pending = journal.pending();
  if (pending.length === 0) return;
  const times = pending.map((each) => each.since).sort();
  const wait = Date.parse(times.at(-1) as string) + (options.settleMs ?? 5_000) - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal: options.signal });
  const since = times[0];
  const found = await findTasksByKey(tasks, new Set(pending.map((each) => each.key)), since, options.signal);
  for (const { key } of pending) {
    const jobs = found.get(key);
    if (!jobs || jobs.length === 0) continue;
    const sorted = [...jobs].sort((left, right) =>
      (left.createdAt ?? '').localeCompare(right.createdAt ?? ''),
    );
    if (sorted.length > 1) duplicates.push({ key, taskIds: sorted.map((job) => job.id) });
    const first = sorted[0] as Job;
    await journal.append({
      type: 'created',
      key,
      taskId: first.handle.id,
      targets: createdTargetsOf(first),
      at: new Date().toISOString(),
      reconciled: true,
    });
    counts.reconciled++;
    options.onProgress?.({ type: 'reconciled', key, taskId: first.handle.id });
  }
}

/** An event, and for a refusal whether trying again may succeed (a rate limit): the error says. */
type TaskOutcome = ApplyEvent & { readonly retryable?: boolean };

async function createTask(task: PlannedTask, journal: Journal, options: ApplyOptions): Promise<TaskOutcome> {
  const { tasks, legacy, signal } = options;
  let source: Awaited<ReturnType<typeof resolveSource>>;
  try {
    source = await resolveSource(task.source, tasks, legacy, signal);
  } catch (error) {
    if (isAbortError(error) || AuthenticationError.isInstance(error)) throw error;
    // Nothing was sent to the Tasks API: the task can be tried again on a later run.
    return { type: 'rejected', key: task.key, message: messageOf(error) };
  }
  await journal.append({ type: 'intent', key: task.key, at: new Date().toISOString() });
  let started: Awaited<ReturnType<StemkitDriver['start']>>;
  try {
    started = await tasks.start(
      {
        source,
        targets: task.targets.map((target) => targetRequestOf(target, tasks.provider)),
        metadata: task.metadata,
      },
      { signal },
    );
  } catch (error) {
    if (isAbortError(error) || AuthenticationError.isInstance(error)) throw error;
    if (refusedBeforeCreation(error)) {
      await journal.append({
        type: 'rejected',
        key: task.key,
        message: messageOf(error),
        at: new Date().toISOString(),
      });
      const retryable = StemkitError.isInstance(error) && error.retryable;
      return { type: 'rejected', key: task.key, message: messageOf(error), retryable };
    }
    // A lost answer, a timeout or a 5xx: the task may exist. The intent stays pending for reconciliation.
    return { type: 'unknown', key: task.key, message: messageOf(error) };
  }
  try {
    // The task exists from here on: whatever fails now, the intent stays pending and is reconciled by key.
    const job = started.job ?? (await tasks.status(started.handle, { signal })).job;
    await journal.append({
      type: 'created',
      key: task.key,
      taskId: started.handle.id,
      targets: createdTargetsOf(job),
      at: new Date().toISOString(),
    });
    return { type: 'created', key: task.key, taskId: started.handle.id };
  } catch (error) {
    if (isAbortError(error)) throw error;
    return { type: 'unknown', key: task.key, message: messageOf(error) };
  }
}

/** Whether the provider certainly created nothing (a validation refusal, a 4xx but 408, a 429 too): the error says. */
function refusedBeforeCreation(error: unknown): boolean {
  return StemkitError.isInstance(error) && error.createdNothing;
}

function messageOf(error: unknown): string {
  if (StemkitError.isInstance(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

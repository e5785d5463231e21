import type { JournalRecord } from '../journal/journal.ts';
import type { MigrationPlan } from '../plan/schema.ts';
import { matchTargets } from './targets.ts';

/**
 * Where each legacy job lives on the Tasks API: `jobs[legacyJobId] = { taskId, targetId }`. `unmapped` lists
 * the jobs whose task is not created yet (or whose target could not be matched).
 *
 * @example
 * ```ts
 * const mapping: MigrationMapping = JSON.parse(await readFile('mapping.json', 'utf8'));
 * const target = mapping.jobs['clksrfob8000bf7of6xkscy8m']; // { taskId, targetId }, if it was migrated
 * ```
 */
export interface MigrationMapping {
  /** Marks the file as a mapping, and its version. */
  readonly format: 'stemkit-migration-mapping/1';
  /** The `id` of the {@link MigrationPlan} the mapping was built from. */
  readonly plan: string;
  /** True when every legacy job of the plan is in `jobs` (`unmapped` is empty). */
  readonly complete: boolean;
  /** Legacy job id → the Tasks task and target that now do its work. */
  readonly jobs: Readonly<Record<string, { readonly taskId: string; readonly targetId: string }>>;
  /** Legacy job ids not in `jobs`: their task is not created yet (a later run may), or no target matched. */
  readonly unmapped: readonly string[];
}

/**
 * Builds the mapping from a plan and what the journal recorded as created: each planned target is matched to
 * a created target on (model, variant, residual, language).
 *
 * @example
 * ```ts
 * const mapping = buildMapping(plan, (key) => journal.state(key).created);
 * ```
 */
export function buildMapping(
  plan: MigrationPlan,
  createdOf: (key: string) => Extract<JournalRecord, { type: 'created' }> | undefined,
): MigrationMapping {
  const targetIds = new Map<string, { taskId: string; ids: Array<string | undefined> }>();
  for (const task of plan.tasks) {
    const created = createdOf(task.key);
    if (created)
      targetIds.set(task.key, { taskId: created.taskId, ids: matchTargets(task.targets, created.targets) });
  }
  const jobs: Record<string, { taskId: string; targetId: string }> = {};
  const unmapped: string[] = [];
  for (const [legacyJobId, place] of Object.entries(plan.jobs)) {
    const task = targetIds.get(place.task);
    const targetId = task?.ids[place.target];
    if (task && targetId) jobs[legacyJobId] = { taskId: task.taskId, targetId };
    else unmapped.push(legacyJobId);
  }
  return {
    format: 'stemkit-migration-mapping/1',
    plan: plan.id,
    complete: unmapped.length === 0,
    jobs,
    unmapped,
  };
}

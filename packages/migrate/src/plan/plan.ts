import type { LegacyJob, LegacyJobRequest } from '@stemkit/audioshake';
import { legacyRequestsToTasks } from '../legacy-to-tasks/requests.ts';
import { stableDigest } from '../shared/hash.ts';
import { FieldReporter } from './fields.ts';
import { TASK_METADATA_LIMIT, taskMetadata } from './metadata.ts';
import { legacyJobToRequest } from './requests.ts';
import type { MigrationPlan, PlannedSource, PlannedTarget, PlannedTask } from './schema.ts';

/** A source given by hand for a legacy asset id: a public URL, or an asset already uploaded to Tasks. */
export type SourceOverride = { readonly url: string } | { readonly assetId: string };

/** Options of {@link planMigration}. */
export interface PlanOptions {
  /** Targets per task (default 10, the documented safe bound; the 2026 docs allow 20). */
  readonly maxTargets?: number;
  /**
   * Sources by legacy asset id (for audio and for alignment transcripts). Unlisted audio sources are read
   * from the legacy API at apply time; unlisted transcripts cannot carry over and are reported.
   */
  readonly sources?: Readonly<Record<string, SourceOverride>>;
  /** The plan's creation time (default now), for reproducible files in tests. */
  readonly now?: () => Date;
}

/**
 * Plans the migration of stored legacy jobs: their requests are consolidated into Tasks requests (jobs that
 * share a source, one target per distinct model/variant/residual/language/transcript with the union of
 * formats, at most `maxTargets` per task) with the legacy → Tasks field map, each task gets a stable idempotency
 * key, every legacy job is placed (`jobs[legacyJobId] = { task: key, target: index }`), and every legacy
 * field is reported as mapped, dropped or a behaviour change.
 *
 * Source rule: a `sources` entry wins; otherwise the task's source is the legacy asset itself, turned into a
 * fresh link through the legacy API when the plan is applied (the Tasks API fetches it as `url`). Signed
 * links never go into the plan.
 *
 * @example
 * ```ts
 * const { jobs } = await readLegacyExport('legacy-jobs.jsonl');
 * const plan = planMigration(jobs.map((each) => each.job), { maxTargets: 10 });
 * await writeFile('plan.json', JSON.stringify(plan, null, 2));
 * ```
 */
export function planMigration(jobs: readonly LegacyJob[], options: PlanOptions = {}): MigrationPlan {
  const maxTargets = options.maxTargets ?? 10;
  const sources = options.sources ?? {};
  const requests: LegacyJobRequest[] = jobs.map(legacyJobToRequest);
  const reporter = new FieldReporter();
  for (const [index, request] of requests.entries()) reporter.mapped(request, (jobs[index] as LegacyJob).id);
  const consolidated = legacyRequestsToTasks(requests, {
    maxTargets,
    sources: Object.fromEntries(
      Object.entries(sources).filter(([id]) => requests.some((r) => r.assetId === id)),
    ),
  });
  for (const dropped of consolidated.dropped) {
    const match = /^(\d+)\.(.*)$/.exec(dropped.field);
    // Task-level notes about unlisted sources are settled below: those sources come from the legacy API.
    if (!match) continue;
    const job = jobs[Number(match[1])] as LegacyJob;
    reporter.dropped({ ...dropped, field: match[2] as string }, job.id);
  }
  const tasks: PlannedTask[] = [];
  const placed: MigrationPlan['jobs'] = {};
  for (const task of consolidated.value) {
    const firstIndex = task.jobs[0]?.requestIndex as number;
    const legacyAssetId = (requests[firstIndex] as LegacyJobRequest).assetId;
    const source: PlannedSource = sources[legacyAssetId] ?? {
      legacyAssetId,
      legacyJobId: (jobs[firstIndex] as LegacyJob).id,
    };
    const targets = task.request.targets.map((target) => {
      const planned = transcriptOf({ ...target, formats: [...target.formats] }, sources);
      if (planned.lost) {
        for (const { requestIndex } of task.jobs) {
          reporter.dropped(
            {
              field: 'otherSourceAssets',
              reason: `transcript asset ${planned.lost} is a legacy asset: pass it in --sources (url or Tasks assetId); without it Tasks transcribes before aligning`,
              behaviourChange: true,
            },
            (jobs[requestIndex] as LegacyJob).id,
          );
        }
      }
      return planned.target;
    });
    const key = `m-${stableDigest({ legacyAssetId, source, targets })}`;
    const customProperty = task.request.metadata
      ? (JSON.parse(task.request.metadata) as Record<string, unknown>)
      : undefined;
    let metadata = taskMetadata(key, customProperty);
    if (metadata.length > TASK_METADATA_LIMIT) metadata = taskMetadata(key);
    tasks.push({ key, source, targets, metadata });
    for (const { requestIndex, targetIndex } of task.jobs) {
      placed[(jobs[requestIndex] as LegacyJob).id] = { task: key, target: targetIndex };
    }
  }
  const body = { maxTargets, tasks, jobs: placed };
  return {
    format: 'stemkit-migration-plan/1',
    id: stableDigest(body, 16),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    ...body,
    fields: reporter.rows(),
  };
}

/** A target with its transcript turned into a Tasks reference, or the legacy id that could not carry over. */
function transcriptOf(
  target: PlannedTarget,
  sources: Readonly<Record<string, SourceOverride>>,
): { target: PlannedTarget; lost?: string } {
  const legacyId = target.transcriptAssetId;
  if (!legacyId) return { target };
  const { transcriptAssetId: _legacy, ...rest } = target;
  const given = sources[legacyId];
  if (!given) return { target: rest, lost: legacyId };
  return {
    target:
      'url' in given ? { ...rest, transcriptUrl: given.url } : { ...rest, transcriptAssetId: given.assetId },
  };
}

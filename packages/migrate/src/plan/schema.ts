import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@stemkit/core';
import * as z from 'zod/mini';

/** Where a planned task's audio comes from. */
export const PlannedSourceSchema = z.union([
  /** A URL the Tasks API fetches itself. */
  z.object({ url: z.string().check(z.minLength(1)) }),
  /** An asset already uploaded to the Tasks API (`POST /assets`). */
  z.object({ assetId: z.string().check(z.minLength(1)) }),
  /**
   * A legacy asset: at apply time its fresh link is read from the legacy job and passed as `url`, so no signed
   * link is ever written into the plan.
   */
  z.object({
    legacyAssetId: z.string().check(z.minLength(1)),
    legacyJobId: z.string().check(z.minLength(1)),
  }),
]);
/** See {@link PlannedSourceSchema}. */
export type PlannedSource = z.infer<typeof PlannedSourceSchema>;

/** One target of a planned task, in the Tasks request shape. */
export const PlannedTargetSchema = z.object({
  model: z.string().check(z.minLength(1)),
  formats: z.array(z.string()).check(z.minLength(1)),
  residual: z.optional(z.boolean()),
  variant: z.optional(z.string()),
  language: z.optional(z.string()),
  transcriptUrl: z.optional(z.string()),
  transcriptAssetId: z.optional(z.string()),
});
/** See {@link PlannedTargetSchema}. */
export type PlannedTarget = z.infer<typeof PlannedTargetSchema>;

/** One task to create: its idempotency key, source, targets and the `metadata` string it carries. */
export const PlannedTaskSchema = z.object({
  key: z.string().check(z.minLength(1)),
  source: PlannedSourceSchema,
  targets: z.array(PlannedTargetSchema).check(z.minLength(1)),
  /** The task's `metadata`: the migration key, plus the jobs' `customProperty` values by target. */
  metadata: z.string(),
});
/** See {@link PlannedTaskSchema}. */
export type PlannedTask = z.infer<typeof PlannedTaskSchema>;

/** How one legacy field fared: carried over, dropped, or dropped with a change in what is produced. */
export const FieldReportSchema = z.object({
  field: z.string(),
  outcome: z.enum(['mapped', 'dropped', 'behaviour-change']),
  /** The Tasks field it maps to, or why it cannot. */
  detail: z.string(),
  /** How many legacy jobs carry it. */
  jobs: z.number(),
  /** A few of those jobs' ids. */
  examples: z.array(z.string()),
});
/** See {@link FieldReportSchema}. */
export type FieldReport = z.infer<typeof FieldReportSchema>;

/**
 * A migration plan: the tasks to create, where each legacy job lands (`legacyJobId → (taskKey,
 * targetIndex)`), and a report of every legacy field. Written by `planMigration`, run by `applyPlan`.
 *
 * @example
 * ```ts
 * const plan: MigrationPlan = MigrationPlanSchema.parse(JSON.parse(await readFile('plan.json', 'utf8')));
 * ```
 */
export const MigrationPlanSchema = z.object({
  format: z.literal('stemkit-migration-plan/1'),
  /** A digest of the tasks: a journal belongs to exactly one plan. */
  id: z.string(),
  createdAt: z.string(),
  maxTargets: z.number(),
  tasks: z.array(PlannedTaskSchema),
  jobs: z.record(z.string(), z.object({ task: z.string(), target: z.number() })),
  fields: z.array(FieldReportSchema),
});
/** See {@link MigrationPlanSchema}. */
export type MigrationPlan = z.infer<typeof MigrationPlanSchema>;

/**
 * Reads and validates a plan file; anything but a plan written by `planMigration` is an
 * `InvalidArgumentError` naming the first bad field.
 *
 * @example
 * ```ts
 * const plan = await readPlan('plan.json');
 * ```
 */
export async function readPlan(path: string): Promise<MigrationPlan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError('plan', `${path} is not a JSON file`, { cause: error });
  }
  const parsed = z.safeParse(MigrationPlanSchema, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError('plan', `${path}: ${issue?.path.join('.') || 'plan'}: ${issue?.message}`);
  }
  const keys = new Set(parsed.data.tasks.map((task) => task.key));
  for (const [jobId, place] of Object.entries(parsed.data.jobs)) {
    if (!keys.has(place.task))
      throw new InvalidArgumentError('plan', `${path}: job ${jobId} points at no task`);
  }
  return parsed.data;
}

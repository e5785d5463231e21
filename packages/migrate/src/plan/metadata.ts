/** The name under which a task's `metadata` JSON carries its plan key. */
export const MIGRATION_KEY_FIELD = 'stemkitMigration';

/** The `metadata` text limit of a task. */
export const TASK_METADATA_LIMIT = 4096;

/**
 * The `metadata` string of a migrated task: JSON holding the plan key (so a resumed apply finds the task on
 * the provider) and, when the legacy jobs had any, their `customProperty` values keyed by target.
 *
 * @example
 * ```ts
 * taskMetadata('m-3f2a…', { vocals: 'order 42' });
 * // '{"stemkitMigration":"m-3f2a…","customProperty":{"vocals":"order 42"}}'
 * ```
 */
export function taskMetadata(key: string, customProperty?: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ [MIGRATION_KEY_FIELD]: key, ...(customProperty ? { customProperty } : {}) });
}

/**
 * The plan key in a task's `metadata`, or `undefined` when the task was not created by a migration.
 *
 * @example
 * ```ts
 * migrationKeyOf(job.metadata); // 'm-3f2a…'
 * ```
 */
export function migrationKeyOf(metadata: string | undefined | null): string | undefined {
  if (!metadata?.includes(MIGRATION_KEY_FIELD)) return undefined;
  try {
    const value: unknown = JSON.parse(metadata);
    if (typeof value !== 'object' || value === null) return undefined;
    const key = (value as Record<string, unknown>)[MIGRATION_KEY_FIELD];
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * stemkit drivers for AudioShake: {@link audioshakeLegacy} for the legacy job/asset API, {@link audioshakeTasks}
 * for the Tasks API, the schemas and readers of their payloads (what a job's `raw` holds), and the catalog of
 * AudioShake models and formats.
 *
 * @packageDocumentation
 */

export { type AudioShakeLegacyDriver, audioshakeLegacy, LEGACY_CAPABILITIES } from './legacy/driver.ts';
export { legacyHandle } from './legacy/legacy-handle.ts';
export { type AudioShakeLegacyOptions, LEGACY_SETTINGS } from './legacy/options.ts';
export { legacyAssetOf, legacyJobsOf, legacyJobToNeutral } from './legacy/to-neutral.ts';
export { legacyUsageOf } from './legacy/usage.ts';
export {
  type LegacyAsset,
  LegacyAssetSchema,
  type LegacyJob,
  type LegacyJobMetadata,
  LegacyJobMetadataSchema,
  type LegacyJobRequest,
  LegacyJobSchema,
  type LegacyRequestMetadata,
  type LegacyUsage,
  LegacyUsageSchema,
  legacyJobMetadata,
  legacyJobModel,
  legacyJobOutputs,
  unwrapJob,
} from './legacy/wire.ts';
export {
  AUDIOSHAKE_AUDIO_FORMATS,
  AUDIOSHAKE_FORMATS,
  AUDIOSHAKE_MODELS,
  AUDIOSHAKE_TEXT_FORMATS,
  type AudioShakeModel,
  expandLegacyFormat,
  modelOfStem,
  stemOfModel,
} from './shared/catalog.ts';
export { type AudioShakeTasksDriver, audioshakeTasks, TASKS_CAPABILITIES } from './tasks/driver.ts';
export { type AudioShakeTasksOptions, TASKS_SETTINGS } from './tasks/options.ts';
export { taskOf, tasksAssetOf, taskToNeutral } from './tasks/to-neutral.ts';
export type { TasksUsageMonth } from './tasks/usage.ts';
export {
  type TasksAsset,
  TasksAssetSchema,
  type TasksOutput,
  TasksOutputSchema,
  type TasksTarget,
  type TasksTargetRequest,
  TasksTargetSchema,
  type TasksTask,
  type TasksTaskRequest,
  TasksTaskSchema,
} from './tasks/wire.ts';

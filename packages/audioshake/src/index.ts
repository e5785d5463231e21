/**
 * stemkit drivers for AudioShake: {@link audioshakeLegacy} for the legacy job/asset API, {@link audioshakeTasks}
 * for the Tasks API, and the pure mapping functions between the legacy API, the neutral model and Tasks that
 * migration tooling builds on.
 *
 * @packageDocumentation
 */

export { parseLegacyCallback } from './legacy/callbacks.ts';
export { type AudioShakeLegacyDriver, audioshakeLegacy, LEGACY_CAPABILITIES } from './legacy/driver.ts';
export {
  LEGACY_PROVIDER,
  type LegacyTargetParts,
  legacyAssetToNeutral,
  legacyJobFailure,
  legacyJobMetadata,
  legacyJobModel,
  legacyJobOutputs,
  legacyJobsOf,
  legacyJobToNeutral,
  legacyStatusToNeutral,
  legacyTargetsToNeutralJob,
  legacyTargetToNeutral,
  unwrapJob,
} from './legacy/mapping.ts';
export { type AudioShakeLegacyOptions, LEGACY_DEFAULT_BASE_URL } from './legacy/options.ts';
export {
  type LegacyAsset,
  LegacyAssetSchema,
  type LegacyJob,
  LegacyJobEnvelopeSchema,
  type LegacyJobMetadata,
  LegacyJobMetadataSchema,
  type LegacyJobRequest,
  LegacyJobSchema,
  type LegacyRequestMetadata,
  LegacySourceAssetSchema,
  type LegacyUsage,
  LegacyUsageSchema,
} from './legacy/schemas.ts';
export { legacyModelToTaskModel } from './mapping/models.ts';
export {
  type ConsolidatedTask,
  type ConsolidationOptions,
  type LegacyTaskTarget,
  legacyJobRequestToTarget,
  legacyRequestsToTasks,
  targetKey,
} from './mapping/requests.ts';
export {
  type LegacyTaskRecord,
  legacyAssetToTaskAsset,
  legacyJobToTaskRecord,
  legacyUsageToTaskStatistics,
} from './mapping/responses.ts';
export type { DroppedField, MappingResult } from './mapping/result.ts';
export { legacyRouteToTasks, type TasksRoute } from './mapping/routes.ts';
export { legacyStatusToTaskStatus, type TasksTargetStatus } from './mapping/status.ts';
export { outputRole } from './shared/assets.ts';
export {
  AUDIOSHAKE_AUDIO_FORMATS,
  AUDIOSHAKE_FORMATS,
  AUDIOSHAKE_TEXT_FORMATS,
  expandLegacyFormat,
} from './shared/formats.ts';
export type { TransportOptions } from './shared/http.ts';
export {
  AUDIOSHAKE_MODELS,
  type AudioShakeModel,
  LEGACY_ONLY_MODELS,
  modelOfStem,
  stemOfModel,
} from './shared/models.ts';
export { type AudioShakeTasksDriver, audioshakeTasks } from './tasks/driver.ts';
export {
  TASKS_ASSET_LIFETIME_MS,
  TASKS_LINK_LIFETIME_MS,
  TASKS_PROVIDER,
  taskOf,
  tasksAssetToNeutral,
  tasksStatusToNeutral,
  tasksTargetToNeutral,
  taskToNeutral,
} from './tasks/mapping.ts';
export { type AudioShakeTasksOptions, TASKS_DEFAULT_BASE_URL } from './tasks/options.ts';
export {
  type TasksAsset,
  TasksAssetSchema,
  type TasksOutput,
  TasksOutputSchema,
  TasksPageSchema,
  type TasksTarget,
  type TasksTargetRequest,
  TasksTargetSchema,
  type TasksTask,
  type TasksTaskRequest,
  TasksTaskSchema,
  TasksUsageSchema,
} from './tasks/schemas.ts';
export type { TasksUsageMonth } from './tasks/usage.ts';
export { parseTasksWebhook } from './tasks/webhooks.ts';

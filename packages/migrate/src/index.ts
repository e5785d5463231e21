/**
 * Migration from AudioShake's legacy job API to the Tasks API: read stored legacy jobs
 * ({@link parseLegacyExport}, {@link fetchLegacyJobs}), plan the Tasks requests ({@link planMigration}), apply
 * them resumably with a journal ({@link applyPlan}), verify the result ({@link verifyMigration}), convert stored
 * payloads ({@link convertLegacyJob}), and serve the legacy API over any stemkit driver ({@link createGateway}).
 * Underneath is the legacy → Tasks field map: requests ({@link legacyRequestsToTasks}), responses
 * ({@link legacyJobToTaskRecord}), routes, statuses and models, each reporting what it drops.
 *
 * @packageDocumentation
 */

export { type ApplyEvent, type ApplyOptions, type ApplyResult, applyPlan } from './apply/apply.ts';
export { buildMapping, type MigrationMapping } from './apply/mapping.ts';
export { findTasksByKey } from './apply/reconcile.ts';
export { GATEWAY_HELP, runGatewayCommand } from './commands/gateway.ts';
export { type CommandIo, MIGRATE_EXIT_CODE } from './commands/io.ts';
export { MIGRATE_HELP, runMigrateCommand } from './commands/main.ts';
export {
  type ConvertedJob,
  type ConvertTarget,
  convertExport,
  convertLegacyCallback,
  convertLegacyJob,
} from './convert/convert.ts';
export { InputFileError, type LineIssue } from './export/errors.ts';
export { type FetchLegacyJobsOptions, fetchLegacyJobs, formatLegacyExport } from './export/fetch-export.ts';
export {
  type LegacyExport,
  parseJobIdList,
  parseLegacyExport,
  readLegacyExport,
} from './export/read-export.ts';
export { createGateway, type Gateway } from './gateway/app.ts';
export type { GatewayOptions } from './gateway/options.ts';
export type { NetworkAccess } from './gateway/outbound.ts';
export { type PostgresGatewayStore, postgresGatewayStore } from './gateway/postgres-store.ts';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './gateway/server.ts';
export {
  fileGatewayStore,
  type GatewayAsset,
  type GatewayJob,
  type GatewayStore,
  type LegacyStatus,
  memoryGatewayStore,
} from './gateway/store.ts';
export {
  type CreatedTarget,
  CreatedTargetSchema,
  Journal,
  type JournalRecord,
  JournalRecordSchema,
  type KeyState,
} from './journal/journal.ts';
export type { DroppedField, MappingResult } from './legacy-to-tasks/dropped.ts';
export { legacyModelToTaskModel } from './legacy-to-tasks/models.ts';
export {
  type ConsolidatedTask,
  type ConsolidationOptions,
  type LegacyTaskTarget,
  legacyJobRequestToTarget,
  legacyRequestsToTasks,
  targetKey,
} from './legacy-to-tasks/requests.ts';
export {
  type LegacyTaskRecord,
  legacyAssetToTaskAsset,
  legacyJobToTaskRecord,
  legacyUsageToTaskStatistics,
} from './legacy-to-tasks/responses.ts';
export { legacyRouteToTasks, type TasksRoute } from './legacy-to-tasks/routes.ts';
export { legacyStatusToTaskStatus, type TasksTargetStatus } from './legacy-to-tasks/status.ts';
export { MIGRATION_KEY_FIELD, migrationKeyOf, taskMetadata } from './plan/metadata.ts';
export { type PlanOptions, planMigration, type SourceOverride } from './plan/plan.ts';
export { legacyJobToRequest } from './plan/requests.ts';
export {
  type FieldReport,
  FieldReportSchema,
  type MigrationPlan,
  MigrationPlanSchema,
  type PlannedSource,
  PlannedSourceSchema,
  type PlannedTarget,
  PlannedTargetSchema,
  type PlannedTask,
  PlannedTaskSchema,
  readPlan,
} from './plan/schema.ts';
export { planSummaryMarkdown, verifyReportMarkdown } from './report/markdown.ts';
export {
  type JobVerification,
  type VerifyOptions,
  type VerifyReport,
  verifyMigration,
} from './verify/verify.ts';

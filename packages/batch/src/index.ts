/**
 * Catalogue-scale separation: many tracks through one stemkit client, with a durable ledger, resume, a rate
 * limit per provider account and workers on any number of machines. The engine is pg-boss, on PostgreSQL
 * ({@link openBatchQueue} with a `url`) or in-process on PGlite (with a `directory`): one code path either way.
 *
 * @packageDocumentation
 */
export { type ExistingOutputs, ExistingOutputsError } from './existing.ts';
export type { SkippedEntry } from './folder.ts';
export {
  AUDIO_EXTENSIONS,
  BatchInput,
  type IntakeProgress,
  ManifestError,
  type ReadBatchInputOptions,
  readBatchInput,
} from './input.ts';
export type { BatchItem } from './items.ts';
export type { TrackOutput, TrackState } from './ledger.ts';
export { BatchQueue, type BatchQueueOptions, openBatchQueue, type RateLimitOptions } from './queue.ts';
export { writeBatchReport } from './report.ts';
export {
  type BatchCallbacks,
  type BatchCounts,
  type BatchEvent,
  type BatchOptions,
  batchResults,
  defaultBatchId,
  runBatch,
  runWorker,
  type TrackResult,
  type WorkerOptions,
} from './run.ts';
export { type WatchOptions, watchFolder } from './watch.ts';

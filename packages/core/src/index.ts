/**
 * The provider-neutral heart of stemkit, as applications use it: the client (`createStemkit`), the model
 * (`Job`, `Asset`, statuses, handles) and the errors. Drivers import `@stemkit/core/driver` instead.
 *
 * @packageDocumentation
 */

export * from './client/index.ts';
export type { BatchedStatus, CapabilityMatrix, DriverCapabilities } from './driver/capabilities.ts';
export type { CallbackHint, StemkitDriver } from './driver/contract.ts';
export * from './errors.ts';
export { type Logger, silentLogger } from './logger.ts';
export * from './model/asset.ts';
export * from './model/handle.ts';
export * from './model/job.ts';
export * from './model/names.ts';
export * from './model/status.ts';
export * from './model/usage.ts';
export { redact, registerSecret } from './secrets.ts';

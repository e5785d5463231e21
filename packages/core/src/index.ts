/**
 * The provider-neutral heart of stemkit: the model (`Job`, `Asset`, statuses), the versioned driver contract,
 * the client, errors, and the HTTP toolkit drivers share.
 *
 * @packageDocumentation
 */

export * from './client/index.ts';
export * from './driver/capabilities.ts';
export * from './driver/contract.ts';
export * from './errors.ts';
export * from './http/client.ts';
export * from './http/errors.ts';
export * from './http/multipart.ts';
export * from './http/retry-after.ts';
export * from './http/token-cache.ts';
export * from './logger.ts';
export * from './model/asset.ts';
export * from './model/handle.ts';
export * from './model/job.ts';
export * from './model/names.ts';
export * from './model/status.ts';
export * from './secrets.ts';
export * from './validation.ts';

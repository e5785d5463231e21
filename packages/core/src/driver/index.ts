/**
 * The entry a driver imports: the versioned contract, capabilities, `defineDriver` (settings, clock, handles,
 * payload parsing), the HTTP toolkit, the zod/mini schema builders (`z`), and the model and errors a driver maps
 * onto. Applications import `@stemkit/core`.
 *
 * @packageDocumentation
 */

export type { LocalFile, LocalStore } from '../client/local-store.ts';
export {
  type AudioSniff,
  type PeekedStream,
  peekStream,
  SNIFF_BYTES,
  type SniffedFormat,
  sniffAudio,
} from '../client/sniff.ts';
export * from '../errors.ts';
export * from '../http/client.ts';
export * from '../http/errors.ts';
export * from '../http/multipart.ts';
export * from '../http/retry-after.ts';
export * from '../http/token-cache.ts';
export * from '../logger.ts';
export * from '../model/asset.ts';
export * from '../model/handle.ts';
export * from '../model/job.ts';
export * from '../model/names.ts';
export * from '../model/status.ts';
export * from '../model/usage.ts';
export * from '../secrets.ts';
export * from '../validation.ts';
export * from './capabilities.ts';
export * from './contract.ts';
export * from './define.ts';
export * from './kits/fan-out.ts';
export * from './kits/outputs.ts';
export * from './kits/status-table.ts';
export * from './kits/upload.ts';
export * from './links.ts';
export * from './payload.ts';
export * as z from './schema.ts';
export * from './settings.ts';
export * from './source.ts';
export * from './webhooks.ts';

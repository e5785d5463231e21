/**
 * The stemkit driver for Demucs on Replicate: upload through the Files API or start from a URL, separate into
 * four or six stems, follow the prediction, download, cancel, list, and verify Replicate's signed webhooks —
 * all through stemkit's one interface.
 *
 * @packageDocumentation
 */

export { parseReplicatePrediction, replicatePredictionOf } from './accessors.ts';
export { DEMUCS_NETWORKS, DEMUCS_VERSIONS, REPLICATE_FORMATS, stemsOfNetwork } from './catalog.ts';
export { type ReplicateDriver, replicate, replicateCapabilities } from './driver.ts';
export {
  REPLICATE_PROVIDER,
  REPLICATE_RATE_LIMITS,
  REPLICATE_SETTINGS,
  type ReplicateDemucsModel,
  type ReplicateDriverOptions,
} from './options.ts';
export { ReplicateFile, ReplicatePrediction } from './wire.ts';

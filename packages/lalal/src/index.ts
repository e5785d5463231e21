/**
 * The stemkit driver for LALAL.AI's v1 API: upload, separate up to twelve stems with residuals over the stem
 * separator, multistem, demuser and voice cleaner, follow many jobs with one batched check, cancel, delete a
 * source with its results, and read the minutes left — through stemkit's one interface.
 *
 * @packageDocumentation
 */

export { lalalTasksOf, lalalTrackOf, lalalUploadOf } from './accessors.ts';
export { IdempotencyKeyUsedError } from './api.ts';
export { LALAL_FORMATS, LALAL_SPLITTERS, LALAL_STEMS, type LalalSplitter } from './catalog.ts';
export { LALAL_CAPABILITIES, type LalalDriver, lalal } from './driver.ts';
export {
  DEFAULT_BASE_URL,
  DEFAULT_CHECKS_PER_MINUTE,
  LALAL_DISPLAY_NAME,
  LALAL_SETTINGS,
  type LalalDriverOptions,
} from './options.ts';
export type {
  CheckEntry as LalalCheckEntry,
  MinutesLeftResponse as LalalMinutesLeft,
  SplitTrack as LalalTrack,
  UploadResponse as LalalUpload,
} from './wire.ts';

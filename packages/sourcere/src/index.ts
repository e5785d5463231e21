/**
 * The stemkit driver for the signed-URL Separation API (Sourcere): upload, separate (vocals + instrumental, or
 * vocals, drums, bass and other), follow the event log, download in four formats, mix and zip — all through
 * stemkit's one interface.
 *
 * @packageDocumentation
 */

export { SOURCERE_CAPABILITIES, type SourcereDriver, sourcere } from './driver.ts';
export {
  DEFAULT_BASE_URL,
  DEFAULT_ENDPOINTS,
  SOURCERE_SETTINGS,
  type SourcereDriverOptions,
  type SourcereEndpoints,
} from './options.ts';
export {
  type SourcereSeparation,
  type SourcereUpload,
  sourcereSeparationOf,
  sourcereUploadOf,
} from './to-neutral.ts';
export type {
  MetadataResponse as SourcereMetadata,
  ProgressEntry as SourcereProgressEntry,
  ProgressResponse as SourcereProgress,
} from './wire.ts';

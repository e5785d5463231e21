/**
 * An offline, faithful emulator of the Sourcere Separation API, the AudioShake legacy job/asset API and the
 * AudioShake Tasks API, doing real audio work with @stemkit/audio. Served over loopback HTTP
 * ({@link startEmulator}) or as msw handlers ({@link createEmulatorHandlers}).
 *
 * @packageDocumentation
 */
export type { EmulatedApiHandles } from './apis.ts';
export type { CallbackDelivery } from './callbacks.ts';
export {
  type ApiName,
  type FailJobsRule,
  FaultController,
  type FaultMatcher,
  type FaultOptions,
  type FaultRule,
  type FaultTrigger,
} from './faults.ts';
export type { ResponseObserver } from './http/node-listener.ts';
export {
  createEmulatorHandlers,
  type EmulatorHandlers,
  type EmulatorHandlersOptions,
  emulatorBaseUrls,
} from './msw.ts';
export {
  defaultCredentials,
  type EmulatorCredentials,
  type EmulatorOptions,
  type ProcessingOptions,
} from './options.ts';
export type { MusicWindow, TimedWord, TranscriptDocument, TranscriptLine } from './processing/text.ts';
export { basePaths, type RunningEmulator, type StartEmulatorOptions, startEmulator } from './server.ts';

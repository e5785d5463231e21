/**
 * The stemkit driver for ElevenLabs stem separation: one synchronous multipart call takes the audio in and
 * answers a ZIP of stems, which is streamed into the client's local store (never held whole in memory).
 *
 * @packageDocumentation
 */

export { type ElevenLabsOutputRaw, elevenLabsOutput } from './accessors.ts';
export { readElevenLabsError } from './api.ts';
export { ELEVENLABS_FORMATS, ELEVENLABS_STEMS, SIX_STEMS, TWO_STEMS } from './catalog.ts';
export {
  ELEVENLABS_CAPABILITIES,
  ELEVENLABS_DEFAULT_CONCURRENCY,
  type ElevenLabsDriver,
  elevenlabs,
} from './driver.ts';
export {
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  ELEVENLABS_SETTINGS,
  type ElevenLabsDriverOptions,
  type ElevenLabsProviderOptions,
} from './options.ts';
export { stemOfEntry } from './to-neutral.ts';
export { ELEVENLABS_OUTPUT_FORMATS, type ElevenLabsOutputFormat, type StemVariation } from './wire.ts';

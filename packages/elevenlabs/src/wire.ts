import { z } from '@stemkit/core/driver';

/**
 * Every `output_format` the API takes (`codec_samplerate[_bitrate]`); one applies to every stem of a call.
 *
 * @example
 * ```ts
 * ELEVENLABS_OUTPUT_FORMATS.includes('mp3_44100_128'); // true
 * ```
 */
export const ELEVENLABS_OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_24000_48',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_32000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
  'alaw_8000',
  'opus_48000_32',
  'opus_48000_64',
  'opus_48000_96',
  'opus_48000_128',
  'opus_48000_192',
] as const;

/** One of {@link ELEVENLABS_OUTPUT_FORMATS}. */
export type ElevenLabsOutputFormat = (typeof ELEVENLABS_OUTPUT_FORMATS)[number];

/** The two stem sets: six stems (the API's default) or vocals and the rest. */
export type StemVariation = 'six_stems_v1' | 'two_stems_v1';

/** The error body: `{"detail": {"status": "invalid_api_key", "message": "…"}}`, or FastAPI's 422 list. */
export const ErrorBody = z.object({
  detail: z.union([
    z.object({ status: z.optional(z.string()), message: z.optional(z.string()) }),
    z.array(
      z.object({
        loc: z.optional(z.array(z.union([z.string(), z.number()]))),
        msg: z.optional(z.string()),
      }),
    ),
    z.string(),
  ]),
});

import { type AudioFormat, decodeAudio, encodeAudio, mix, zip } from '@stemkit/audio';
import type { StemkitPlugin } from '@stemkit/core';

/**
 * The client plugin that mixes and zips stems on this machine, with `@stemkit/audio`, for drivers whose provider
 * cannot. The client calls it only when the driver has no `mix`/`zip` of its own, so every provider offers both
 * with the same result shape. Core stays free of audio code: apps opt in by passing it.
 *
 * @example
 * ```ts
 * const stemkit = createStemkit({ driver, plugins: [localAudio()] });
 * await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'wav' });
 * ```
 */
export function localAudio(): StemkitPlugin {
  return {
    name: 'local-audio',
    async mix(input) {
      const tracks = await Promise.all(
        input.tracks.map(async (track) => ({
          audio: await decodeAudio(track.data, { format: track.format as AudioFormat }),
          volume: track.volume,
          pan: track.pan,
        })),
      );
      const format = input.format as AudioFormat;
      return { data: await encodeAudio(mix(tracks), format), format, name: input.name };
    },
    async zip(input) {
      return { data: await zip(input.files), name: input.name };
    },
  };
}

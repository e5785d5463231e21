import { decodeAudio, encodeAudio } from './codec/index.ts';
import { isWav, readWavLayout, type WavBitDepth } from './codec/wav.ts';
import { mix } from './edit/mix.ts';
import { AUDIO_FORMATS, type AudioFormat } from './types.ts';
import { zip } from './zip.ts';

/**
 * The shape of a stemkit client plugin offering local `mix`, `zip` and `convert`. It matches `StemkitPlugin`
 * from `@stemkit/core` structurally, so this package needs no dependency on core.
 */
export interface LocalAudioPlugin {
  /** Identifies the plugin to the client; always `'local-audio'`. */
  readonly name: 'local-audio';
  /** The formats it reads and writes: wav, mp3, m4a, flac and aiff (all but wav through ffmpeg). */
  readonly formats: readonly AudioFormat[];
  /**
   * Decodes each track, mixes them at their volume (0–1) and pan (−1 to 1), and encodes the result as `format`.
   *
   * @example
   * ```ts
   * const { data } = await localAudio().mix({
   *   tracks: [{ stem: 'vocals', volume: 1, pan: 0, data: wav, format: 'wav' }],
   *   format: 'wav',
   *   name: 'mix',
   * });
   * ```
   */
  mix(input: {
    tracks: Array<{ stem: string; volume: number; pan: number; data: Uint8Array; format: string }>;
    format: string;
    name: string;
  }): Promise<{ data: Uint8Array; format: string; name: string }>;
  /**
   * Packs the files into one zip archive named `name`.
   *
   * @example
   * ```ts
   * const { data } = await localAudio().zip({ files: [{ name: 'vocals.wav', data: wav }], name: 'stems.zip' });
   * ```
   */
  zip(input: {
    files: Array<{ name: string; data: Uint8Array }>;
    name: string;
  }): Promise<{ data: Uint8Array; name: string }>;
  /**
   * Decodes a file in `format` and encodes it as `to`: how the client delivers a format the provider does not
   * (m4a from AudioShake, aiff from Sourcere).
   *
   * @example
   * ```ts
   * const { data } = await localAudio().convert({ data: wav, format: 'wav', to: 'm4a' });
   * ```
   */
  convert(input: {
    data: Uint8Array;
    format: string;
    to: string;
  }): Promise<{ data: Uint8Array; format: string }>;
}

/**
 * The client plugin that mixes, zips and converts stems on this machine for drivers whose provider cannot. The
 * client calls it only when the driver has no `mix`/`zip` of its own (or not in the format asked), and for a
 * download in a format the driver does not declare, so every provider offers all of them with the same result
 * shape; core stays free of audio code because apps opt in by passing it.
 *
 * @example
 * ```ts
 * const stemkit = createStemkit({ driver, plugins: [localAudio()] });
 * await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'wav' });
 * ```
 */
export function localAudio(): LocalAudioPlugin {
  return {
    name: 'local-audio',
    formats: AUDIO_FORMATS,
    async mix(input) {
      const tracks = await Promise.all(
        input.tracks.map(async (track) => ({
          audio: await decodeAudio(track.data, { format: track.format as AudioFormat }),
          volume: track.volume,
          pan: track.pan,
        })),
      );
      const format = input.format as AudioFormat;
      // At the stems' bit depth (the deepest of them), as a provider's own mix is: never 16-bit from 24-bit stems.
      const bitDepth = Math.max(...input.tracks.map((track) => bitDepthOf(track.data))) as WavBitDepth;
      return { data: await encodeAudio(mix(tracks), format, { bitDepth }), format, name: input.name };
    },
    async zip(input) {
      return { data: await zip(input.files), name: input.name };
    },
    async convert(input) {
      const audio = await decodeAudio(input.data, { format: input.format as AudioFormat });
      const to = input.to as AudioFormat;
      return { data: await encodeAudio(audio, to, { bitDepth: bitDepthOf(input.data) }), format: to };
    },
  };
}

/**
 * The bit depth to write audio decoded from `data` at: a WAV's own (24-bit stays 24-bit, float 32-bit), 16 for
 * 8- and 16-bit WAV and for other formats, whose depth the header does not carry.
 */
function bitDepthOf(data: Uint8Array): WavBitDepth {
  if (!isWav(data)) return 16;
  try {
    const { encoding, bitsPerSample } = readWavLayout(data);
    if (encoding === 'float' || bitsPerSample === 32) return 32;
    return bitsPerSample === 24 ? 24 : 16;
  } catch {
    // Decoding reports a broken header in its own words.
    return 16;
  }
}

/** The container formats stemkit reads and writes. WAV is native; the others go through ffmpeg. */
export type AudioFormat = 'wav' | 'mp3' | 'm4a' | 'flac' | 'aiff';

/** Every {@link AudioFormat}, in a stable order. */
export const AUDIO_FORMATS: readonly AudioFormat[] = ['wav', 'mp3', 'm4a', 'flac', 'aiff'];

/**
 * Planar float PCM, samples in [-1, 1]; `channels.length` is 1 or 2 and all channels have the same length.
 *
 * @example
 * ```ts
 * const silence: PcmAudio = { sampleRate: 44_100, channels: [new Float32Array(44_100)] };
 * ```
 */
export interface PcmAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** What {@link probeAudio} learns about a file without decoding all of it when it can avoid to. */
export interface AudioInfo {
  format: AudioFormat;
  durationSeconds: number;
  channels: number;
  sampleRate: number;
  frames: number;
}

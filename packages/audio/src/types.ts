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
  /** Frames per second, in Hz: a positive integer such as 44 100 or 48 000. */
  sampleRate: number;
  /** One array per channel (1 for mono, 2 for left then right), each holding one sample per frame. */
  channels: Float32Array[];
}

/** What {@link probeAudio} learns about a file without decoding all of it when it can avoid to. */
export interface AudioInfo {
  /** The container, recognized from the bytes themselves, never from a file name. */
  format: AudioFormat;
  /** Length in seconds; for formats other than WAV, as ffprobe reports it (for some mp3, a bitrate guess). */
  durationSeconds: number;
  /** Channel count: 1 or 2 for WAV; other formats may report more, which decoding downmixes to stereo. */
  channels: number;
  /** Frames per second, in Hz. */
  sampleRate: number;
  /** Samples per channel: exact for WAV, else `durationSeconds × sampleRate`, rounded. */
  frames: number;
}

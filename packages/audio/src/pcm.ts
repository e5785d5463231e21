import { AudioError } from './errors.ts';
import type { PcmAudio } from './types.ts';

/** Number of frames (samples per channel) of `audio`. */
export function frameCount(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0;
}

/** Throws `invalid-argument` unless `audio` is 1 or 2 equally long channels at a positive sample rate. */
export function assertPcm(audio: PcmAudio, label = 'audio'): void {
  const { channels, sampleRate } = audio;
  if (!Number.isFinite(sampleRate) || sampleRate <= 0 || !Number.isInteger(sampleRate)) {
    throw new AudioError(
      'invalid-argument',
      `${label}: sample rate must be a positive integer, got ${sampleRate}`,
    );
  }
  if (channels.length !== 1 && channels.length !== 2) {
    throw new AudioError('invalid-argument', `${label}: expected 1 or 2 channels, got ${channels.length}`);
  }
  const length = channels[0]!.length;
  if (channels.some((channel) => channel.length !== length)) {
    throw new AudioError('invalid-argument', `${label}: all channels must have the same length`);
  }
}

/** A silent buffer shaped like the arguments. */
export function silence(sampleRate: number, channelCount: number, frames: number): PcmAudio {
  return { sampleRate, channels: Array.from({ length: channelCount }, () => new Float32Array(frames)) };
}

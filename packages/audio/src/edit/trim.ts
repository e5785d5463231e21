import { AudioError } from '../errors.ts';
import { assertPcm, frameCount } from '../pcm.ts';
import type { PcmAudio } from '../types.ts';

/**
 * Cuts the window of `seconds` starting at `start` (seconds), sample-exact: frames
 * `[round(start · rate), round(start · rate) + round(seconds · rate))`, clipped to the audio. Returns a copy.
 *
 * @example
 * ```ts
 * const preview = trim(audio, { start: 30, seconds: 15 });
 * ```
 */
export function trim(audio: PcmAudio, window: { start: number; seconds: number }): PcmAudio {
  assertPcm(audio);
  const { start, seconds } = window;
  if (!(Number.isFinite(start) && start >= 0) || !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new AudioError(
      'invalid-argument',
      `trim window must have finite, non-negative start and seconds, got ${start} and ${seconds}`,
    );
  }
  const frames = frameCount(audio);
  const first = Math.min(frames, Math.round(start * audio.sampleRate));
  const last = Math.min(frames, first + Math.round(seconds * audio.sampleRate));
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((channel) => channel.slice(first, last)),
  };
}

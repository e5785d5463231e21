import { expect } from 'vitest';
import { AudioError, type AudioErrorCode, type PcmAudio } from '../src/index.ts';

/** A deterministic test signal: a few sines plus seeded noise, distinct per channel, within [-0.9, 0.9]. */
export function testSignal(
  options: { sampleRate?: number; channels?: number; seconds?: number } = {},
): PcmAudio {
  const { sampleRate = 44_100, channels = 2, seconds = 1 } = options;
  const frames = Math.round(seconds * sampleRate);
  let state = 12_345;
  const noise = () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state / 4_294_967_296 - 0.5;
  };
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, channel) => {
      const data = new Float32Array(frames);
      for (let frame = 0; frame < frames; frame++) {
        const time = frame / sampleRate;
        data[frame] =
          0.4 * Math.sin(2 * Math.PI * (220 + 110 * channel) * time) +
          0.3 * Math.sin(2 * Math.PI * 1375 * time) +
          0.2 * noise();
      }
      return data;
    }),
  };
}

/** Largest absolute sample difference between two equally shaped buffers. */
export function maxDifference(first: PcmAudio, second: PcmAudio): number {
  expect(second.channels.length).toBe(first.channels.length);
  let worst = 0;
  first.channels.forEach((channel, index) => {
    const other = second.channels[index]!;
    expect(other.length).toBe(channel.length);
    for (let frame = 0; frame < channel.length; frame++)
      worst = Math.max(worst, Math.abs(channel[frame]! - other[frame]!));
  });
  return worst;
}

/** Asserts that `work` rejects (or throws) an {@link AudioError} with `code`. */
export async function expectAudioError(work: () => unknown, code: AudioErrorCode): Promise<AudioError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(AudioError);
    expect((error as AudioError).code, (error as Error).message).toBe(code);
    return error as AudioError;
  }
  throw new Error(`expected an AudioError with code ${code}, but nothing was thrown`);
}

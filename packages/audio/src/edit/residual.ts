import { AudioError } from '../errors.ts';
import { assertPcm, frameCount } from '../pcm.ts';
import type { PcmAudio } from '../types.ts';

/**
 * The rest of a mixture once a stem is taken out: `mixture − stem`, sample by sample.
 *
 * @example
 * ```ts
 * const { vocals } = await separate(audio, ['vocals']);
 * const backing = vocals && residual(audio, vocals);
 * ```
 */
export function residual(mixture: PcmAudio, stem: PcmAudio): PcmAudio {
  assertPcm(mixture, 'mixture');
  assertPcm(stem, 'stem');
  if (
    mixture.sampleRate !== stem.sampleRate ||
    mixture.channels.length !== stem.channels.length ||
    frameCount(mixture) !== frameCount(stem)
  ) {
    throw new AudioError(
      'invalid-argument',
      'residual needs a stem with the mixture’s sample rate, channel count and length',
    );
  }
  return {
    sampleRate: mixture.sampleRate,
    channels: mixture.channels.map((channel, index) => {
      const other = stem.channels[index]!;
      const output = new Float32Array(channel.length);
      for (let frame = 0; frame < channel.length; frame++) output[frame] = channel[frame]! - other[frame]!;
      return output;
    }),
  };
}

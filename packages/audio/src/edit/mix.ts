import { AudioError } from '../errors.ts';
import { assertPcm, frameCount, silence } from '../pcm.ts';
import type { PcmAudio } from '../types.ts';

/** One input of {@link mix}: `volume` 0–1 (default 1), `pan` −1 (left) … 1 (right) (default 0). */
export interface MixTrack {
  /** Mono or stereo; every track of one mix must share the first track's sample rate. */
  audio: PcmAudio;
  /** Linear gain from 0 (silent) to 1 (unchanged), default 1; values outside throw `invalid-argument`. */
  volume?: number;
  /** Position from −1 (hard left) through 0 (centre, the default) to 1 (hard right), constant-power law. */
  pan?: number;
}

/**
 * Left and right gains of the pan law: constant power (sin/cos), normalized to unity at the centre, so
 * gainLeft² + gainRight² = 2 everywhere, a centred track passes unchanged and a hard-panned one is +3 dB on its side.
 */
export function panGains(pan: number): [left: number, right: number] {
  const angle = ((pan + 1) * Math.PI) / 4;
  return [Math.SQRT2 * Math.cos(angle), Math.SQRT2 * Math.sin(angle)];
}

/**
 * Mixes tracks into one stereo track as long as the longest, with per-track volume and pan ({@link panGains}).
 * A mono track feeds both sides; a stereo track's pan acts as a balance on its two channels.
 *
 * @example
 * ```ts
 * const karaoke = mix([{ audio: stems.instrumental }, { audio: stems.vocals, volume: 0.2, pan: -0.5 }]);
 * ```
 */
export function mix(tracks: ReadonlyArray<MixTrack>): PcmAudio {
  if (tracks.length === 0) throw new AudioError('invalid-argument', 'mix needs at least one track');
  const sampleRate = tracks[0]!.audio.sampleRate;
  let frames = 0;
  tracks.forEach((track, index) => {
    assertPcm(track.audio, `track ${index}`);
    const { volume = 1, pan = 0 } = track;
    if (!(volume >= 0 && volume <= 1))
      throw new AudioError('invalid-argument', `track ${index}: volume must be in [0, 1], got ${volume}`);
    if (!(pan >= -1 && pan <= 1))
      throw new AudioError('invalid-argument', `track ${index}: pan must be in [-1, 1], got ${pan}`);
    if (track.audio.sampleRate !== sampleRate) {
      throw new AudioError(
        'invalid-argument',
        `track ${index}: sample rate ${track.audio.sampleRate} differs from ${sampleRate}`,
      );
    }
    frames = Math.max(frames, frameCount(track.audio));
  });
  const output = silence(sampleRate, 2, frames);
  for (const track of tracks) {
    const volume = track.volume ?? 1;
    const gains = panGains(track.pan ?? 0);
    for (let side = 0; side < 2; side++) {
      const source = track.audio.channels[Math.min(side, track.audio.channels.length - 1)]!;
      const target = output.channels[side]!;
      const gain = volume * gains[side]!;
      for (let frame = 0; frame < source.length; frame++)
        target[frame] = target[frame]! + source[frame]! * gain;
    }
  }
  return output;
}

import { describe, expect, it } from 'vitest';
import {
  encodeWav,
  type PcmAudio,
  residual,
  STEM_RECIPES,
  StemSeparator,
  separate,
  separateSet,
  separateToWav,
  stemRecipe,
  wavWriter,
} from '../src/index.ts';
import { synthesizeMixture } from '../src/synthetic/index.ts';
import { expectAudioError, maxDifference, testSignal } from './support.ts';

/** Sample-wise sum of several buffers of the same shape. */
function sum(parts: PcmAudio[]): PcmAudio {
  const first = parts[0]!;
  return {
    sampleRate: first.sampleRate,
    channels: first.channels.map((_, channel) => {
      const output = new Float32Array(first.channels[channel]!.length);
      for (const part of parts) {
        const data = part.channels[channel]!;
        for (let frame = 0; frame < output.length; frame++) output[frame] = output[frame]! + data[frame]!;
      }
      return output;
    }),
  };
}

const song = synthesizeMixture({ seed: 5, seconds: 4 }).mixture;

/** Tolerances, stated in the README: sets end with a remainder (float rounding only); mask-only sums see STFT error too. */
const SET_TOLERANCE = 1e-6;
const MASK_TOLERANCE = 1e-4;

describe('separation', () => {
  it('two and four stem sets sum back to the input', async () => {
    for (const set of ['two', 'four'] as const) {
      const stems = await separateSet(song, set);
      expect(Object.keys(stems)).toEqual(
        set === 'two' ? ['vocals', 'instrumental'] : ['vocals', 'drums', 'bass', 'other'],
      );
      expect(maxDifference(sum(Object.values(stems)), song)).toBeLessThan(SET_TOLERANCE);
    }
  });

  it('mask-computed stems of a set also sum to the input, within the STFT reconstruction error', async () => {
    const four = await separate(song, ['vocals', 'drums', 'bass', 'other']);
    expect(maxDifference(sum(Object.values(four)), song)).toBeLessThan(MASK_TOLERANCE);
    const two = await separate(song, ['vocals', 'instrumental']);
    expect(maxDifference(sum(Object.values(two)), song)).toBeLessThan(MASK_TOLERANCE);
  });

  it('keeps channel count, sample rate and length, for mono, odd rates and inputs shorter than a frame', async () => {
    for (const audio of [
      testSignal({ channels: 1, seconds: 0.7 }),
      testSignal({ sampleRate: 22_050, channels: 2, seconds: 0.33 }),
      testSignal({ sampleRate: 96_000, channels: 2, seconds: 0.2 }),
      testSignal({ sampleRate: 8_000, channels: 2, seconds: 0.01 }),
      { sampleRate: 44_100, channels: [new Float32Array(0)] },
    ]) {
      const stems = await separateSet(audio, 'four');
      for (const stem of Object.values(stems)) {
        expect(stem.sampleRate).toBe(audio.sampleRate);
        expect(stem.channels).toHaveLength(audio.channels.length);
        expect(stem.channels[0]).toHaveLength(audio.channels[0]!.length);
      }
      if (audio.channels[0]!.length > 0)
        expect(maxDifference(sum(Object.values(stems)), audio)).toBeLessThan(SET_TOLERANCE);
    }
  });

  it('computes every documented approximation from the input, never a copy of it', async () => {
    const names = Object.keys(STEM_RECIPES);
    const stems = await separate(song, names);
    for (const name of names) {
      const stem = stems[name]!;
      expect(maxDifference(stem, song), name).toBeGreaterThan(0.01);
      const energy = stem.channels.reduce(
        (total, channel) => total + channel.reduce((sum, sample) => sum + sample * sample, 0),
        0,
      );
      expect(energy, `${name} is silent`).toBeGreaterThan(0);
    }
    // The approximations are consistent with each other.
    expect(maxDifference(sum([stems.guitar!, stems['other-x-guitar']!]), stems.other!)).toBeLessThan(
      MASK_TOLERANCE,
    );
    expect(maxDifference(sum([stems.vocals_lead!, stems.vocals_backing!]), stems.vocals!)).toBeLessThan(
      MASK_TOLERANCE,
    );
    expect(maxDifference(sum([stems.dialogue!, stems.music_fx!]), song)).toBeLessThan(MASK_TOLERANCE);
    expect(maxDifference(sum([stems.music_removal!, stems.music!]), song)).toBeLessThan(MASK_TOLERANCE);
    expect(maxDifference(stems.accompaniment!, stems.instrumental!)).toBe(0);
  });

  it('gives mono input non-silent stems too, with the singing range standing in for the centre', async () => {
    const left = song.channels[0]!;
    const right = song.channels[1]!;
    const mono = {
      sampleRate: song.sampleRate,
      channels: [left.map((sample, index) => (sample + right[index]!) / 2)],
    };
    const stems = await separateSet(mono, 'four');
    for (const [name, stem] of Object.entries(stems)) {
      expect(maxDifference(stem, mono), name).toBeGreaterThan(0.01);
      expect(
        stem.channels[0]!.some((sample) => sample !== 0),
        `${name} is silent`,
      ).toBe(true);
    }
    expect(maxDifference(sum(Object.values(stems)), mono)).toBeLessThan(SET_TOLERANCE);
  });

  it('is deterministic and the same whether fed at once or in small chunks', async () => {
    const whole = await separateSet(song, 'four');
    const chunked: Float32Array[][] = [[], [], [], []];
    const separator = new StemSeparator(
      { sampleRate: song.sampleRate, channelCount: 2 },
      ['vocals', 'drums', 'bass'].map(stemRecipe),
      {
        remainder: true,
        sink: (blocks, length) => {
          blocks.forEach((channels, stem) => {
            chunked[stem]!.push(...channels.map((block) => block.slice(0, length)));
          });
        },
      },
    );
    for (let start = 0; start < song.channels[0]!.length; start += 777)
      separator.write(song.channels, start, Math.min(song.channels[0]!.length, start + 777));
    separator.end();
    ['vocals', 'drums', 'bass', 'other'].forEach((name, stem) => {
      const blocks = chunked[stem]!;
      const channels = [0, 1].map((channel) => {
        const parts = blocks.filter((_, index) => index % 2 === channel);
        const output = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
        let offset = 0;
        for (const part of parts) {
          output.set(part, offset);
          offset += part.length;
        }
        return output;
      });
      expect(maxDifference({ sampleRate: song.sampleRate, channels }, whole[name]!), name).toBe(0);
    });
  });

  it('residual is input minus the stem', async () => {
    const { vocals } = await separate(song, ['vocals']);
    const rest = residual(song, vocals!);
    expect(maxDifference(sum([rest, vocals!]), song)).toBeLessThan(SET_TOLERANCE);
    const { instrumental } = await separateSet(song, 'two');
    expect(maxDifference(rest, instrumental!)).toBeLessThan(MASK_TOLERANCE);
    await expectAudioError(() => residual(song, testSignal({ seconds: 1 })), 'invalid-argument');
  });

  it('separateToWav writes byte for byte the WAV files of the stems separate returns', async () => {
    const stems = ['vocals', 'drums', 'other'];
    const floats = await separate(song, stems);
    for (const bitDepth of [16, 24, 32] as const) {
      const files = await separateToWav(song, stems, { bitDepth });
      expect(Object.keys(files)).toEqual(stems);
      for (const stem of stems) expect(files[stem]).toEqual(encodeWav(floats[stem]!, bitDepth));
    }
    const set = await separateSet(song, 'four');
    const setFiles = await separateToWav(song, 'four', { bitDepth: 24 });
    expect(Object.keys(setFiles)).toEqual(['vocals', 'drums', 'bass', 'other']);
    for (const stem of Object.keys(set)) expect(setFiles[stem]).toEqual(encodeWav(set[stem]!, 24));
    const mono: PcmAudio = { sampleRate: 22_050, channels: [song.channels[0]!.subarray(0, 1_000)] };
    expect((await separateToWav(mono, ['bass'])).bass).toEqual(
      encodeWav((await separate(mono, ['bass'])).bass!),
    );
    await expectAudioError(() => separateToWav(song, []), 'invalid-argument');
    await expectAudioError(() => separateToWav(song, ['banjo']), 'invalid-argument');
    await expectAudioError(() => separateToWav(song, 'toString' as never), 'invalid-argument');
  });

  it('wavWriter fills a file of known length block by block, and refuses frames past its end', async () => {
    const [left, right] = song.channels as [Float32Array, Float32Array];
    const writer = wavWriter({ sampleRate: song.sampleRate, channels: 2, frames: left.length, bitDepth: 24 });
    for (let start = 0; start < left.length; start += 1_000) {
      const end = Math.min(left.length, start + 1_000);
      writer.write([left.subarray(start, end), right.subarray(start, end)], end - start);
    }
    expect(writer.bytes).toEqual(encodeWav(song, 24));
    const error = await expectAudioError(() => writer.write([left, right], 1), 'invalid-argument');
    expect(error.message).toMatch(/holds/);
    await expectAudioError(
      () => wavWriter({ sampleRate: 8_000, channels: 1, frames: 1, bitDepth: 8 as never }),
      'invalid-argument',
    );
  });

  it('rejects unknown stems, empty requests, bad sets and non-finite samples', async () => {
    const error = await expectAudioError(() => separate(song, ['banjo']), 'invalid-argument');
    expect(error.message).toMatch(/banjo/);
    await expectAudioError(() => separate(song, ['transcription']), 'invalid-argument');
    await expectAudioError(() => separate(song, []), 'invalid-argument');
    await expectAudioError(() => separateSet(song, 'three' as never), 'invalid-argument');
    await expectAudioError(
      () => separateSet({ sampleRate: 44_100, channels: [Float32Array.of(0, Number.NaN)] }, 'two'),
      'invalid-argument',
    );
  });
});

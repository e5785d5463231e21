import { describe, expect, it } from 'vitest';
import { decodeAudio, decodeWav, encodeAudio, encodeWav, probeAudio, sniffFormat } from '../src/index.ts';
import { maxDifference, testSignal } from './support.ts';

const RATES = [8_000, 22_050, 44_100, 48_000, 96_000];

describe('WAV codec', () => {
  for (const bitDepth of [16, 24, 32] as const) {
    for (const channels of [1, 2]) {
      it(`round-trips ${bitDepth}-bit ${channels === 1 ? 'mono' : 'stereo'} bit-exactly at every common rate`, async () => {
        for (const sampleRate of RATES) {
          const source = testSignal({ sampleRate, channels, seconds: 0.25 });
          const bytes = await encodeAudio(source, 'wav', { bitDepth });
          const decoded = await decodeAudio(bytes);
          expect(decoded.sampleRate).toBe(sampleRate);
          expect(decoded.channels).toHaveLength(channels);
          expect(decoded.channels[0]).toHaveLength(source.channels[0]!.length);
          // Re-encoding the decoded samples gives the very same bytes: the codec loses nothing of what it wrote.
          expect(
            Buffer.from(await encodeAudio(decoded, 'wav', { bitDepth })).equals(Buffer.from(bytes)),
          ).toBe(true);
          const step = bitDepth === 32 ? 0 : 2 ** (1 - bitDepth);
          expect(maxDifference(source, decoded)).toBeLessThanOrEqual(step / 2 + 1e-9);
        }
      });
    }
  }

  it('writes a canonical header that probe reads back', async () => {
    const source = testSignal({ sampleRate: 48_000, channels: 2, seconds: 1.5 });
    const bytes = encodeWav(source, 24);
    expect(bytes).toHaveLength(44 + 72_000 * 2 * 3);
    expect(sniffFormat(bytes)).toBe('wav');
    expect(await probeAudio(bytes)).toEqual({
      format: 'wav',
      durationSeconds: 1.5,
      channels: 2,
      sampleRate: 48_000,
      frames: 72_000,
    });
  });

  it('clips out-of-range samples instead of wrapping around', () => {
    const decoded = decodeWav(
      encodeWav({ sampleRate: 8_000, channels: [Float32Array.of(1.5, -1.5, 1, -1)] }, 16),
    );
    expect(Array.from(decoded.channels[0]!)).toEqual([32_767 / 32_768, -1, 32_767 / 32_768, -1]);
  });

  it('reads 8-bit PCM, 64-bit float, WAVE_FORMAT_EXTENSIBLE and skips unknown chunks', () => {
    const wav = (formatTag: number, bits: number, samples: Uint8Array, extensible = false) => {
      const fmtSize = extensible ? 40 : 16;
      const list = new TextEncoder().encode('LIST\x03\x00\x00\x00abc\x00'); // an odd-sized chunk, padded
      const bytes = new Uint8Array(12 + 8 + fmtSize + list.length + 8 + samples.length);
      const view = new DataView(bytes.buffer);
      bytes.set(new TextEncoder().encode('RIFF'), 0);
      view.setUint32(4, bytes.length - 8, true);
      bytes.set(new TextEncoder().encode('WAVEfmt '), 8);
      view.setUint32(16, fmtSize, true);
      view.setUint16(20, extensible ? 0xfffe : formatTag, true);
      view.setUint16(22, 1, true);
      view.setUint32(24, 8_000, true);
      view.setUint32(28, 8_000 * (bits / 8), true);
      view.setUint16(32, bits / 8, true);
      view.setUint16(34, bits, true);
      if (extensible) view.setUint16(20 + 24, formatTag, true);
      bytes.set(list, 20 + fmtSize);
      const dataAt = 20 + fmtSize + list.length;
      bytes.set(new TextEncoder().encode('data'), dataAt);
      view.setUint32(dataAt + 4, samples.length, true);
      bytes.set(samples, dataAt + 8);
      return bytes;
    };
    expect(Array.from(decodeWav(wav(1, 8, Uint8Array.of(0, 128, 192))).channels[0]!)).toEqual([-1, 0, 0.5]);
    const doubles = new Uint8Array(Float64Array.of(0.25, -0.75).buffer);
    expect(Array.from(decodeWav(wav(3, 64, doubles)).channels[0]!)).toEqual([0.25, -0.75]);
    const shorts = new Uint8Array(Int16Array.of(16_384, -8_192).buffer);
    expect(Array.from(decodeWav(wav(1, 16, shorts, true)).channels[0]!)).toEqual([0.5, -0.25]);
  });

  it('reads a streamed WAV whose data size was left unknown', () => {
    const bytes = encodeWav(testSignal({ sampleRate: 8_000, channels: 1, seconds: 0.1 }));
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    expect(decodeWav(bytes).channels[0]).toHaveLength(800);
  });

  it('keeps empty audio empty', async () => {
    const empty = { sampleRate: 44_100, channels: [new Float32Array(0), new Float32Array(0)] };
    const decoded = await decodeAudio(await encodeAudio(empty, 'wav'));
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]).toHaveLength(0);
  });
});

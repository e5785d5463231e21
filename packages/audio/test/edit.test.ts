import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { mix, panGains, trim, zip } from '../src/index.ts';
import { expectAudioError, testSignal } from './support.ts';

describe('mix', () => {
  it('follows the constant-power pan law, unity at the centre', () => {
    for (const pan of [-1, -0.5, 0, 0.3, 1]) {
      const [left, right] = panGains(pan);
      expect(left ** 2 + right ** 2).toBeCloseTo(2, 12);
    }
    expect(panGains(0)[0]).toBeCloseTo(1, 12);
    expect(panGains(-1)).toEqual([Math.SQRT2, expect.closeTo(0, 12)]);
    expect(panGains(1)[0]).toBeCloseTo(0, 12);
    expect(panGains(0.5)[1]).toBeCloseTo(Math.SQRT2 * Math.sin((1.5 * Math.PI) / 4), 12);
  });

  it('applies volume and pan per track, sample by sample', () => {
    const mono = { sampleRate: 8_000, channels: [Float32Array.of(0.5, -0.25, 0.125)] };
    const stereo = { sampleRate: 8_000, channels: [Float32Array.of(0.1, 0.2), Float32Array.of(-0.1, -0.2)] };
    const output = mix([
      { audio: mono, volume: 0.5, pan: -0.5 },
      { audio: stereo, volume: 1, pan: 0.25 },
    ]);
    expect(output.channels).toHaveLength(2);
    expect(output.channels[0]).toHaveLength(3);
    const [monoLeft, monoRight] = panGains(-0.5);
    const [stereoLeft, stereoRight] = panGains(0.25);
    const expected = [
      [
        0.5 * 0.5 * monoLeft + 0.1 * stereoLeft,
        -0.25 * 0.5 * monoLeft + 0.2 * stereoLeft,
        0.125 * 0.5 * monoLeft,
      ],
      [
        0.5 * 0.5 * monoRight - 0.1 * stereoRight,
        -0.25 * 0.5 * monoRight - 0.2 * stereoRight,
        0.125 * 0.5 * monoRight,
      ],
    ];
    expected.forEach((channel, index) => {
      channel.forEach((value, frame) => {
        expect(output.channels[index]![frame]).toBeCloseTo(value, 6);
      });
    });
  });

  it('passes a single centred full-volume stereo track through unchanged', () => {
    const audio = testSignal({ seconds: 0.1 });
    const output = mix([{ audio }]);
    expect(output.channels[0]).toEqual(audio.channels[0]);
    expect(output.channels[1]).toEqual(audio.channels[1]);
  });

  it('rejects out-of-range volume and pan, mismatched rates and no tracks', async () => {
    const audio = testSignal({ seconds: 0.01 });
    await expectAudioError(() => mix([]), 'invalid-argument');
    await expectAudioError(() => mix([{ audio, volume: 1.5 }]), 'invalid-argument');
    await expectAudioError(() => mix([{ audio, pan: -2 }]), 'invalid-argument');
    await expectAudioError(() => mix([{ audio, volume: Number.NaN }]), 'invalid-argument');
    await expectAudioError(
      () => mix([{ audio }, { audio: testSignal({ sampleRate: 48_000, seconds: 0.01 }) }]),
      'invalid-argument',
    );
  });
});

describe('trim', () => {
  it('cuts exactly round(start·rate) to round((start+seconds)·rate) frames', () => {
    const audio = testSignal({ sampleRate: 44_100, seconds: 2 });
    const window = trim(audio, { start: 0.5, seconds: 0.25 });
    expect(window.channels[0]).toHaveLength(11_025);
    expect(window.channels[0]![0]).toBe(audio.channels[0]![22_050]);
    expect(window.channels[1]![11_024]).toBe(audio.channels[1]![33_074]);
    const odd = trim(
      { sampleRate: 3, channels: [Float32Array.of(0, 1, 2, 3, 4, 5, 6)] },
      { start: 0.34, seconds: 1 },
    );
    expect(Array.from(odd.channels[0]!)).toEqual([1, 2, 3]);
  });

  it('clips a window past the end and copies the samples', () => {
    const audio = testSignal({ sampleRate: 8_000, seconds: 1 });
    expect(trim(audio, { start: 0.9, seconds: 5 }).channels[0]).toHaveLength(800);
    expect(trim(audio, { start: 3, seconds: 1 }).channels[0]).toHaveLength(0);
    const copy = trim(audio, { start: 0, seconds: 1 });
    copy.channels[0]![0] = 42;
    expect(audio.channels[0]![0]).not.toBe(42);
  });

  it('rejects negative or non-finite windows', async () => {
    const audio = testSignal({ seconds: 0.01 });
    await expectAudioError(() => trim(audio, { start: -1, seconds: 1 }), 'invalid-argument');
    await expectAudioError(
      () => trim(audio, { start: 0, seconds: Number.POSITIVE_INFINITY }),
      'invalid-argument',
    );
  });
});

describe('zip', () => {
  it('packs files that unzip to the same bytes, folders included', async () => {
    const files = [
      { name: 'vocals.wav', data: new Uint8Array(10_000).fill(7) },
      { name: 'stems/drums.mp3', data: Uint8Array.from({ length: 5000 }, (_, index) => (index * 31) % 256) },
    ];
    const archive = await zip(files);
    expect(Array.from(archive.subarray(0, 4))).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const unpacked = unzipSync(archive);
    expect(Object.keys(unpacked).sort()).toEqual(['stems/drums.mp3', 'vocals.wav']);
    for (const file of files) expect(unpacked[file.name]).toEqual(file.data);
    // The WAV is deflated (it is all sevens), the mp3 stored as is.
    expect(archive.length).toBeLessThan(5000 + 1000);
  });

  it('rejects duplicate and unsafe entry names', async () => {
    const data = new Uint8Array(1);
    await expectAudioError(
      () =>
        zip([
          { name: 'a.wav', data },
          { name: 'a.wav', data },
        ]),
      'invalid-argument',
    );
    for (const name of ['', '/etc/passwd', '../escape.wav', 'a//b.wav']) {
      await expectAudioError(() => zip([{ name, data }]), 'invalid-argument');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeAudio, encodeWav, probeAudio } from '../src/index.ts';
import { expectAudioError, testSignal } from './support.ts';

const wavBytes = () => encodeWav(testSignal({ sampleRate: 8_000, channels: 2, seconds: 0.5 }));

describe('bad input gets typed errors', () => {
  it('empty input', async () => {
    await expectAudioError(() => decodeAudio(new Uint8Array(0)), 'empty');
    await expectAudioError(() => probeAudio(new Uint8Array(0)), 'empty');
  });

  it('text, JSON and random bytes are not audio', async () => {
    const random = new Uint8Array(4096).map((_, index) => (index * 7919 + 13) % 251);
    for (const bytes of [
      new TextEncoder().encode('hello, world\n'),
      new TextEncoder().encode('{"a":1}'),
      random,
    ]) {
      await expectAudioError(() => decodeAudio(bytes), 'not-audio');
      await expectAudioError(() => probeAudio(bytes), 'not-audio');
    }
  });

  it('a WAV cut short is truncated', async () => {
    const bytes = wavBytes();
    await expectAudioError(() => decodeAudio(bytes.subarray(0, bytes.length - 1000)), 'truncated');
    await expectAudioError(() => decodeAudio(bytes.subarray(0, 30)), 'truncated');
    await expectAudioError(() => probeAudio(bytes.subarray(0, 40)), 'truncated');
  });

  it('a WAV with an impossible header is corrupt or unsupported', async () => {
    const zeroChannels = wavBytes();
    new DataView(zeroChannels.buffer).setUint16(22, 0, true);
    await expectAudioError(() => decodeAudio(zeroChannels), 'corrupt');
    const badBlock = wavBytes();
    new DataView(badBlock.buffer).setUint16(32, 7, true);
    await expectAudioError(() => decodeAudio(badBlock), 'corrupt');
    const adpcm = wavBytes();
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    await expectAudioError(() => decodeAudio(adpcm), 'unsupported-format');
  });

  it('compressed files that are cut or garbled fail cleanly, without hanging', async () => {
    const source = testSignal({ seconds: 2 });
    for (const format of ['mp3', 'm4a', 'flac', 'aiff'] as const) {
      const bytes = await encodeAudio(source, format);
      const garbled = bytes.slice();
      garbled.fill(0x55, 12);
      await expect(decodeAudio(garbled), `${format} garbled`).rejects.toMatchObject({ name: 'AudioError' });
      const cut = bytes.subarray(0, Math.floor(bytes.length / 3));
      await expect(decodeAudio(cut), `${format} cut`).rejects.toMatchObject({
        code: expect.stringMatching(/truncated|corrupt/),
      });
    }
  });

  it('a format that was asked for but does not match fails as not-audio or corrupt', async () => {
    await expectAudioError(
      () => decodeAudio(new TextEncoder().encode('not a flac file at all'), { format: 'flac' }),
      'not-audio',
    );
    await expectAudioError(() => decodeAudio(wavBytes(), { format: 'ogg' as never }), 'unsupported-format');
  });

  it('encoding rejects malformed PCM and unknown options', async () => {
    await expectAudioError(
      () => encodeAudio({ sampleRate: 44_100, channels: [] }, 'wav'),
      'invalid-argument',
    );
    await expectAudioError(
      () => encodeAudio({ sampleRate: 44_100, channels: [new Float32Array(2), new Float32Array(3)] }, 'wav'),
      'invalid-argument',
    );
    await expectAudioError(
      () => encodeAudio(testSignal(), 'wav', { bitDepth: 8 as never }),
      'invalid-argument',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeAudio, localAudio, type PcmAudio } from '../src/index.ts';

const sampleRate = 8000;

/** The bits per sample a WAV file's `fmt ` chunk declares. */
function wavBitsPerSample(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 12; offset + 8 <= bytes.length; offset += 8 + view.getUint32(offset + 4, true)) {
    if (String.fromCharCode(...bytes.subarray(offset, offset + 4)) === 'fmt ')
      return view.getUint16(offset + 22, true);
  }
  throw new Error('no fmt chunk');
}
const constant = (value: number): PcmAudio => ({
  sampleRate,
  channels: [new Float32Array(sampleRate).fill(value), new Float32Array(sampleRate).fill(value)],
});

describe('the local mix/zip plugin', () => {
  it('mixes decoded stems with volume and pan into the asked format', async () => {
    const plugin = localAudio();
    const track = async (stem: string, volume: number, pan: number) => ({
      stem,
      volume,
      pan,
      data: await encodeAudio(constant(0.25), 'wav', { bitDepth: 32 }),
      format: 'wav',
    });
    const mixed = await plugin.mix?.({
      tracks: [await track('vocals', 1, -1), await track('drums', 0.5, 1)],
      format: 'wav',
      name: 'mix',
    });
    expect(mixed).toMatchObject({ format: 'wav', name: 'mix' });
    const audio = await decodeAudio(mixed!.data);
    const [left, right] = audio.channels.map((channel) => channel[100] ?? 0);
    // Hard left vocals reach only the left channel, hard right drums (at half volume) only the right.
    expect(left).toBeGreaterThan(0);
    expect(right).toBeGreaterThan(0);
    expect(left! / right!).toBeCloseTo(2, 1);
  });

  it.each([16, 24, 32] as const)(
    'mixes %i-bit WAV stems into a WAV of the same bit depth',
    async (bitDepth) => {
      const data = await encodeAudio(constant(0.25), 'wav', { bitDepth });
      const mixed = await localAudio().mix?.({
        tracks: [
          { stem: 'vocals', volume: 1, pan: 0, data, format: 'wav' },
          { stem: 'drums', volume: 1, pan: 0, data, format: 'wav' },
        ],
        format: 'wav',
        name: 'mix',
      });
      expect(wavBitsPerSample(mixed!.data)).toBe(bitDepth);
    },
  );

  it('mixes stems of different depths at the deepest of them', async () => {
    const sixteen = await encodeAudio(constant(0.25), 'wav', { bitDepth: 16 });
    const twentyFour = await encodeAudio(constant(0.25), 'wav', { bitDepth: 24 });
    const mixed = await localAudio().mix?.({
      tracks: [
        { stem: 'vocals', volume: 1, pan: 0, data: sixteen, format: 'wav' },
        { stem: 'drums', volume: 1, pan: 0, data: twentyFour, format: 'wav' },
      ],
      format: 'wav',
      name: 'mix',
    });
    expect(wavBitsPerSample(mixed!.data)).toBe(24);
  });

  it('converts a file to another format, the one the client asks when the provider has none', async () => {
    const wav = await encodeAudio(constant(0.25), 'wav');
    const converted = await localAudio().convert({ data: wav, format: 'wav', to: 'flac' });
    expect(converted.format).toBe('flac');
    const audio = await decodeAudio(converted.data, { format: 'flac' });
    expect(audio.sampleRate).toBe(sampleRate);
    expect(audio.channels[0]?.[100]).toBeCloseTo(0.25, 3);
    expect(localAudio().formats).toEqual(['wav', 'mp3', 'm4a', 'flac', 'aiff']);
  });

  it('zips files under their names', async () => {
    const zipped = await localAudio().zip?.({
      files: [
        { name: 'vocals.wav', data: new Uint8Array([1, 2, 3]) },
        { name: 'drums.wav', data: new Uint8Array([4, 5]) },
      ],
      name: 'stems.zip',
    });
    expect(zipped?.name).toBe('stems.zip');
    const text = Buffer.from(zipped!.data).toString('latin1');
    expect(text.startsWith('PK\x03\x04')).toBe(true);
    expect(text).toContain('vocals.wav');
    expect(text).toContain('drums.wav');
  });
});

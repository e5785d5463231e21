import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { AuthenticationError, createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elevenlabs } from '../../src/index.ts';

// The driver over loopback HTTP against the emulated API: real stems of a synthetic song in a real ZIP.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
});
afterAll(() => emulator.close());

const song = new Uint8Array(
  encodeWav(synthesizeMixture({ seed: 3, seconds: 2, sampleRate: 22_050 }).mixture, 16),
);
const stemkitFor = (apiKey = emulator.elevenlabs.apiKey) =>
  createStemkit({ driver: elevenlabs({ baseUrl: emulator.elevenlabs.baseUrl, apiKey }) });

/** Samples of raw 16-bit little-endian PCM. */
const samples = (bytes: Uint8Array) => new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);

describe('elevenlabs over loopback against the emulator', () => {
  it('six stems as raw PCM, whose sum is the mix within rounding; the ZIP an archive output', async () => {
    const stemkit = stemkitFor();
    const stems = ['vocals', 'drums', 'bass', 'guitar', 'piano', 'other'];
    const job = await stemkit.separate({
      source: new Blob([song]),
      name: 'song.wav',
      stems,
      formats: ['pcm_22050'],
    });
    expect(job.status).toBe('succeeded');
    const sum = new Float64Array((song.byteLength - 44) / 2);
    for (const target of job.targets) {
      const output = target.outputs.find((asset) => asset.role === 'stem')!;
      expect(output.name).toBe(`${target.stem}.pcm`);
      const data = new Uint8Array(await new Response((await stemkit.download(output)).body).arrayBuffer());
      samples(data).forEach((value, index) => {
        sum[index]! += value;
      });
    }
    const mix = samples(song.subarray(44));
    let worst = 0;
    for (let index = 0; index < mix.length; index++)
      worst = Math.max(worst, Math.abs(sum[index]! - mix[index]!));
    // Six roundings to 16 bits: at most 3 steps apart.
    expect(worst).toBeLessThanOrEqual(6);
    const archive = job.targets[0]!.outputs.find((asset) => asset.role === 'archive')!;
    const zip = unzipSync(
      new Uint8Array(await new Response((await stemkit.download(archive)).body).arrayBuffer()),
    );
    expect(Object.keys(zip).sort()).toEqual(stems.map((stem) => `${stem}.pcm`).sort());
  });

  it('two stems as mp3 (two_stems_v1): vocals and instrumental', async () => {
    const stemkit = stemkitFor();
    const job = await stemkit.separate({
      source: new Blob([song]),
      name: 'song.wav',
      stems: ['vocals', 'instrumental'],
      formats: ['mp3'],
    });
    expect(job.targets.map((target) => target.outputs[0]?.name)).toEqual(['vocals.mp3', 'instrumental.mp3']);
    const vocals = new Uint8Array(
      await new Response((await stemkit.download(job.targets[0]!.outputs[0]!)).body).arrayBuffer(),
    );
    // An MPEG frame sync or an ID3 tag: real mp3 bytes.
    expect(vocals[0] === 0xff || new TextDecoder().decode(vocals.subarray(0, 3)) === 'ID3').toBe(true);
  });

  it('a wrong key is a 401 invalid_api_key: an AuthenticationError', async () => {
    const error = await stemkitFor('wrong-key')
      .separate({ source: new Blob([song]), name: 'song.wav', stems: ['vocals'], formats: ['mp3'] })
      .catch((caught) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.providerCode).toBe('invalid_api_key');
  });
});

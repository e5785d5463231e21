import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The official ElevenLabs client, unchanged (only baseUrl pointed at the emulator), through its stem separation
// flow over loopback HTTP: both variations, two output formats; the ZIP it receives holds real stems.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
});
afterAll(() => emulator.close());

const song = new Uint8Array(
  encodeWav(synthesizeMixture({ seed: 5, seconds: 2, sampleRate: 22_050 }).mixture, 16),
);
const client = (apiKey = emulator.elevenlabs.apiKey) =>
  new ElevenLabsClient({ apiKey, baseUrl: emulator.elevenlabs.baseUrl, maxRetries: 0 });

async function separate(
  stemVariationId: 'six_stems_v1' | 'two_stems_v1',
  outputFormat: 'pcm_22050' | 'mp3_44100_128',
) {
  const stream = await client().music.separateStems({
    file: new File([song], 'song.wav', { type: 'audio/wav' }),
    stemVariationId,
    outputFormat,
  });
  return unzipSync(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/** The largest gap between the sum of raw 16-bit stems and the mix, in sample steps. */
function worstGap(stems: readonly Uint8Array[]): number {
  const mix = new Int16Array(song.buffer, 44, (song.byteLength - 44) / 2);
  const sum = new Float64Array(mix.length);
  for (const stem of stems) {
    const samples = new Int16Array(stem.buffer, stem.byteOffset, stem.byteLength / 2);
    expect(samples.length).toBe(mix.length);
    samples.forEach((value, index) => {
      sum[index]! += value;
    });
  }
  let worst = 0;
  for (let index = 0; index < mix.length; index++)
    worst = Math.max(worst, Math.abs(sum[index]! - mix[index]!));
  return worst;
}

describe('@elevenlabs/elevenlabs-js against the emulated API', () => {
  it('six_stems_v1 as pcm_22050: six real stems whose sum is the mix within rounding', async () => {
    const entries = await separate('six_stems_v1', 'pcm_22050');
    expect(Object.keys(entries).sort()).toEqual(
      ['bass', 'drums', 'guitar', 'other', 'piano', 'vocals'].map((stem) => `${stem}.pcm`),
    );
    expect(worstGap(Object.values(entries))).toBeLessThanOrEqual(6);
    // Real separation, not copies: vocals and drums differ.
    expect(entries['vocals.pcm']).not.toEqual(entries['drums.pcm']);
  });

  it('two_stems_v1 as pcm_22050 sums to the mix; as mp3_44100_128 gives two mp3 files', async () => {
    const pcm = await separate('two_stems_v1', 'pcm_22050');
    expect(Object.keys(pcm).sort()).toEqual(['instrumental.pcm', 'vocals.pcm']);
    expect(worstGap(Object.values(pcm))).toBeLessThanOrEqual(2);
    const mp3 = await separate('two_stems_v1', 'mp3_44100_128');
    expect(Object.keys(mp3).sort()).toEqual(['instrumental.mp3', 'vocals.mp3']);
    for (const data of Object.values(mp3))
      expect(data[0] === 0xff || new TextDecoder().decode(data.subarray(0, 3)) === 'ID3').toBe(true);
  });

  it('six_stems_v1 as mp3_44100_128: six mp3 entries', async () => {
    const entries = await separate('six_stems_v1', 'mp3_44100_128');
    expect(Object.keys(entries)).toHaveLength(6);
  });

  it('a wrong key: the client raises its ElevenLabsError with 401 and detail.status invalid_api_key', async () => {
    const error = await client('wrong')
      .music.separateStems({ file: new File([song], 'song.wav') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect((error as ElevenLabsError).statusCode).toBe(401);
    expect((error as ElevenLabsError).body).toMatchObject({ detail: { status: 'invalid_api_key' } });
  });
});

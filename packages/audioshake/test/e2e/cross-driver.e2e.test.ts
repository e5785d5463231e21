import { decodeWav, type PcmAudio } from '@stemkit/audio';
import { createStemkit, type StemkitDriver } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioshakeLegacy, audioshakeTasks } from '../../src/index.ts';
import { sampleSong } from '../helpers/e2e.ts';
import { startTestEmulator } from '../helpers/emulator.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const song = sampleSong();
const STEMS = ['vocals', 'drums', 'bass'];

/** The app: separate a song and decode each stem. Nothing in it knows which provider runs. */
async function separateSong(driver: StemkitDriver): Promise<Map<string, PcmAudio>> {
  const stemkit = createStemkit({ driver, wait: { initialDelayMs: 50, maxDelayMs: 200, timeoutMs: 60_000 } });
  const job = await stemkit.wait(await stemkit.separate({ source: song, name: 'song.wav', stems: STEMS }));
  const stems = new Map<string, PcmAudio>();
  for (const target of job.targets) {
    const output = target.outputs.find((asset) => asset.role === 'stem' && asset.format === 'wav');
    if (!output) throw new Error(`no wav output for ${target.stem}`);
    const { body } = await stemkit.download(output);
    stems.set(target.stem, decodeWav(new Uint8Array(await new Response(body).arrayBuffer())));
  }
  return stems;
}

/** The largest sample difference between two decodings of the same stem. */
function largestDifference(left: PcmAudio, right: PcmAudio): number {
  expect(left.sampleRate).toBe(right.sampleRate);
  expect(left.channels.length).toBe(right.channels.length);
  let largest = 0;
  left.channels.forEach((channel, index) => {
    const other = right.channels[index] as Float32Array;
    expect(channel.length).toBe(other.length);
    for (let sample = 0; sample < channel.length; sample++) {
      largest = Math.max(largest, Math.abs((channel[sample] as number) - (other[sample] as number)));
    }
  });
  return largest;
}

describe('the same app code on three drivers', () => {
  it('produces the same stems from Sourcere, the legacy API and the Tasks API', async () => {
    const results = {
      sourcere: await separateSong(sourcere({ ...emulator.sourcere, timeoutMs: 10_000 })),
      legacy: await separateSong(
        audioshakeLegacy({
          token: emulator.legacy.token,
          baseUrl: emulator.legacy.baseUrl,
          timeoutMs: 10_000,
        }),
      ),
      tasks: await separateSong(
        audioshakeTasks({
          apiKey: emulator.tasks.apiKey,
          baseUrl: emulator.tasks.baseUrl,
          timeoutMs: 10_000,
        }),
      ),
    };
    for (const result of Object.values(results)) expect([...result.keys()]).toEqual(STEMS);
    // The stems are real, distinct audio, so equality below is not silence compared with silence.
    expect(
      largestDifference(
        results.sourcere.get('vocals') as PcmAudio,
        results.sourcere.get('drums') as PcmAudio,
      ),
    ).toBeGreaterThan(0.01);
    for (const stem of STEMS) {
      const reference = results.sourcere.get(stem) as PcmAudio;
      expect(largestDifference(reference, results.legacy.get(stem) as PcmAudio)).toBe(0);
      expect(largestDifference(reference, results.tasks.get(stem) as PcmAudio)).toBe(0);
    }
  });
});

import { readFile } from 'node:fs/promises';
import { probeAudio } from '@stemkit/audio';
import { describe, expect, it } from 'vitest';
import { DEMO_TRACK, demoTrack } from '../src/commands/demo-track.ts';

const COMMITTED = new URL('../demo/demo.wav', import.meta.url);

describe('the demo track', () => {
  it('is 10 s of stereo 44.1 kHz WAV, under 2 MB', async () => {
    const committed = await readFile(COMMITTED);
    expect(committed.byteLength).toBeLessThan(2_000_000);
    expect(await probeAudio(committed)).toMatchObject({
      format: 'wav',
      channels: 2,
      sampleRate: 44_100,
      durationSeconds: DEMO_TRACK.seconds,
    });
  });

  it('is exactly what the generator makes: regenerate with `stemkit demo-track packages/cli/demo/demo.wav`', async () => {
    const committed = new Uint8Array(await readFile(COMMITTED));
    expect(Buffer.from(await demoTrack()).equals(committed)).toBe(true);
  });
});

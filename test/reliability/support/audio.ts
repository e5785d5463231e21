import { sampleWav } from '@stemkit/testing';

/** A few tiny, distinct WAV inputs (0.2–0.5 s): enough to tell outputs apart, cheap to separate. */
export const soakInputs: readonly Uint8Array<ArrayBuffer>[] = [
  sampleWav({ seconds: 0.2, sampleRate: 8_000 }),
  sampleWav({ seconds: 0.3, sampleRate: 8_000 }),
  sampleWav({ seconds: 0.4, sampleRate: 11_025 }),
  sampleWav({ seconds: 0.5, sampleRate: 16_000 }),
];

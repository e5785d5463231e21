import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleWav } from '@stemkit/testing';

/** Writes `count` distinct short tones into `folder` as `track-000.wav`…; returns their paths. */
export function writeTracks(folder: string, count: number, seconds = 0.25): string[] {
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const path = join(folder, `track-${String(index).padStart(3, '0')}.wav`);
    writeFileSync(path, sampleWav({ seconds, frequency: 110 + index * 7 }));
    return path;
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A short 16-bit mono WAV tone; `frequency` makes each track distinct. */
export function toneWav(frequency: number, seconds = 0.25, sampleRate = 8_000): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const bytes = new Uint8Array(44 + frames * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) bytes[offset + index] = text.charCodeAt(index);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + frames * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, frames * 2, true);
  for (let frame = 0; frame < frames; frame++) {
    const time = frame / sampleRate;
    const value = 0.3 * Math.sin(2 * Math.PI * frequency * time) + 0.2 * Math.sin(2 * Math.PI * 2.5 * frequency * time);
    view.setInt16(44 + frame * 2, Math.round(value * 32_767), true);
  }
  return bytes;
}

/** Writes `count` distinct short tracks into `folder` as `track-000.wav`…; returns their paths. */
export function writeTracks(folder: string, count: number, seconds = 0.25): string[] {
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const path = join(folder, `track-${String(index).padStart(3, '0')}.wav`);
    writeFileSync(path, toneWav(110 + index * 7, seconds));
    return path;
  });
}

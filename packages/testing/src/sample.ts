/**
 * A short, valid 16-bit mono WAV (a 440 Hz tone, or `frequency`): a sample source any provider or emulator can
 * decode. Different frequencies make distinct tracks.
 *
 * @example
 * ```ts
 * const bytes = sampleWav({ seconds: 0.5 });
 * ```
 */
export function sampleWav(
  options: { seconds?: number; sampleRate?: number; frequency?: number } = {},
): Uint8Array<ArrayBuffer> {
  const sampleRate = options.sampleRate ?? 8_000;
  const frames = Math.round((options.seconds ?? 1) * sampleRate);
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
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, frames * 2, true);
  for (let frame = 0; frame < frames; frame++) {
    const value = Math.sin((2 * Math.PI * (options.frequency ?? 440) * frame) / sampleRate) * 0.5;
    view.setInt16(44 + frame * 2, Math.round(value * 32_767), true);
  }
  return bytes;
}

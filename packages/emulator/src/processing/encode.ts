import { encodeAudio, type PcmAudio } from '@stemkit/audio';
import { codecOf } from './formats.ts';

/** Encodes audio in an output format; WAV masters are 24-bit so stems keep their sum within 1e-4 of the input. */
export function encodeOutput(audio: PcmAudio, format: string): Promise<Uint8Array> {
  const codec = codecOf(format);
  if (!codec) throw new Error(`Unsupported audio format: ${format}`);
  return encodeAudio(audio, codec, codec === 'wav' ? { bitDepth: 24 } : undefined);
}

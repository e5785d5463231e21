import { encodeAudio, type PcmAudio } from '@stemkit/audio';
import { codecOf } from './formats.ts';

/** WAV masters are 24-bit so stems keep their sum within 1e-4 of the input. */
export const WAV_MASTER_BITS = 24;

/** Encodes audio in an output format (WAV as a master). */
export function encodeOutput(audio: PcmAudio, format: string): Promise<Uint8Array> {
  const codec = codecOf(format);
  if (!codec) throw new Error(`Unsupported audio format: ${format}`);
  return encodeAudio(audio, codec, codec === 'wav' ? { bitDepth: WAV_MASTER_BITS } : undefined);
}

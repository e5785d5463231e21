import type { AudioFormat } from '../types.ts';
import { isWav } from './wav.ts';

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let index = 0; index < text.length; index++) {
    if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  }
  return true;
}

const MPEG_BITRATES_KBPS: Record<string, readonly number[]> = {
  // [version 1 | version 2 and 2.5] × layer III, II, I; index 0 is "free", 15 is invalid.
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
};
const MPEG_RATES = [44_100, 48_000, 32_000];

/** Byte length of the MPEG audio frame whose header is at `at`, or undefined when no valid header is there. */
function mpegFrameLength(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return undefined;
  const versionBits = (bytes[at + 1]! >> 3) & 3; // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const layerBits = (bytes[at + 1]! >> 1) & 3; // 0: reserved (ADTS AAC), 1: III, 2: II, 3: I
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || bitrateIndex === 0 || rateIndex === 3)
    return undefined;
  const layer = 4 - layerBits;
  const version = versionBits === 3 ? 1 : 2;
  const bitrate = MPEG_BITRATES_KBPS[`${version}-${layer}`]![bitrateIndex]! * 1000;
  const sampleRate = MPEG_RATES[rateIndex]! / (versionBits === 3 ? 1 : versionBits === 2 ? 2 : 4);
  const padding = (bytes[at + 2]! >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  const samplesPerFrame = layer === 3 && version === 2 ? 576 : 1152;
  return Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
}

/** An MPEG audio stream: a valid frame header, followed by another one where the data is long enough. */
function isMpegAudio(bytes: Uint8Array, at: number): boolean {
  const length = mpegFrameLength(bytes, at);
  if (length === undefined) return false;
  return at + length + 4 > bytes.length || mpegFrameLength(bytes, at + length) !== undefined;
}

/**
 * Recognizes a supported container from its first bytes, without decoding; `undefined` when none matches.
 *
 * @example
 * ```ts
 * sniffFormat(await readFile('song.flac')); // 'flac'
 * ```
 */
export function sniffFormat(data: Uint8Array): AudioFormat | undefined {
  if (isWav(data)) return 'wav';
  if (ascii(data, 0, 'FORM') && (ascii(data, 8, 'AIFF') || ascii(data, 8, 'AIFC'))) return 'aiff';
  if (ascii(data, 0, 'fLaC')) return 'flac';
  if (ascii(data, 4, 'ftyp')) return 'm4a';
  if (ascii(data, 0, 'ID3') && data.length >= 10) {
    // An ID3v2 tag (sizes are 7-bit "syncsafe") usually precedes MP3, sometimes FLAC.
    const size =
      ((data[6]! & 0x7f) << 21) | ((data[7]! & 0x7f) << 14) | ((data[8]! & 0x7f) << 7) | (data[9]! & 0x7f);
    const after = 10 + size + (data[5]! & 0x10 ? 10 : 0);
    if (ascii(data, after, 'fLaC')) return 'flac';
    return 'mp3';
  }
  if (isMpegAudio(data, 0)) return 'mp3';
  return undefined;
}

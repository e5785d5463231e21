import { AudioError } from '../errors.ts';
import { assertPcm, frameCount } from '../pcm.ts';
import type { PcmAudio } from '../types.ts';

/** Typed arrays use the platform's byte order; WAV is little-endian, as is every platform stemkit runs on. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bit depths stemkit writes: 16- and 24-bit integer PCM, or 32-bit IEEE float. */
export type WavBitDepth = 16 | 24 | 32;

/** Where the samples of a WAV file are and how they are stored. */
export interface WavLayout {
  encoding: 'int' | 'float';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  /** Bytes of sample data actually present (whole frames only). */
  dataBytes: number;
  frames: number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Writers that stream often leave the data size at 0 or 0xFFFFFFFF: it then runs to the end of the file. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

/** True when `bytes` starts like a RIFF/WAVE file. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && fourCc(bytes, 0) === 'RIFF' && fourCc(bytes, 8) === 'WAVE';
}

/**
 * Walks the RIFF chunks of `bytes` (the whole file, or a prefix of a file `totalBytes` long) up to the data chunk.
 * Throws a typed {@link AudioError} for anything it cannot decode.
 */
export function readWavLayout(bytes: Uint8Array, totalBytes = bytes.length): WavLayout {
  if (totalBytes === 0) throw new AudioError('empty', 'the WAV input is empty');
  if (!isWav(bytes)) throw new AudioError('not-audio', 'not a WAV file: the RIFF/WAVE header is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;
  let offset = 12;
  while (offset + 8 <= totalBytes) {
    if (offset + 8 > bytes.length) {
      throw new AudioError(
        'unsupported-format',
        'the WAV metadata before the audio data is too large to scan',
      );
    }
    const id = fourCc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new AudioError('corrupt', 'the WAV fmt chunk is too short');
      if (body + Math.min(size, 40) > totalBytes)
        throw new AudioError('truncated', 'the WAV file ends inside its fmt chunk');
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (!format) throw new AudioError('corrupt', 'the WAV data chunk comes before any fmt chunk');
      const available = totalBytes - body;
      let dataBytes = size;
      if (UNKNOWN_SIZES.has(size)) dataBytes = available;
      else if (size > available) {
        throw new AudioError(
          'truncated',
          `the WAV data chunk declares ${size} bytes but only ${available} remain`,
        );
      }
      const frames = Math.floor(dataBytes / format.blockAlign);
      return { ...format, dataOffset: body, dataBytes: frames * format.blockAlign, frames };
    }
    offset = body + size + (size % 2); // chunks are padded to an even size
  }
  if (!format) throw new AudioError('truncated', 'the WAV file ends before its fmt chunk');
  throw new AudioError('truncated', 'the WAV file ends before its data chunk');
}

function readFormat(
  view: DataView,
  at: number,
  size: number,
): Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'frames'> {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40 || at + 26 > view.byteLength)
      throw new AudioError('corrupt', 'the WAV extensible fmt chunk is too short');
    tag = view.getUint16(at + 24, true); // the sub-format GUID starts with the plain format tag
  }
  if (channels === 0 || sampleRate === 0 || blockAlign === 0) {
    throw new AudioError('corrupt', 'the WAV fmt chunk declares zero channels, sample rate or block size');
  }
  const encoding = tag === FORMAT_PCM ? 'int' : tag === FORMAT_FLOAT ? 'float' : undefined;
  if (!encoding)
    throw new AudioError('unsupported-format', `WAV sample format 0x${tag.toString(16)} is not PCM or float`);
  const supported = encoding === 'int' ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample)) {
    throw new AudioError(
      'unsupported-format',
      `${bitsPerSample}-bit ${encoding} WAV samples are not supported`,
    );
  }
  if (blockAlign !== (bitsPerSample / 8) * channels) {
    throw new AudioError(
      'corrupt',
      `the WAV block size ${blockAlign} does not match ${channels} × ${bitsPerSample} bits`,
    );
  }
  if (channels > 2) {
    throw new AudioError(
      'unsupported-format',
      `WAV with ${channels} channels: stemkit handles mono and stereo`,
    );
  }
  return { encoding, bitsPerSample, channels, sampleRate, blockAlign };
}

/**
 * Converts whole frames of raw WAV sample bytes (`bytes` starts on a frame boundary) into planar floats,
 * writing them to `into` from frame `at`. Returns the number of frames written.
 */
export function decodeWavFrames(
  bytes: Uint8Array,
  layout: Pick<WavLayout, 'encoding' | 'bitsPerSample' | 'channels' | 'blockAlign'>,
  into: Float32Array[],
  at = 0,
): number {
  const { channels, blockAlign, bitsPerSample, encoding } = layout;
  const frames = Math.floor(bytes.length / blockAlign);
  // The common case, 16-bit PCM, read through an Int16Array: several times faster than DataView calls.
  if (encoding === 'int' && bitsPerSample === 16 && LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, frames * channels);
    for (let channel = 0; channel < channels; channel++) {
      const output = into[channel]!;
      for (let frame = 0, index = channel; frame < frames; frame++, index += channels)
        output[at + frame] = samples[index]! / 32_768;
    }
    return frames;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerSample = bitsPerSample / 8;
  for (let channel = 0; channel < channels; channel++) {
    const output = into[channel]!;
    let position = channel * bytesPerSample;
    for (let frame = 0; frame < frames; frame++, position += blockAlign) {
      output[at + frame] = readSample(view, bytes, position, bitsPerSample, encoding);
    }
  }
  return frames;
}

function readSample(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  bits: number,
  encoding: 'int' | 'float',
): number {
  if (encoding === 'float') return bits === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (bytes[at]! - 128) / 128;
    case 16:
      return view.getInt16(at, true) / 32_768;
    case 24:
      return ((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) << 8) / 2_147_483_648;
    default:
      return view.getInt32(at, true) / 2_147_483_648;
  }
}

/**
 * Decodes a whole WAV file held in memory.
 *
 * @example
 * ```ts
 * const audio = decodeWav(bytes);
 * console.log(audio.sampleRate, audio.channels.length);
 * ```
 */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const layout = readWavLayout(bytes);
  const channels = Array.from({ length: layout.channels }, () => new Float32Array(layout.frames));
  decodeWavFrames(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes), layout, channels);
  return { sampleRate: layout.sampleRate, channels };
}

/** The 44-byte canonical header for `frames` frames of audio in the given shape. */
export function wavHeader(shape: {
  sampleRate: number;
  channels: number;
  frames: number;
  bitDepth: WavBitDepth;
}): Uint8Array {
  const { sampleRate, channels, frames, bitDepth } = shape;
  const blockAlign = channels * (bitDepth / 8);
  const dataBytes = frames * blockAlign;
  if (dataBytes + 36 > 0xffffffff)
    throw new AudioError('invalid-argument', 'audio too long for a WAV file (4 GiB)');
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const ascii = (at: number, text: string) => {
    for (let index = 0; index < 4; index++) header[at + index] = text.charCodeAt(index);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, bitDepth === 32 ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** Interleaves frames `[start, end)` of `channels` into little-endian WAV sample bytes. */
export function encodeWavFrames(
  channels: readonly Float32Array[],
  start: number,
  end: number,
  bitDepth: WavBitDepth,
): Uint8Array {
  const output = new Uint8Array((end - start) * channels.length * (bitDepth / 8));
  writeWavFrames(channels, start, end, bitDepth, output, 0);
  return output;
}

function writeWavFrames(
  channels: readonly Float32Array[],
  start: number,
  end: number,
  bitDepth: WavBitDepth,
  output: Uint8Array,
  offset: number,
): void {
  // One loop per depth, so no sample pays for choosing; 16-bit goes through an Int16Array where it can.
  const count = channels.length;
  if (bitDepth === 16 && LITTLE_ENDIAN && (output.byteOffset + offset) % 2 === 0) {
    const samples = new Int16Array(output.buffer, output.byteOffset + offset, (end - start) * count);
    for (let channel = 0; channel < count; channel++) {
      const input = channels[channel]!;
      for (let frame = start, index = channel; frame < end; frame++, index += count)
        samples[index] = quantize(input[frame]!, 32_768);
    }
    return;
  }
  if (bitDepth === 24) {
    for (let channel = 0; channel < count; channel++) {
      const input = channels[channel]!;
      for (let frame = start, position = offset + channel * 3; frame < end; frame++, position += count * 3) {
        const value = quantize(input[frame]!, 8_388_608);
        output[position] = value & 0xff;
        output[position + 1] = (value >> 8) & 0xff;
        output[position + 2] = (value >> 16) & 0xff;
      }
    }
    return;
  }
  const bytesPerSample = bitDepth / 8;
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  let position = offset;
  for (let frame = start; frame < end; frame++) {
    for (let channel = 0; channel < count; channel++, position += bytesPerSample) {
      const sample = channels[channel]![frame]!;
      if (bitDepth === 32) view.setFloat32(position, sample, true);
      else view.setInt16(position, quantize(sample, 32_768), true);
    }
  }
}

/** Rounds to the nearest integer step, clipping to the signed range; the inverse of the decoder's division. */
function quantize(sample: number, scale: number): number {
  const value = Math.round(sample * scale);
  return Math.min(scale - 1, Math.max(-scale, value));
}

/**
 * Encodes planar float PCM as a WAV file: 16-bit PCM by default, 24-bit PCM, or 32-bit float.
 *
 * @example
 * ```ts
 * const bytes = encodeWav({ sampleRate: 48_000, channels: [left, right] }, 24);
 * ```
 */
export function encodeWav(audio: PcmAudio, bitDepth: WavBitDepth = 16): Uint8Array {
  assertPcm(audio);
  const frames = frameCount(audio);
  const writer = wavWriter({
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames,
    bitDepth,
  });
  writer.write(audio.channels, frames);
  return writer.bytes;
}

/** A WAV file of known length, filled in memory block by block (see {@link wavWriter}). */
export interface WavWriter {
  /** The whole file, header included; complete once `frames` frames are written. */
  readonly bytes: Uint8Array;
  /** Appends frames `[0, length)` of `channels`. */
  write(channels: readonly Float32Array[], length: number): void;
}

/**
 * A WAV file of `frames` frames written in memory as blocks come (a separator's output, say), so the audio is
 * never held as floats as well: 16-bit PCM by default, 24-bit PCM, or 32-bit float.
 *
 * @example
 * ```ts
 * const writer = wavWriter({ sampleRate: 44_100, channels: 2, frames: left.length, bitDepth: 24 });
 * writer.write([left, right], left.length);
 * const wav = writer.bytes;
 * ```
 */
export function wavWriter(shape: {
  sampleRate: number;
  channels: number;
  frames: number;
  bitDepth?: WavBitDepth;
}): WavWriter {
  const bitDepth = shape.bitDepth ?? 16;
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new AudioError('invalid-argument', `WAV bit depth must be 16, 24 or 32, got ${bitDepth}`);
  }
  const header = wavHeader({ ...shape, bitDepth });
  const blockAlign = shape.channels * (bitDepth / 8);
  const bytes = new Uint8Array(header.length + shape.frames * blockAlign);
  bytes.set(header);
  let written = 0;
  return {
    bytes,
    write(channels, length) {
      if (written + length > shape.frames)
        throw new AudioError('invalid-argument', `the WAV file holds ${shape.frames} frames`);
      writeWavFrames(channels, 0, length, bitDepth, bytes, header.length + written * blockAlign);
      written += length;
    },
  };
}

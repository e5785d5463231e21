import { AudioError } from '../errors.ts';
import { assertPcm } from '../pcm.ts';
import { AUDIO_FORMATS, type AudioFormat, type AudioInfo, type PcmAudio } from '../types.ts';
import { sniffFormat } from './sniff.ts';
import { decodeWav, encodeWav, readWavLayout } from './wav.ts';

type FfmpegModule = typeof import('./ffmpeg.ts');

/** Loads the ffmpeg bridge only when a compressed format is asked for, so browsers never touch Node modules. */
async function loadFfmpeg(format: AudioFormat): Promise<FfmpegModule> {
  try {
    return await import('./ffmpeg.ts');
  } catch (error) {
    throw new AudioError('missing-tool', `${format} needs ffmpeg, which is reachable only from Node`, {
      cause: error,
    });
  }
}

function assertFormat(format: AudioFormat): void {
  if (!AUDIO_FORMATS.includes(format)) {
    throw new AudioError(
      'unsupported-format',
      `unknown format "${format}"; expected one of ${AUDIO_FORMATS.join(', ')}`,
    );
  }
}

function detectFormat(data: Uint8Array, format: AudioFormat | undefined): AudioFormat {
  if (data.length === 0) throw new AudioError('empty', 'the audio input is empty');
  if (format) {
    assertFormat(format);
    return format;
  }
  const sniffed = sniffFormat(data);
  if (!sniffed) throw new AudioError('not-audio', 'the input is not a WAV, MP3, M4A, FLAC or AIFF file');
  return sniffed;
}

/**
 * Decodes WAV natively and mp3, m4a, flac and aiff through ffmpeg; the format is sniffed when not given.
 *
 * @example
 * ```ts
 * const audio = await decodeAudio(new Uint8Array(await readFile('song.mp3')));
 * console.log(audio.sampleRate, audio.channels.length, audio.channels[0]?.length);
 * ```
 */
export async function decodeAudio(
  data: Uint8Array,
  options: { format?: AudioFormat } = {},
): Promise<PcmAudio> {
  const format = detectFormat(data, options.format);
  if (format === 'wav') return decodeWav(data);
  const ffmpeg = await loadFfmpeg(format);
  return ffmpeg.decodeBytesWithFfmpeg(data, format);
}

/**
 * Encodes planar PCM. WAV is written natively: 16-bit PCM by default, 24-bit PCM, or 32-bit float; flac and aiff
 * honour 16/24 bits (aiff 32 = float); mp3 and m4a are 192 kbit/s through ffmpeg.
 *
 * @example
 * ```ts
 * const wav = await encodeAudio(audio, 'wav', { bitDepth: 24 });
 * const mp3 = await encodeAudio(audio, 'mp3');
 * ```
 */
export async function encodeAudio(
  audio: PcmAudio,
  format: AudioFormat,
  options: { bitDepth?: 16 | 24 | 32 } = {},
): Promise<Uint8Array> {
  assertFormat(format);
  assertPcm(audio);
  const bitDepth = options.bitDepth ?? 16;
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new AudioError('invalid-argument', `bit depth must be 16, 24 or 32, got ${bitDepth}`);
  }
  if (format === 'wav') return encodeWav(audio, bitDepth);
  const ffmpeg = await loadFfmpeg(format);
  return ffmpeg.encodeBytesWithFfmpeg(audio, format, bitDepth);
}

/**
 * Duration, channels and sample rate of audio bytes. WAV is read from its header alone; other formats ask ffprobe.
 *
 * @example
 * ```ts
 * const { durationSeconds, channels, sampleRate } = await probeAudio(bytes);
 * ```
 */
export async function probeAudio(data: Uint8Array): Promise<AudioInfo> {
  const format = detectFormat(data, undefined);
  if (format === 'wav') return wavInfo(data);
  const ffmpeg = await loadFfmpeg(format);
  return ffmpeg.probeBytesWithFfprobe(data, format);
}

/** The {@link AudioInfo} of a WAV file from its header (a prefix of a file `totalBytes` long is enough). */
export function wavInfo(header: Uint8Array, totalBytes = header.length): AudioInfo {
  const layout = readWavLayout(header, totalBytes);
  return {
    format: 'wav',
    durationSeconds: layout.frames / layout.sampleRate,
    channels: layout.channels,
    sampleRate: layout.sampleRate,
    frames: layout.frames,
  };
}

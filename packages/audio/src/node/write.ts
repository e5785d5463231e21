import { extname } from 'node:path';
import { encodeFileWithFfmpeg } from '../codec/ffmpeg.ts';
import type { WavBitDepth } from '../codec/wav.ts';
import { AudioError } from '../errors.ts';
import { assertPcm, frameCount } from '../pcm.ts';
import { AUDIO_FORMATS, type AudioFormat, type PcmAudio } from '../types.ts';
import { WavFileWriter } from './wav-file-writer.ts';

const WRITE_CHUNK_FRAMES = 1 << 16;

/** The format a path's extension names (`.aif` counts as aiff). */
export function formatFromPath(path: string): AudioFormat {
  const extension = extname(path).slice(1).toLowerCase();
  const format = (extension === 'aif' ? 'aiff' : extension) as AudioFormat;
  if (!AUDIO_FORMATS.includes(format)) {
    throw new AudioError(
      'unsupported-format',
      `cannot tell the audio format of "${path}" from its extension`,
    );
  }
  return format;
}

/**
 * Writes audio to a file, in the format its extension names unless `format` is given. WAV is written in chunks
 * (never a second full copy in memory); other formats stream their samples through ffmpeg.
 *
 * @example
 * ```ts
 * await encodeFile(stems.vocals, 'out/vocals.flac', { bitDepth: 24 });
 * ```
 */
export async function encodeFile(
  audio: PcmAudio,
  path: string,
  options: { format?: AudioFormat; bitDepth?: WavBitDepth } = {},
): Promise<void> {
  assertPcm(audio);
  const format = options.format ?? formatFromPath(path);
  if (format !== 'wav') return encodeFileWithFfmpeg(audio, format, path, options.bitDepth);
  const writer = await WavFileWriter.create(path, {
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    bitDepth: options.bitDepth ?? 16,
  });
  try {
    const frames = frameCount(audio);
    for (let start = 0; start < frames; start += WRITE_CHUNK_FRAMES) {
      const end = Math.min(frames, start + WRITE_CHUNK_FRAMES);
      writer.write(
        audio.channels.map((channel) => channel.subarray(start, end)),
        end - start,
      );
      await writer.flushed();
    }
  } finally {
    await writer.close();
  }
}

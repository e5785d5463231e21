import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeArguments, runTool } from '../codec/ffmpeg.ts';
import type { WavBitDepth } from '../codec/wav.ts';
import { stemRequest } from '../dsp/separate.ts';
import { StemSeparator } from '../dsp/separator.ts';
import { stemRecipe } from '../dsp/stems.ts';
import type { AudioFormat, AudioInfo } from '../types.ts';
import { streamAudioFile } from './read.ts';
import { WavFileWriter } from './wav-file-writer.ts';

/**
 * Options of {@link separateFile}: which stems, where to write them, and in what format.
 *
 * @example
 * ```ts
 * const options: SeparateFileOptions = { stems: ['vocals'], outputDirectory: 'out', format: 'mp3' };
 * ```
 */
export interface SeparateFileOptions {
  /** A canonical set (the last stem is the remainder, so the set sums to the input), or any list of stem names. */
  stems: 'two' | 'four' | readonly string[];
  /** Where `<stem>.<format>` files are written; created when missing. */
  outputDirectory: string;
  /** Output format (default wav). */
  format?: AudioFormat;
  /** WAV bit depth of the stems (default 16; 32 = float). */
  bitDepth?: WavBitDepth;
}

/**
 * Separates a file of any length in bounded memory: the input streams through the separator in chunks and each
 * stem streams to its own WAV file (then to `format` through ffmpeg). Resolves with the path of each stem.
 *
 * @example
 * ```ts
 * const paths = await separateFile('concert.flac', { stems: 'four', outputDirectory: 'stems', format: 'flac' });
 * console.log(paths.vocals); // stems/vocals.flac
 * ```
 */
export async function separateFile(
  input: string,
  options: SeparateFileOptions,
): Promise<Record<string, string>> {
  const { masked, names, remainder } = stemRequest(options.stems);
  const recipes = masked.map(stemRecipe);
  const format = options.format ?? 'wav';

  const { info, chunks } = await streamAudioFile(input);
  await mkdir(options.outputDirectory, { recursive: true });
  const wavPaths = names.map((name) =>
    join(options.outputDirectory, format === 'wav' ? `${name}.wav` : `.${name}.partial.wav`),
  );
  const writers = await Promise.all(
    wavPaths.map((path) =>
      WavFileWriter.create(path, {
        sampleRate: info.sampleRate,
        channels: info.channels,
        bitDepth: options.bitDepth,
      }),
    ),
  );
  try {
    const separator = new StemSeparator(
      { sampleRate: info.sampleRate, channelCount: info.channels },
      recipes,
      {
        remainder,
        sink: (blocks, length) => {
          blocks.forEach((channels, stem) => {
            writers[stem]!.write(channels, length);
          });
        },
      },
    );
    for await (const chunk of chunks) {
      separator.write(chunk.channels);
      await Promise.all(writers.map((writer) => writer.flushed()));
    }
    separator.end();
  } finally {
    await Promise.all(writers.map((writer) => writer.close()));
  }

  const outputs: Record<string, string> = {};
  for (const [index, name] of names.entries()) {
    const wavPath = wavPaths[index]!;
    if (format === 'wav') {
      outputs[name] = wavPath;
      continue;
    }
    const path = join(options.outputDirectory, `${name}.${format}`);
    await transcode(wavPath, path, format, info);
    await rm(wavPath, { force: true });
    outputs[name] = path;
  }
  return outputs;
}

/** File-to-file conversion of a WAV stem; ffmpeg streams it, nothing is held in memory here. */
async function transcode(
  source: string,
  target: string,
  format: Exclude<AudioFormat, 'wav'>,
  info: AudioInfo,
): Promise<void> {
  await runTool(
    'ffmpeg',
    ['-v', 'error', '-y', '-i', source, ...encodeArguments(format, info.sampleRate, 16), target],
    {
      timeoutMs: 30_000 + info.durationSeconds * 500,
      purpose: `to write ${format}`,
    },
  );
}

import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { decodeArguments, InterleavedFloatSink, probeFileWithFfprobe } from '../codec/ffmpeg.ts';
import { wavInfo } from '../codec/index.ts';
import { sniffFormat } from '../codec/sniff.ts';
import { decodeWavFrames, readWavLayout } from '../codec/wav.ts';
import { AudioError } from '../errors.ts';
import type { AudioInfo, PcmAudio } from '../types.ts';

/** How much of a file is read to recognize it and find a WAV file's data chunk. */
const HEAD_BYTES = 1 << 20;
/** Frames per chunk when streaming: about 1.5 s at 44.1 kHz. */
const DEFAULT_CHUNK_FRAMES = 1 << 16;

async function readHead(path: string): Promise<{ head: Uint8Array; size: number }> {
  const { size } = await stat(path);
  if (size === 0) throw new AudioError('empty', `${path} is empty`);
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    return { head, size };
  } finally {
    await handle.close();
  }
}

/**
 * Duration, channels and sample rate of an audio file, reading only its header (WAV) or asking ffprobe.
 *
 * @example
 * ```ts
 * const { durationSeconds } = await probeFile('song.mp3');
 * ```
 */
export async function probeFile(path: string): Promise<AudioInfo> {
  const { head, size } = await readHead(path);
  const format = sniffFormat(head);
  if (!format) throw new AudioError('not-audio', `${path} is not a WAV, MP3, M4A, FLAC or AIFF file`);
  if (format === 'wav') return wavInfo(head, size);
  return probeFileWithFfprobe(path, format, size);
}

/** An audio file opened for streaming: what it holds, and its PCM in chunks. */
export interface AudioFileStream {
  /** What the file holds, known before the first chunk; `channels` is at most 2, as in the chunks. */
  info: AudioInfo;
  /** Chunks of exactly `chunkFrames` frames (the last one shorter); each chunk's arrays are the caller's to keep. */
  chunks: AsyncIterable<PcmAudio>;
}

/**
 * Streams an audio file as PCM chunks in bounded memory: WAV read directly, other formats decoded by ffmpeg
 * through a pipe. Files with more than two channels come out as stereo (ffmpeg downmix).
 *
 * @example
 * ```ts
 * const { info, chunks } = await streamAudioFile('long-set.flac');
 * for await (const chunk of chunks) console.log(chunk.channels[0]?.length);
 * ```
 */
export async function streamAudioFile(
  path: string,
  options: { chunkFrames?: number } = {},
): Promise<AudioFileStream> {
  const chunkFrames = options.chunkFrames ?? DEFAULT_CHUNK_FRAMES;
  if (!Number.isInteger(chunkFrames) || chunkFrames <= 0) {
    throw new AudioError('invalid-argument', `chunkFrames must be a positive integer, got ${chunkFrames}`);
  }
  const { head, size } = await readHead(path);
  const format = sniffFormat(head);
  if (!format) throw new AudioError('not-audio', `${path} is not a WAV, MP3, M4A, FLAC or AIFF file`);
  if (format === 'wav') {
    const layout = readWavLayout(head, size);
    return { info: wavInfo(head, size), chunks: wavChunks(path, layout, chunkFrames) };
  }
  const info = await probeFileWithFfprobe(path, format, size);
  const channels = Math.min(info.channels, 2);
  return {
    info: { ...info, channels },
    chunks: ffmpegChunks(path, channels, info.sampleRate, chunkFrames, 10_000 + info.durationSeconds * 200),
  };
}

async function* wavChunks(
  path: string,
  layout: ReturnType<typeof readWavLayout>,
  chunkFrames: number,
): AsyncGenerator<PcmAudio> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(chunkFrames * layout.blockAlign);
    for (let frame = 0; frame < layout.frames; frame += chunkFrames) {
      const frames = Math.min(chunkFrames, layout.frames - frame);
      const bytes = frames * layout.blockAlign;
      const { bytesRead } = await handle.read(
        buffer,
        0,
        bytes,
        layout.dataOffset + frame * layout.blockAlign,
      );
      if (bytesRead < bytes) throw new AudioError('truncated', `${path} ended while reading its samples`);
      const channels = Array.from({ length: layout.channels }, () => new Float32Array(frames));
      decodeWavFrames(buffer.subarray(0, bytes), layout, channels);
      yield { sampleRate: layout.sampleRate, channels };
    }
  } finally {
    await handle.close();
  }
}

async function* ffmpegChunks(
  path: string,
  channelCount: number,
  sampleRate: number,
  chunkFrames: number,
  timeoutMs: number,
): AsyncGenerator<PcmAudio> {
  const child = spawn('ffmpeg', decodeArguments(path, channelCount), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let failure: AudioError | undefined;
  child.on('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new AudioError(
            'missing-tool',
            'ffmpeg was not found on PATH; it is needed to decode this file (Debian: apt-get install ffmpeg)',
          )
        : new AudioError('corrupt', `ffmpeg could not run: ${error.message}`);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4096);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.on('error', () => resolve(null));
  });
  const timer = setTimeout(() => {
    failure = new AudioError('corrupt', `ffmpeg took longer than ${timeoutMs} ms to decode ${path}`);
    child.kill('SIGKILL');
  }, timeoutMs);
  // Pipe reads arrive in whatever sizes the OS hands over; they are regrouped into chunks of exactly chunkFrames.
  const ready: PcmAudio[] = [];
  let current = Array.from({ length: channelCount }, () => new Float32Array(chunkFrames));
  let filled = 0;
  const sink = new InterleavedFloatSink(channelCount, chunkFrames, (channels, frames) => {
    for (let offset = 0; offset < frames; ) {
      const take = Math.min(frames - offset, chunkFrames - filled);
      current.forEach((target, index) => {
        target.set(channels[index]!.subarray(offset, offset + take), filled);
      });
      filled += take;
      offset += take;
      if (filled === chunkFrames) {
        ready.push({ sampleRate, channels: current });
        current = Array.from({ length: channelCount }, () => new Float32Array(chunkFrames));
        filled = 0;
      }
    }
  });
  try {
    for await (const chunk of child.stdout) {
      sink.write(chunk as Buffer);
      yield* ready.splice(0);
    }
    const code = await exited;
    if (failure) throw failure;
    if (code !== 0)
      throw new AudioError(
        'corrupt',
        `ffmpeg failed to decode ${path}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
      );
    if (filled > 0) yield { sampleRate, channels: current.map((channel) => channel.slice(0, filled)) };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * Decodes a whole file into memory with one copy of the PCM (no copy of the encoded bytes is kept).
 *
 * @example
 * ```ts
 * const audio = await decodeFile('song.wav');
 * ```
 */
export async function decodeFile(path: string): Promise<PcmAudio> {
  const { info, chunks } = await streamAudioFile(path);
  let channels = Array.from({ length: info.channels }, () => new Float32Array(info.frames));
  let frames = 0;
  for await (const chunk of chunks) {
    const length = chunk.channels[0]!.length;
    if (frames + length > channels[0]!.length) {
      // Compressed durations are estimates: grow when the decoder delivers more.
      const grown = Math.max(frames + length, Math.ceil(channels[0]!.length * 1.25));
      channels = channels.map((channel) => {
        const larger = new Float32Array(grown);
        larger.set(channel.subarray(0, frames));
        return larger;
      });
    }
    chunk.channels.forEach((channel, index) => {
      channels[index]!.set(channel, frames);
    });
    frames += length;
  }
  return {
    sampleRate: info.sampleRate,
    channels: channels.map((channel) => (channel.length === frames ? channel : channel.slice(0, frames))),
  };
}

/**
 * mp3, m4a/AAC, flac and aiff through the system's ffmpeg (Node only). PCM crosses the pipes as raw
 * little-endian 32-bit floats; compressed data lives in files so that ffmpeg can seek (m4a needs it).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from '../errors.ts';
import { frameCount } from '../pcm.ts';
import type { AudioFormat, AudioInfo, PcmAudio } from '../types.ts';

type Tool = 'ffmpeg' | 'ffprobe';

interface RunOptions {
  /** Written to the tool's standard input, chunk by chunk, with back-pressure. */
  input?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Receives standard output as it arrives. */
  onOutput?: (chunk: Buffer) => void;
  /** The child is killed past this; a stuck decoder never hangs the caller. */
  timeoutMs: number;
  /** Said in errors: what the tool was doing. */
  purpose: string;
}

const STDERR_TAIL = 4096;

/** Runs ffmpeg or ffprobe to completion; resolves with its stderr tail, rejects with a typed {@link AudioError}. */
export function runTool(tool: Tool, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (error: AudioError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve(stderr);
    };
    const timer = setTimeout(
      () =>
        finish(
          new AudioError('corrupt', `${tool} took longer than ${options.timeoutMs} ms ${options.purpose}`),
        ),
      options.timeoutMs,
    );
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        error.code === 'ENOENT'
          ? new AudioError(
              'missing-tool',
              `${tool} was not found on PATH; it is needed ${options.purpose} (Debian: apt-get install ffmpeg)`,
            )
          : new AudioError('corrupt', `${tool} could not run ${options.purpose}: ${error.message}`, {
              cause: error,
            }),
      );
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      try {
        options.onOutput?.(chunk);
      } catch (error) {
        finish(
          error instanceof AudioError ? error : new AudioError('corrupt', String(error), { cause: error }),
        );
      }
    });
    child.on('close', (code, signal) => {
      if (code === 0) finish(undefined);
      else finish(classifyFailure(tool, stderr, options.purpose, code ?? signal));
    });
    if (options.input && child.stdin) {
      const stdin = child.stdin;
      // The tool may quit before reading everything (bad input): its exit code tells why, not EPIPE.
      stdin.on('error', () => {});
      (async () => {
        for await (const chunk of options.input!) {
          if (settled) return;
          if (!stdin.write(chunk)) {
            // Resume on drain, or on close when the child died with the pipe full; whichever fires, both
            // listeners go, or every wait would leave one behind (MaxListenersExceededWarning).
            await new Promise<void>((resume) => {
              const done = () => {
                stdin.off('drain', done);
                stdin.off('close', done);
                resume();
              };
              stdin.on('drain', done);
              stdin.on('close', done);
            });
          }
        }
        stdin.end();
      })().catch((error: unknown) =>
        finish(error instanceof AudioError ? error : new AudioError('corrupt', String(error))),
      );
    }
  });
}

function classifyFailure(
  tool: Tool,
  stderr: string,
  purpose: string,
  status: number | string | null,
): AudioError {
  const detail = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${status}`;
  const message = `${tool} failed ${purpose}: ${detail}`;
  if (/moov atom not found|end of file|truncat/i.test(stderr)) return new AudioError('truncated', message);
  if (/does not contain any stream|matches no streams|no audio/i.test(stderr))
    return new AudioError('not-audio', message);
  if (/Unknown encoder|Unknown decoder|not currently supported|codec not supported/i.test(stderr)) {
    return new AudioError('unsupported-format', message);
  }
  return new AudioError('corrupt', message);
}

/** Ten seconds plus a second per 10 MB handled: generous for real work, short for a stuck child. */
function timeoutFor(bytes: number): number {
  return 10_000 + Math.ceil(bytes / 10_000_000) * 1000;
}

interface ProbeJson {
  streams?: Array<{ codec_name?: string; sample_rate?: string; channels?: number; duration?: string }>;
  format?: { duration?: string };
}

/** Probes a file with ffprobe: the first audio stream's shape, or `not-audio` when there is none. */
export async function probeFileWithFfprobe(
  path: string,
  format: AudioFormat,
  bytes: number,
): Promise<AudioInfo> {
  return (await probeWithFfprobe(path, format, bytes)).info;
}

/** The probe, and whether ffprobe had to estimate the duration from the bitrate (an mp3 without a Xing header). */
async function probeWithFfprobe(
  path: string,
  format: AudioFormat,
  bytes: number,
): Promise<{ info: AudioInfo; durationIsEstimate: boolean }> {
  let json = '';
  const warnings = await runTool(
    'ffprobe',
    [
      '-v',
      'warning',
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=codec_name,sample_rate,channels,duration:format=duration',
      '-of',
      'json',
      path,
    ],
    {
      onOutput: (chunk) => (json += chunk.toString('utf8')),
      timeoutMs: timeoutFor(bytes),
      purpose: `to probe ${format} audio`,
    },
  ).catch((error: unknown) => {
    // ffprobe says "Invalid data found when processing input" for anything it cannot parse at all.
    if (
      error instanceof AudioError &&
      error.code === 'corrupt' &&
      /Invalid data|Invalid argument/i.test(error.message)
    ) {
      throw new AudioError('not-audio', `not ${format} audio: ${error.message}`);
    }
    throw error;
  });
  const parsed = JSON.parse(json || '{}') as ProbeJson;
  const stream = parsed.streams?.[0];
  const sampleRate = Number(stream?.sample_rate);
  const channels = stream?.channels ?? 0;
  if (!stream || !(sampleRate > 0) || channels <= 0)
    throw new AudioError('not-audio', `no audio stream found in the ${format} data`);
  const durationSeconds = Number(stream.duration ?? parsed.format?.duration ?? Number.NaN);
  if (!Number.isFinite(durationSeconds))
    throw new AudioError('corrupt', `ffprobe found no duration in the ${format} data`);
  return {
    info: { format, durationSeconds, channels, sampleRate, frames: Math.round(durationSeconds * sampleRate) },
    durationIsEstimate: /Estimating duration from bitrate/i.test(warnings),
  };
}

/** Fills planar channels from an interleaved f32le byte stream whose chunks may split samples and frames. */
export class InterleavedFloatSink {
  channels: Float32Array[];
  frames = 0;
  private readonly pending = new Uint8Array(8);
  private pendingBytes = 0;
  private readonly channelCount: number;
  private readonly onChunk: ((channels: Float32Array[], frames: number) => void) | undefined;

  constructor(
    channelCount: number,
    capacity: number,
    onChunk?: (channels: Float32Array[], frames: number) => void,
  ) {
    this.channelCount = channelCount;
    this.onChunk = onChunk;
    this.channels = Array.from({ length: channelCount }, () => new Float32Array(Math.max(capacity, 1)));
  }

  write(chunk: Uint8Array): void {
    const frameBytes = 4 * this.channelCount;
    let bytes = chunk;
    if (this.pendingBytes > 0) {
      const needed = frameBytes - this.pendingBytes;
      const take = Math.min(needed, bytes.length);
      this.pending.set(bytes.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      bytes = bytes.subarray(take);
      if (this.pendingBytes < frameBytes) return;
      this.append(this.pending.subarray(0, frameBytes));
      this.pendingBytes = 0;
    }
    const whole = bytes.length - (bytes.length % frameBytes);
    this.append(bytes.subarray(0, whole));
    this.pending.set(bytes.subarray(whole));
    this.pendingBytes = bytes.length - whole;
  }

  private append(bytes: Uint8Array): void {
    const count = bytes.length / (4 * this.channelCount);
    if (count === 0) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.onChunk) {
      // Streaming: the channels hold only this chunk.
      if (this.channels[0]!.length < count) this.channels = this.channels.map(() => new Float32Array(count));
      this.fill(view, count, 0);
      this.onChunk(this.channels, count);
      this.frames += count;
      return;
    }
    if (this.frames + count > this.channels[0]!.length) this.grow(this.frames + count);
    this.fill(view, count, this.frames);
    this.frames += count;
  }

  private fill(view: DataView, count: number, at: number): void {
    const channelCount = this.channelCount;
    for (let channel = 0; channel < channelCount; channel++) {
      const output = this.channels[channel]!;
      for (let frame = 0, position = channel * 4; frame < count; frame++, position += 4 * channelCount) {
        output[at + frame] = view.getFloat32(position, true);
      }
    }
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, Math.ceil(this.channels[0]!.length * 1.5));
    this.channels = this.channels.map((channel) => {
      const grown = new Float32Array(capacity);
      grown.set(channel.subarray(0, this.frames));
      return grown;
    });
  }

  /** The decoded audio, trimmed to what arrived (a view when the estimate was close, to avoid a copy). */
  result(sampleRate: number): PcmAudio {
    const slack = this.channels[0]!.length - this.frames;
    const trim = (channel: Float32Array) =>
      slack <= sampleRate * 2 ? channel.subarray(0, this.frames) : channel.slice(0, this.frames);
    return { sampleRate, channels: this.channels.map(trim) };
  }
}

/** The ffmpeg arguments that decode the first audio stream of `path` to interleaved f32le on stdout. */
export function decodeArguments(path: string, channels: number): string[] {
  return [
    '-v',
    'error',
    '-nostdin',
    '-i',
    path,
    '-map',
    '0:a:0',
    '-vn',
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    '-ac',
    String(channels),
    'pipe:1',
  ];
}

/** Decodes a compressed file to planar float PCM (downmixed to stereo when it has more channels). */
export async function decodeFileWithFfmpeg(
  path: string,
  format: AudioFormat,
  bytes: number,
): Promise<PcmAudio> {
  const { info, durationIsEstimate } = await probeWithFfprobe(path, format, bytes);
  const channels = Math.min(info.channels, 2);
  const sink = new InterleavedFloatSink(channels, info.frames + info.sampleRate);
  await runTool('ffmpeg', decodeArguments(path, channels), {
    onOutput: (chunk) => sink.write(chunk),
    timeoutMs: timeoutFor(bytes) + info.durationSeconds * 100,
    purpose: `to decode ${format} audio`,
  });
  if (sink.frames === 0 && info.frames > 0)
    throw new AudioError('corrupt', `ffmpeg decoded no audio from the ${format} data`);
  // Headers that state the length (flac, m4a, aiff, mp3 with a Xing/LAME header) make a large shortfall a cut
  // file; a length estimated from the bitrate proves nothing.
  if (!durationIsEstimate && sink.frames < info.frames * 0.9 - info.sampleRate * 0.1) {
    throw new AudioError(
      'truncated',
      `the ${format} data ends early: ${sink.frames} of ${info.frames} frames decoded`,
    );
  }
  return sink.result(info.sampleRate);
}

/** Per-format encoder settings; mp3 tops out at 48 kHz, so higher rates are resampled to it. */
export function encodeArguments(
  format: Exclude<AudioFormat, 'wav'>,
  sampleRate: number,
  bitDepth: 16 | 24 | 32,
): string[] {
  switch (format) {
    case 'mp3':
      return [
        '-c:a',
        'libmp3lame',
        '-b:a',
        '192k',
        ...(sampleRate > 48_000 ? ['-ar', '48000'] : []),
        '-f',
        'mp3',
      ];
    case 'm4a':
      return ['-c:a', 'aac', '-b:a', '192k', '-movflags', '+faststart', '-f', 'ipod'];
    case 'flac':
      return [
        '-c:a',
        'flac',
        '-sample_fmt',
        bitDepth === 16 ? 's16' : 's32',
        ...(bitDepth === 16 ? [] : ['-bits_per_raw_sample', '24']),
        '-f',
        'flac',
      ];
    case 'aiff':
      return [
        '-c:a',
        bitDepth === 16 ? 'pcm_s16be' : bitDepth === 24 ? 'pcm_s24be' : 'pcm_f32be',
        '-f',
        'aiff',
      ];
  }
}

/** Interleaved f32le chunks of `audio`, a bounded number of frames at a time. */
export function* interleavedChunks(
  channels: readonly Float32Array[],
  frames: number,
  chunkFrames = 16_384,
): Generator<Uint8Array> {
  const count = channels.length;
  for (let start = 0; start < frames; start += chunkFrames) {
    const end = Math.min(frames, start + chunkFrames);
    const interleaved = new Float32Array((end - start) * count);
    for (let channel = 0; channel < count; channel++) {
      const source = channels[channel]!;
      for (let frame = start, position = channel; frame < end; frame++, position += count)
        interleaved[position] = source[frame]!;
    }
    yield new Uint8Array(interleaved.buffer); // typed arrays are little-endian on every platform Node runs on
  }
}

/** The ffmpeg arguments that read interleaved f32le from stdin and write `format` to `path`. */
export function encodeToFileArguments(
  path: string,
  format: Exclude<AudioFormat, 'wav'>,
  shape: { sampleRate: number; channels: number },
  bitDepth: 16 | 24 | 32 = 16,
): string[] {
  return [
    ...[
      '-v',
      'error',
      '-y',
      '-f',
      'f32le',
      '-ar',
      String(shape.sampleRate),
      '-ac',
      String(shape.channels),
      '-i',
      'pipe:0',
    ],
    ...encodeArguments(format, shape.sampleRate, bitDepth),
    path,
  ];
}

/** Encodes PCM to `path` in `format`, streaming the samples through ffmpeg's stdin. */
export async function encodeFileWithFfmpeg(
  audio: PcmAudio,
  format: Exclude<AudioFormat, 'wav'>,
  path: string,
  bitDepth: 16 | 24 | 32 = 16,
): Promise<void> {
  const frames = frameCount(audio);
  await runTool(
    'ffmpeg',
    encodeToFileArguments(
      path,
      format,
      { sampleRate: audio.sampleRate, channels: audio.channels.length },
      bitDepth,
    ),
    {
      input: interleavedChunks(audio.channels, frames),
      timeoutMs: timeoutFor(frames * audio.channels.length * 4) + (frames / audio.sampleRate) * 200,
      purpose: `to encode ${format} audio`,
    },
  );
}

/** Runs `work` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTemporaryDirectory<T>(work: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'stemkit-audio-'));
  try {
    return await work(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** In-memory front ends: the bytes go through a temporary file so ffmpeg can seek. */
export function decodeBytesWithFfmpeg(data: Uint8Array, format: AudioFormat): Promise<PcmAudio> {
  return withTemporaryDirectory(async (directory) => {
    const path = join(directory, `input.${format}`);
    await writeFile(path, data);
    return decodeFileWithFfmpeg(path, format, data.length);
  });
}

export function probeBytesWithFfprobe(data: Uint8Array, format: AudioFormat): Promise<AudioInfo> {
  return withTemporaryDirectory(async (directory) => {
    const path = join(directory, `input.${format}`);
    await writeFile(path, data);
    return probeFileWithFfprobe(path, format, data.length);
  });
}

export function encodeBytesWithFfmpeg(
  audio: PcmAudio,
  format: Exclude<AudioFormat, 'wav'>,
  bitDepth: 16 | 24 | 32 = 16,
): Promise<Uint8Array> {
  return withTemporaryDirectory(async (directory) => {
    const path = join(directory, `output.${format}`);
    await encodeFileWithFfmpeg(audio, format, path, bitDepth);
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
}

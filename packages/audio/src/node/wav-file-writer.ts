import { type FileHandle, open } from 'node:fs/promises';
import { encodeWavFrames, type WavBitDepth, wavHeader } from '../codec/wav.ts';

/**
 * Writes a WAV file incrementally: a header with the sizes left open, the samples as they come, then the real
 * sizes on {@link WavFileWriter.close}. Only the block being written is ever in memory.
 *
 * @example
 * ```ts
 * const writer = await WavFileWriter.create('out.wav', { sampleRate: 48_000, channels: 1, bitDepth: 32 });
 * for (const block of blocks) writer.write([block], block.length);
 * await writer.close();
 * ```
 */
export class WavFileWriter {
  private frames = 0;
  private position = 44;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly handle: FileHandle;
  private readonly shape: { sampleRate: number; channels: number; bitDepth: WavBitDepth };

  private constructor(
    handle: FileHandle,
    shape: { sampleRate: number; channels: number; bitDepth: WavBitDepth },
  ) {
    this.handle = handle;
    this.shape = shape;
  }

  /**
   * Opens (and truncates) `path` and writes a provisional header; the writer then takes frames of this shape
   * (bit depth 16 by default; 32 = float).
   *
   * @example
   * ```ts
   * const writer = await WavFileWriter.create('vocals.wav', { sampleRate: 44_100, channels: 2 });
   * writer.write([left, right], left.length);
   * await writer.close();
   * ```
   */
  static async create(
    path: string,
    shape: { sampleRate: number; channels: number; bitDepth?: WavBitDepth },
  ): Promise<WavFileWriter> {
    const handle = await open(path, 'w');
    const writer = new WavFileWriter(handle, { ...shape, bitDepth: shape.bitDepth ?? 16 });
    await handle.write(wavHeader({ ...writer.shape, frames: 0 }), 0, 44, 0);
    return writer;
  }

  /** Queues frames `[0, length)` of `channels` (encoded now, so the caller may reuse its buffers). */
  write(channels: readonly Float32Array[], length: number): void {
    const bytes = encodeWavFrames(channels, 0, length, this.shape.bitDepth);
    const position = this.position;
    this.position += bytes.length;
    this.frames += length;
    this.pending = this.pending.then(() => this.handle.write(bytes, 0, bytes.length, position));
  }

  /** Resolves when everything queued so far is on disk. */
  flushed(): Promise<unknown> {
    return this.pending;
  }

  /** Waits for the queued frames, writes the header's real sizes and closes the file. Call it exactly once. */
  async close(): Promise<void> {
    try {
      await this.pending;
      await this.handle.write(wavHeader({ ...this.shape, frames: this.frames }), 0, 44, 0);
    } finally {
      await this.handle.close();
    }
  }
}

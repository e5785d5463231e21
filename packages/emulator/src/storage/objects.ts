import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** A body that went past the limit it was written with: nothing of it was kept. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** Counts the bytes going through; past `maxBytes` it fails the pipeline, whose other streams it destroys. */
function byteLimit(maxBytes: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (size > maxBytes) callback(new TooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
}

/**
 * Files by storage key (`sourcere/<id>/response/vocals.wav`), under `<dataDir>/objects`. Writes stream to a
 * temporary name and rename, so a reader never sees half a file and memory stays flat whatever the size.
 */
export class ObjectStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'objects');
  }

  /** The file path of a key; keys never climb out of the root. */
  path(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('Invalid storage key');
    return path;
  }

  /**
   * Streams a body to the key's file; returns its size in bytes. With `maxBytes`, a body that goes past it
   * fails with a {@link TooLargeError} as it crosses it (the body destroyed, nothing kept).
   */
  async write(
    key: string,
    body: ReadableStream<Uint8Array> | Readable,
    options: { maxBytes?: number } = {},
  ): Promise<number> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    const source = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>);
    // Destroyed while the folder was being made: a pipeline may never settle on such a stream.
    if (source.destroyed) throw source.errored ?? new Error('The body was destroyed before it was stored');
    try {
      if (options.maxBytes === undefined) await pipeline(source, createWriteStream(temporary));
      else await pipeline(source, byteLimit(options.maxBytes), createWriteStream(temporary));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return (await stat(path)).size;
  }

  /** Writes bytes computed in memory (stems, mixes, archives: small next to uploads). */
  async writeBytes(key: string, data: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.part`;
    await writeFile(temporary, data);
    await rename(temporary, path);
  }

  async readBytes(key: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.path(key)));
  }

  /** The first bytes of a file (format sniffing), or `undefined` when there is no such file. */
  async readBytesHead(key: string, length = 64): Promise<Uint8Array | undefined> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.path(key), 'r');
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } catch {
      return undefined;
    } finally {
      await handle?.close();
    }
  }

  /** Size in bytes, or `undefined` when there is no such file. */
  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return undefined;
    }
  }

  /** A web stream of the file (or of the bytes `start` to `end` inclusive), read from disk as it is consumed. */
  readStream(key: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
    return Readable.toWeb(createReadStream(this.path(key), range)) as ReadableStream<Uint8Array>;
  }
}

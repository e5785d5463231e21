import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { DownloadResult } from '../client/types.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';

/**
 * What `downloadToFile` wrote.
 *
 * @example
 * ```ts
 * const { path, size } = await stemkit.downloadToFile(asset, './vocals.wav');
 * ```
 */
export interface FileDownloadResult {
  /** The asset as downloaded, with the format and link actually used. */
  readonly asset: Asset;
  /** Where the file was written: the `path` given, once the temporary file was renamed to it. */
  readonly path: string;
  /** Bytes written. */
  readonly size: number;
}

/**
 * Creates the folder `path` goes in, with its parents, before anything is downloaded; a folder that cannot be
 * made (a file in the way, no permission) is an `InvalidArgumentError` naming `path`.
 */
export async function prepareFolder(path: string): Promise<void> {
  const folder = dirname(path);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new InvalidArgumentError('path', `cannot create the folder ${folder} for ${path} (${code})`, {
      cause: error,
    });
  }
}

/** Writes a download to a temporary file beside `path`, then renames it, so `path` is never half-written. */
export async function downloadToFile(download: DownloadResult, path: string): Promise<FileDownloadResult> {
  const temporary = `${path}.${crypto.randomUUID()}.part`;
  let size = 0;
  const counted = Readable.fromWeb(download.body as NodeReadableStream<Uint8Array>);
  counted.on('data', (chunk: Uint8Array) => {
    size += chunk.byteLength;
  });
  try {
    await pipeline(counted, createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { asset: download.asset, path, size };
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import type { UploadRequest } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import { mimeTypeOf } from '../model/names.ts';

/** Opens a file as an upload stream (nothing is read until the driver pulls). */
export async function openPath(path: string, name?: string): Promise<UploadRequest> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    throw new InvalidArgumentError('source', 'is not a readable file (nor an http(s) URL)');
  }
  const type = mimeTypeOf(extname(path));
  return {
    body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
    name: name ?? basename(path),
    size,
    contentType: type === 'application/octet-stream' ? undefined : type,
  };
}

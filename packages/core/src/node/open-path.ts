import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { UploadRequest } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import { mimeTypeOf } from '../model/names.ts';

/**
 * Each chunk is a fresh buffer (the consumer may hold it until the socket takes it), and the collector frees such
 * buffers late: the smaller they are, the sooner it does. A 512 MiB upload peaked at +73 MiB over an idle process
 * with 256 KiB chunks, +31 MiB with 64 KiB ones, at the same speed.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * Opens a file as an upload stream (nothing is read until the driver pulls), with `head` to read its first bytes
 * apart: the client's sniff then costs one small read, and the upload stream no extra hop per chunk.
 */
export async function openPath(
  path: string,
  name?: string,
): Promise<UploadRequest & { readonly head: (bytes: number) => Promise<Uint8Array> }> {
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
    body: fileStream(path),
    name: name ?? basename(path),
    size,
    contentType: type === 'application/octet-stream' ? undefined : type,
    head: (bytes) => readHead(path, bytes),
  };
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Reads a file one chunk per pull, with no read-ahead: memory stays flat whatever the file's size. */
function fileStream(path: string): ReadableStream<Uint8Array> {
  let file: Awaited<ReturnType<typeof open>> | undefined;
  let position = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          file ??= await open(path, 'r');
          const chunk = new Uint8Array(CHUNK_BYTES);
          const { bytesRead } = await file.read(chunk, 0, CHUNK_BYTES, position);
          position += bytesRead;
          if (bytesRead > 0) {
            controller.enqueue(bytesRead === CHUNK_BYTES ? chunk : chunk.subarray(0, bytesRead));
            return;
          }
          await file.close();
          controller.close();
        } catch (error) {
          await file?.close().catch(() => undefined);
          throw error;
        }
      },
      async cancel() {
        await file?.close();
      },
    },
    { highWaterMark: 0 },
  );
}

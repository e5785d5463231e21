import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type LocalStore, tooLarge } from '../client/local-store.ts';
import type { Asset } from '../model/asset.ts';

/** Options of {@link temporaryFileStore}. */
export interface TemporaryFileStoreOptions {
  /** Most bytes kept on disk at once (default 8 GiB); the oldest files are deleted first. */
  readonly maxBytes?: number;
  /** Folder to create the store's own temporary folder in (default the system's temporary folder). */
  readonly parent?: string;
}

const DEFAULT_DISK_BYTES = 8 * 1024 * 1024 * 1024;

/**
 * A {@link LocalStore} that spills every file to a temporary folder of its own, so a large output (a six-stem
 * WAV ZIP of a song is ~240 MB) never sits in memory; bounded by `maxBytes` on disk, oldest files deleted first.
 * File names are counters, never a request value. The folder is made on the first file and removed when the
 * process exits. The default store of `@stemkit/core/node`.
 *
 * @example
 * ```ts
 * const store = temporaryFileStore({ maxBytes: 2 * 1024 ** 3 });
 * ```
 */
export function temporaryFileStore(options: TemporaryFileStoreOptions = {}): LocalStore {
  const maxBytes = options.maxBytes ?? DEFAULT_DISK_BYTES;
  const files = new Map<string, { asset: Asset; path: string; size: number }>();
  let folder: Promise<string> | undefined;
  let counter = 0;
  let held = 0;
  const folderPath = () => {
    folder ??= mkdtemp(join(options.parent ?? tmpdir(), 'stemkit-')).then((path) => {
      // Synchronous on exit: the only cleanup Node runs then.
      process.once('exit', () => rmSync(path, { recursive: true, force: true }));
      return path;
    });
    return folder;
  };
  const forget = async (id: string) => {
    const file = files.get(id);
    if (!file) return;
    files.delete(id);
    held -= file.size;
    // A reader that opened it keeps its descriptor: unlinking does not cut an ongoing download short.
    await unlink(file.path).catch(() => undefined);
  };
  return {
    async put(asset, body, putOptions = {}) {
      const path = join(await folderPath(), `${++counter}.bin`);
      const source = body instanceof Uint8Array ? Readable.from([body]) : Readable.fromWeb(body as never);
      let written = 0;
      try {
        await pipeline(
          source,
          async function* (chunks: AsyncIterable<Uint8Array>) {
            for await (const chunk of chunks) {
              written += chunk.byteLength;
              if (written > maxBytes) throw tooLarge(asset, maxBytes);
              yield chunk;
            }
          },
          createWriteStream(path),
          { signal: putOptions.signal },
        );
      } catch (error) {
        await unlink(path).catch(() => undefined);
        throw error;
      }
      const size = (await stat(path)).size;
      await forget(asset.id);
      for (const id of [...files.keys()]) {
        if (held + size <= maxBytes) break;
        await forget(id);
      }
      const kept = { ...asset, sizeBytes: size };
      files.set(asset.id, { asset, path, size });
      held += size;
      return kept;
    },
    async open(id) {
      const file = files.get(id);
      if (!file) return undefined;
      const stream = createReadStream(file.path);
      // Open the descriptor now, so a later eviction cannot unlink the file before the read begins.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return {
        asset: file.asset,
        body: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>,
        size: file.size,
      };
    },
    has: (id) => files.has(id),
  };
}

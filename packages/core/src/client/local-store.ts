import { LocalStoreFullError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';
import { bytesStream } from './source.ts';

/** One file in a {@link LocalStore}, opened for reading. */
export interface LocalFile {
  /** The asset the file is, as it was given to `put` (its size is `size`). */
  readonly asset: Asset;
  /** The file's bytes; each `open` gives a fresh stream. */
  readonly body: ReadableStream<Uint8Array>;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * The client's one bounded store of files that exist on this machine only: local mixes and zips, conversions,
 * and the outputs of drivers whose provider answers with bytes instead of links. When a new file would pass the
 * bound, the oldest files are forgotten first; a forgotten asset is no longer downloadable. `@stemkit/core/node`
 * spills files to a temporary folder so memory stays flat; the main entry keeps them in memory.
 */
export interface LocalStore {
  /**
   * Keeps `body` as the bytes of `asset` (by its id), reading it to the end; resolves to the asset with its
   * `sizeBytes`. A file larger than the whole bound is refused (`LocalStoreFullError`) and nothing is kept.
   */
  put(
    asset: Asset,
    body: ReadableStream<Uint8Array> | Uint8Array,
    options?: { readonly signal?: AbortSignal },
  ): Promise<Asset>;
  /** Opens a kept file; `undefined` when it was never kept here or has been forgotten. */
  open(id: string): Promise<LocalFile | undefined>;
  /** Whether a file is kept under `id`. */
  has(id: string): boolean;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most bytes held at once (default 256 MiB). */
  readonly maxBytes?: number;
}

const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * A {@link LocalStore} in memory, bounded by `maxBytes` (oldest files forgotten first): the default of the main
 * entry, for browsers and other runtimes without a file system.
 *
 * @example
 * ```ts
 * const store = memoryStore({ maxBytes: 32 * 1024 * 1024 });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): LocalStore {
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_BYTES;
  const files = new Map<string, { asset: Asset; data: Uint8Array }>();
  let held = 0;
  const forget = (id: string) => {
    const file = files.get(id);
    if (!file) return;
    held -= file.data.byteLength;
    files.delete(id);
  };
  return {
    async put(asset, body, putOptions = {}) {
      const data = body instanceof Uint8Array ? body : await collect(body, maxBytes, putOptions.signal);
      if (data.byteLength > maxBytes) throw tooLarge(asset, maxBytes);
      forget(asset.id);
      for (const id of files.keys()) {
        if (held + data.byteLength <= maxBytes) break;
        forget(id);
      }
      const kept = { ...asset, sizeBytes: data.byteLength };
      files.set(asset.id, { asset, data });
      held += data.byteLength;
      return kept;
    },
    async open(id) {
      const file = files.get(id);
      return file && { asset: file.asset, body: bytesStream(file.data), size: file.data.byteLength };
    },
    has: (id) => files.has(id),
  };
}

/** The error for a file larger than the whole store. */
export function tooLarge(asset: Asset, maxBytes: number): LocalStoreFullError {
  return new LocalStoreFullError(
    `${asset.name} is larger than the local store's bound of ${maxBytes} bytes`,
    { provider: asset.provider },
  );
}

/** Reads a stream into one array, refusing it as soon as it passes `maxBytes`. */
async function collect(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      // Over the bound already: the caller refuses it, without holding the rest.
      if (length > maxBytes) return new Uint8Array(length);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const data = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}

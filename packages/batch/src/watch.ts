import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { folderItems, type SkippedEntry } from './folder.ts';
import type { BatchItem } from './items.ts';

/**
 * Options of {@link watchFolder}.
 *
 * @example
 * ```ts
 * const options: WatchOptions = { signal: controller.signal, intervalMs: 2_000 };
 * ```
 */
export interface WatchOptions {
  /** Ends the watch (the iterable then ends). */
  readonly signal: AbortSignal;
  /** How often the folder is scanned, in ms (default 2 000). */
  readonly intervalMs?: number;
  /** Told of each entry not taken as a track (a symbolic link, a non-audio file…), once per path. */
  readonly onSkip?: (entry: SkippedEntry) => void;
}

/**
 * The audio files of a folder as they land: those there now, then each new one once its size has stayed the
 * same for one scan (a file still being copied is not taken half-written). Scanning rather than file-system
 * events works the same on network shares. Pass it to `runBatch` to keep a batch running.
 *
 * @example
 * ```ts
 * for await (const result of runBatch(stemkit, watchFolder('inbox', { signal }), { out: 'stems', signal })) {
 *   console.log(result.name, result.status);
 * }
 * ```
 */
export async function* watchFolder(folder: string, options: WatchOptions): AsyncGenerator<BatchItem> {
  const given = new Set<string>();
  const skipped = new Set<string>();
  const onSkip = (entry: SkippedEntry) => {
    if (skipped.has(entry.path)) return;
    skipped.add(entry.path);
    options.onSkip?.(entry);
  };
  let sizes = new Map<string, number>();
  for (let first = true; !options.signal.aborted; first = false) {
    const next = new Map<string, number>();
    for (const item of await folderItems(folder, onSkip)) {
      if (given.has(item.source)) continue;
      const size = (await stat(item.source).catch(() => undefined))?.size;
      if (size === undefined) continue;
      next.set(item.source, size);
      if (first || sizes.get(item.source) === size) {
        given.add(item.source);
        yield item;
      }
    }
    sizes = next;
    // An abort ends the watch quietly: the loop sees the signal and returns.
    await sleep(options.intervalMs ?? 2_000, undefined, { signal: options.signal }).catch(
      (error: unknown) => {
        if (!options.signal.aborted) throw error;
      },
    );
  }
}
